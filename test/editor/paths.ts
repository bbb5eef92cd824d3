// Where the editor harness finds the repository, the installed editor and its git-ignored output folder.
// Works from the TypeScript sources and from their transpiled copies under out/.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepositoryRoot(start: string): string {
  let directory = start;
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mailroom') {
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error(`no Mailroom package.json above ${start}`);
    }
    directory = parent;
  }
}

export const repositoryRoot: string = findRepositoryRoot(__dirname);

/** Git-ignored; everything a test run writes goes below it. */
export const testOutputDirectory: string = path.join(repositoryRoot, '.test-output');

export const screenshotDirectory: string = path.join(testOutputDirectory, 'screenshots');

/** code-server 4.100.3 as installed by `node test/editor/install.js`. */
export const codeServerDirectory: string = path.join(repositoryRoot, 'test', 'editor', 'node_modules', 'code-server');

export const serverMainScript: string = path.join(codeServerDirectory, 'lib', 'vscode', 'out', 'server-main.js');

/** The packaged extension: $MAILROOM_VSIX (test/run.js packages into .test-output), else what
 *  `npx vsce package --no-dependencies` writes at the repository root. */
export function packagedExtensionPath(): string {
  if (process.env.MAILROOM_VSIX) {
    return path.resolve(process.env.MAILROOM_VSIX);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(repositoryRoot, `${manifest.name}-${manifest.version}.vsix`);
}
