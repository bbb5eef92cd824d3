// Runs the same integration suites (test/integration) in desktop VS Code with @vscode/test-electron,
// for machines that can download it (or have it installed). This machine cannot: it reaches only the
// npm registry and apt, so here the run stops with a message naming the alternatives.
//
//   npm run test:desktop            (node out/test/editor/runDesktop.js after the builds)
//
// Environment (besides MAILROOM_STACK, MAILROOM_TEST_SETTINGS, MAILROOM_TEST_GREP, see runIntegration.ts):
//   MAILROOM_VSCODE_VERSION=<x.y.z>      desktop version to download (default 1.100.3, the VS Code inside code-server 4.100.3)
//   MAILROOM_VSCODE_EXECUTABLE=<path>    use an installed VS Code instead of downloading one
// On Linux without a display, run it under `xvfb-run -a`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repositoryRoot, testOutputDirectory } from './paths';
import { requestedStackOptions } from './requestedStack';
import { freshRunDirectory } from './runDirectory';
import { prepareEditorTestContext } from './testContext';
import type { EditorTestContext } from './testContext';
import { writeUserSettings } from './userSettings';

const DEFAULT_VERSION = '1.100.3';
const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;

function log(line: string): void {
  process.stdout.write(`[desktop] ${line}\n`);
}

async function desktopExecutable(): Promise<string> {
  const installed = process.env.MAILROOM_VSCODE_EXECUTABLE;
  if (installed) {
    if (!fs.existsSync(installed)) {
      throw new Error(`MAILROOM_VSCODE_EXECUTABLE=${installed} does not exist`);
    }
    return installed;
  }
  const version = process.env.MAILROOM_VSCODE_VERSION ?? DEFAULT_VERSION;
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: path.join(testOutputDirectory, 'vscode-desktop'), timeout: DOWNLOAD_IDLE_TIMEOUT_MS });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      [
        `cannot download desktop VS Code ${version}: ${reason}`,
        "This machine cannot reach VS Code's download servers. Either set MAILROOM_VSCODE_EXECUTABLE to an installed",
        'VS Code (e.g. /usr/share/code/code), or run the same suites in code-server: node out/test/editor/runIntegration.js',
      ].join('\n'),
      { cause: error },
    );
  }
}

async function main(): Promise<number> {
  for (const [file, command] of [
    [path.join(repositoryRoot, 'dist', 'extension.js'), 'node esbuild.js'],
    [path.join(repositoryRoot, 'out', 'test', 'integration', 'index.js'), 'node esbuild.js --tests'],
  ]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${path.relative(repositoryRoot, file)} is missing; run: ${command}`);
    }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    log('no DISPLAY: desktop VS Code needs one; run this under `xvfb-run -a` if it fails to start');
  }
  const vscodeExecutablePath = await desktopExecutable();
  const runDirectory = freshRunDirectory('desktop');
  const userDataDirectory = path.join(runDirectory, 'user-data');
  const extensionsDirectory = path.join(runDirectory, 'extensions');
  const workspaceDirectory = path.join(runDirectory, 'workspace');
  fs.mkdirSync(extensionsDirectory, { recursive: true });
  fs.mkdirSync(workspaceDirectory, { recursive: true });

  let context: EditorTestContext | undefined;
  try {
    context = await prepareEditorTestContext(requestedStackOptions(), log);
    writeUserSettings(userDataDirectory, context.settings);
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repositoryRoot,
      extensionTestsPath: path.join(repositoryRoot, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: context.env,
      launchArgs: [
        workspaceDirectory,
        '--user-data-dir',
        userDataDirectory,
        '--extensions-dir',
        extensionsDirectory,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    });
  } finally {
    await context?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[desktop] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
