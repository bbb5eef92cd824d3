// Runs the mocha suites of test/integration inside a real VS Code extension host: code-server's server
// with Mailroom as the extension under development, its workbench opened in Chromium with a `payload`
// that names the tests. The exit code is the one the extension host reports (0 = all passed).
//
//   node out/test/editor/runIntegration.js
//
// Environment:
//   MAILROOM_STACK=1 | '<StackOptions JSON>'  start the local stack first; the suites read it with
//                                             readStackSummary() and the extension is configured for it
//   MAILROOM_TEST_SETTINGS='<JSON>'           extra user settings for the editor
//   MAILROOM_TEST_GREP=<pattern>              only tests whose title matches
//   MAILROOM_TEST_TIMEOUT_MS=<ms>             hard limit for the whole run (default 600000)
// Anything else in the environment (e.g. NODE_EXTRA_CA_CERTS) reaches the extension host as is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { MOCHA_LINE_PREFIX, REPORT_CHANNEL_VARIABLE, WORKBENCH_CONSOLE_CHANNEL } from '../integration/reporterChannel';
import { launchChromium } from './browser';
import { startCodeServer } from './codeServer';
import type { CodeServer } from './codeServer';
import { repositoryRoot } from './paths';
import { requestedStackOptions } from './requestedStack';
import { prepareEditorTestContext } from './testContext';
import type { EditorTestContext } from './testContext';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

interface LogFile {
  relativePath: string;
  contents: string;
}

function requireBuilt(file: string, command: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(repositoryRoot, file)} is missing; run: ${command}`);
  }
}

/** Keeps the editor's own logs (extension host, renderer…) of the run for diagnosis. */
function saveWorkbenchLogs(runDirectory: string, logs: LogFile[]): string {
  const directory = path.join(runDirectory, 'workbench-logs');
  for (const log of logs) {
    const file = path.join(directory, log.relativePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, log.contents);
  }
  return directory;
}

async function runSuitesInWorkbench(server: CodeServer, timeoutMs: number): Promise<number> {
  const browser = await launchChromium();
  const workbenchConsoleFile = path.join(server.directory, 'workbench-console.log');
  const workbenchConsole = fs.createWriteStream(workbenchConsoleFile);
  try {
    const page = await browser.newPage();
    let settle: { resolve(code: number): void; reject(error: Error): void } | undefined;
    const exitCode = new Promise<number>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // The workbench calls these when it runs extension tests (IAutomatedWindow in VS Code).
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = util.format(...args);
      if (line.startsWith(MOCHA_LINE_PREFIX)) {
        process.stdout.write(`${line.slice(MOCHA_LINE_PREFIX.length)}\n`);
      } else {
        workbenchConsole.write(`${line}\n`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs: LogFile[] | undefined) => {
      const directory = saveWorkbenchLogs(server.directory, logs ?? []);
      const where = `${path.relative(repositoryRoot, workbenchConsoleFile)} and ${path.relative(repositoryRoot, directory)}`;
      process.stdout.write(`[integration] extension host exited with ${code}; workbench console and editor logs in ${where}\n`);
      settle?.resolve(code);
    });
    page.on('crash', () => settle?.reject(new Error('the workbench page crashed')));
    const timer = setTimeout(() => settle?.reject(new Error(`integration tests did not finish within ${timeoutMs} ms`)), timeoutMs);
    exitCode.finally(() => clearTimeout(timer)).catch(() => undefined);
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(repositoryRoot)],
      ['extensionTestsPath', server.remoteUri(path.join(repositoryRoot, 'out', 'test', 'integration', 'index.js'))],
    ];
    await page.goto(server.workbenchUrl({ payload }));
    return await exitCode;
  } finally {
    workbenchConsole.end();
    await browser.close();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  requireBuilt(path.join(repositoryRoot, 'dist', 'extension.js'), 'node esbuild.js');
  requireBuilt(path.join(repositoryRoot, 'out', 'test', 'integration', 'index.js'), 'node esbuild.js --tests');
  const timeoutMs = Number(process.env.MAILROOM_TEST_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);

  let context: EditorTestContext | undefined;
  let server: CodeServer | undefined;
  const stopAll = async (): Promise<void> => {
    await server?.stop();
    await context?.stop();
  };
  const interrupted = (): void => {
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    context = await prepareEditorTestContext(requestedStackOptions(), (line) => process.stdout.write(`[integration] ${line}\n`));
    server = await startCodeServer({
      name: 'integration',
      extensionTests: true,
      settings: context.settings,
      env: { ...context.env, [REPORT_CHANNEL_VARIABLE]: WORKBENCH_CONSOLE_CHANNEL },
    });
    process.stdout.write(`[integration] code-server on ${server.origin} (log: ${path.relative(repositoryRoot, server.logFile)})\n`);
    const code = await runSuitesInWorkbench(server, timeoutMs);
    process.stdout.write(`[integration] done in ${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${code}\n`);
    return code;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[integration] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
