import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DependencyPolicy, Lockfile } from './dependencyPolicy';
import { compareVersions, dependencyProblems, importedPackage, licenceAllowed, shippedPackageKeys } from './dependencyPolicy';
import { typeScriptFiles } from './securityList';

const root = path.join(__dirname, '..', '..', '..', '..');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;

/** A package's licence from its installed package.json (older packages spell it `licenses: [{ type }]`). */
function installedLicence(key: string): string | undefined {
  const file = path.join(root, key, 'package.json');
  if (!fs.existsSync(file)) {
    return undefined;
  }
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { license?: unknown; licenses?: { type?: unknown }[] };
  if (typeof manifest.license === 'string') {
    return manifest.license;
  }
  const types = (manifest.licenses ?? []).map((each) => each.type).filter((type): type is string => typeof type === 'string');
  return types.length > 0 ? `(${types.join(' OR ')})` : undefined;
}

/** The packages the files under `folder` import by name. */
function importedPackages(folder: string): Set<string> {
  const names = new Set<string>();
  for (const file of typeScriptFiles(root, folder)) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    // `from 'x'`, `import 'x'` and `import('x')`; not the word inside a string such as `{ 'resolution-mode': 'import' }`.
    for (const match of source.matchAll(/(?:\bfrom\s+|(?<!['"])\bimport\s*\(?\s*)'([^'\n]+)'/g)) {
      const name = importedPackage(match[1] as string);
      if (name !== undefined) {
        names.add(name);
      }
    }
  }
  return names;
}

describe('shipped dependencies', () => {
  const policy = readJson<DependencyPolicy>('test/dependencyPolicy.json');
  const lock = readJson<Lockfile>('package-lock.json');
  const manifest = readJson<{ dependencies: Record<string, string> }>('package.json');

  it('[SEC-34] every shipped package has an allowed licence and no version with a known advisory', () => {
    assert.deepEqual(dependencyProblems(lock, policy, installedLicence), []);
  });

  it('[SEC-34] the shipped set covers what the extension and the webviews import', () => {
    const runtime = new Set([...Object.keys(manifest.dependencies), 'vscode']);
    assert.deepEqual(
      [...importedPackages('src')].filter((name) => !runtime.has(name)),
      [],
      'src/ imports a package that is not a runtime dependency',
    );
    const bundled = new Set([...Object.keys(manifest.dependencies), ...Object.keys(policy.shippedDevDependencies)]);
    assert.deepEqual(
      [...importedPackages('webview')].filter((name) => !bundled.has(name)),
      [],
      'webview/ imports a package missing from shippedDevDependencies',
    );
    const shipped = shippedPackageKeys(lock, Object.keys(policy.shippedDevDependencies));
    for (const name of ['imapflow', 'nodemailer', 'dompurify', 'lit-html', '@vscode/codicons']) {
      assert.ok(shipped.includes(`node_modules/${name}`), `${name} is not counted as shipped`);
    }
    assert.ok(!shipped.includes('node_modules/eslint'), 'a dev-only tool is counted as shipped');
  });

  it('[SEC-34] names the package when a fabricated lockfile ships a disallowed licence, an advisory, or no licence', () => {
    const fabricated: Lockfile = {
      packages: {
        ...lock.packages,
        // A runtime dependency under a copyleft licence, and the same licence on a dev-only tool (not shipped).
        'node_modules/copyleft-helper': { version: '1.0.0', license: 'GPL-3.0-only' },
        'node_modules/copyleft-dev-tool': { version: '1.0.0', license: 'GPL-3.0-only', dev: true },
        // An old nodemailer nested under mailparser, and a licence-less package pulled in by a shipped dev dependency.
        'node_modules/mailparser/node_modules/nodemailer': { version: '6.9.8', license: 'MIT-0' },
        'node_modules/dompurify': { ...lock.packages['node_modules/dompurify'], dependencies: { 'unlabelled-shim': '^1.0.0' } },
        'node_modules/unlabelled-shim': { version: '1.0.0', dev: true },
      },
    };
    const problems = dependencyProblems(fabricated, policy, () => undefined);
    assert.deepEqual(problems, [
      'copyleft-helper@1.0.0 (node_modules/copyleft-helper) is licensed "GPL-3.0-only", which is not on the allow-list',
      'nodemailer@6.9.8 (node_modules/mailparser/node_modules/nodemailer) is affected by GHSA-9h6g-pr28-7cqp (ReDoS in attachDataUrls); fixed in 6.9.9',
      'nodemailer@6.9.8 (node_modules/mailparser/node_modules/nodemailer) is affected by GHSA-mm7p-fcc7-pg87 (mail to an unintended domain through an address-parsing interpretation conflict); fixed in 7.0.7',
      'unlabelled-shim@1.0.0 (node_modules/unlabelled-shim) declares no licence',
    ]);
  });

  it('[SEC-34] reads SPDX expressions and versions the way the policy means them', () => {
    const allowed = new Set(['MIT', 'Apache-2.0']);
    assert.equal(licenceAllowed('MIT', allowed), true);
    assert.equal(licenceAllowed('(MPL-2.0 OR Apache-2.0)', allowed), true);
    assert.equal(licenceAllowed('(MIT OR EUPL-1.1+)', allowed), true);
    assert.equal(licenceAllowed('MIT AND GPL-2.0-only', allowed), false);
    assert.equal(licenceAllowed('(MIT AND Apache-2.0)', allowed), true);
    assert.equal(licenceAllowed('GPL-2.0-only WITH Classpath-exception-2.0', allowed), false);
    assert.equal(licenceAllowed('MIT OR', allowed), false);
    assert.equal(licenceAllowed('UNLICENSED', allowed), false);
    assert.equal(compareVersions('6.9.8', '6.9.9'), -1);
    assert.equal(compareVersions('10.0.0', '9.9.9'), 1);
    assert.equal(compareVersions('7.0.7-beta.1', '7.0.7'), -1);
    assert.equal(compareVersions('3.2.4', '3.2.4'), 0);
    assert.equal(compareVersions('1.0.0', '0'), 1);
  });
});
