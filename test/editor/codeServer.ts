// Starts and stops the VS Code server bundled in code-server (the workbench served over HTTP plus a Node
// extension host), isolated under .test-output/editor/<name>-<pid>/ so runs never see the person's own editor.
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serverMainScript } from './paths';
import { freshRunDirectory } from './runDirectory';
import { writeUserSettings } from './userSettings';
import { startWebKeyProxy } from './webKeyProxy';
import type { WebKeyProxy } from './webKeyProxy';

export interface CodeServerOptions {
  /** Names the run's folder, .test-output/editor/<name>-<pid>/ (see runDirectory.ts). */
  name: string;
  /** User settings, written to `<user-data>/User/settings.json` on top of quiet test defaults. */
  settings?: Record<string, unknown>;
  /** Added to the server's environment, which the extension host inherits (e.g. NODE_EXTRA_CA_CERTS). */
  env?: Record<string, string>;
  /** `.vsix` files installed into the isolated extensions folder before the server starts. */
  installExtensions?: string[];
  /** How long to wait for the server to listen (default 30 s). */
  startTimeoutMs?: number;
  /** A fixed port for a person to open (the demo); tests leave it out and get an ephemeral one. */
  port?: number;
  /**
   * Starts the workbench in smoke-test mode (--enable-smoke-test-driver): only then does it honour the
   * `payload` URL parameter that runs extension tests, and it also refuses every modal dialog (sign-in
   * consent included) and gives the page `window.driver`. Integration tests need it; anything a person
   * or an end-to-end test drives (consent dialogs!) must leave it off.
   */
  extensionTests?: boolean;
  /**
   * Leaves workspace trust on (no --disable-workspace-trust): the opened folder is untrusted unless the
   * person trusts it, so the workbench runs in Restricted Mode (user settings should then also set
   * `security.workspace.trust.enabled: true`).
   */
  workspaceTrust?: boolean;
  /**
   * Serves the workbench through a front end that adds code-server's `/mint-key` route (see webKeyProxy.ts), so
   * SecretStorage is sealed into the browser's localStorage as in code-server itself: tabs opened later start
   * signed in. Without it each tab keeps its secrets in memory.
   */
  persistSecrets?: boolean;
}

export interface CodeServer {
  readonly port: number;
  /** This run's folder: user data, extensions, HOME, TMPDIR, workspace, logs. */
  readonly directory: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly userDataDirectory: string;
  readonly extensionsDirectory: string;
  /** An empty folder the workbench opens, so it starts with a workspace (Explorer, trust, …). */
  readonly workspaceDirectory: string;
  /** The server's own stdout and stderr. */
  readonly logFile: string;
  /** A file of this machine as the workbench names it: `vscode-remote://127.0.0.1:<port><path>`. */
  remoteUri(absolutePath: string): string;
  /** The workbench URL, optionally with a `payload` (e.g. extensionDevelopmentPath, extensionTestsPath). */
  workbenchUrl(options?: { folder?: string; payload?: [string, string][] }): string;
  /** Stops the server and every process it started; resolves once none is left. */
  stop(): Promise<void>;
}

/** Variables of an editor this might run inside, which would make the server talk to that editor. */
const INHERITED_EDITOR_VARIABLES = /^(VSCODE_|ELECTRON_RUN_AS_NODE$)/;

const LISTENING = /Extension host agent listening on (\d+)/;

function baseArguments(userDataDirectory: string, extensionsDirectory: string, workspaceTrust: boolean): string[] {
  return [
    '--accept-server-license-terms',
    '--user-data-dir',
    userDataDirectory,
    '--server-data-dir',
    userDataDirectory,
    '--extensions-dir',
    extensionsDirectory,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
  ];
}

function isolatedEnvironment(runDirectory: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!INHERITED_EDITOR_VARIABLES.test(key)) {
      environment[key] = value;
    }
  }
  const home = path.join(runDirectory, 'home');
  const tmp = path.join(runDirectory, 'tmp');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  return {
    ...environment,
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ...extra,
  };
}

function installExtension(vsix: string, argumentsBase: string[], environment: NodeJS.ProcessEnv, logFile: string): void {
  if (!fs.existsSync(vsix)) {
    throw new Error(`cannot install ${vsix}: no such file (build it with: npx vsce package --no-dependencies)`);
  }
  const result = childProcess.spawnSync(process.execPath, [serverMainScript, ...argumentsBase, '--install-extension', vsix, '--force'], {
    env: environment,
    encoding: 'utf8',
    timeout: 120_000,
  });
  fs.appendFileSync(logFile, `$ --install-extension ${vsix}\n${result.stdout}${result.stderr}`);
  if (result.status !== 0 || !/successfully installed/i.test(result.stdout)) {
    throw new Error(`installing ${vsix} failed (exit ${String(result.status ?? result.signal)}):\n${result.stdout}${result.stderr}`);
  }
}

function processGroupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

function waitForPort(server: childProcess.ChildProcess, logFile: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not listen within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = LISTENING.exec(seen);
      if (match) {
        cleanUp();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`code-server exited before listening (${String(code ?? signal)}); see ${logFile}:\n${seen.slice(-2000)}`));
    function cleanUp(): void {
      clearTimeout(timer);
      server.stdout?.off('data', onData);
      server.off('exit', onExit);
    }
    function fail(error: Error): void {
      cleanUp();
      reject(error);
    }
    server.stdout?.on('data', onData);
    server.once('exit', onExit);
  });
}

/**
 * The server runs in its own process group (so stop() reaches the extension host and every helper), which
 * also means Ctrl-C in the terminal does not reach it. If this process ends without stop() (interrupted
 * mocha, a crash), kill the group on the way out; a signal is then re-raised so it still ends the process.
 */
function guardAgainstOrphans(groupId: number): () => void {
  const killGroup = (): void => {
    if (processGroupAlive(groupId)) {
      process.kill(-groupId, 'SIGKILL');
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killGroup();
    remove();
    if (process.listenerCount(signal) === 0) {
      process.kill(process.pid, signal);
    }
  };
  const remove = (): void => {
    process.off('exit', killGroup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', killGroup);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return remove;
}

/** Starts code-server's VS Code server on 127.0.0.1 (ephemeral port unless `port` is given). */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!fs.existsSync(serverMainScript)) {
    throw new Error(`code-server is not installed (${serverMainScript} is missing); run: node test/editor/install.js`);
  }
  const runDirectory = freshRunDirectory(options.name);
  const userDataDirectory = path.join(runDirectory, 'user-data');
  const extensionsDirectory = path.join(runDirectory, 'extensions');
  const workspaceDirectory = path.join(runDirectory, 'workspace');
  const logFile = path.join(runDirectory, 'server.log');
  for (const directory of [extensionsDirectory, workspaceDirectory]) {
    fs.mkdirSync(directory, { recursive: true });
  }
  writeUserSettings(userDataDirectory, options.settings);
  fs.writeFileSync(logFile, '');

  const environment = isolatedEnvironment(runDirectory, options.env ?? {});
  const argumentsBase = baseArguments(userDataDirectory, extensionsDirectory, options.workspaceTrust ?? false);
  for (const vsix of options.installExtensions ?? []) {
    installExtension(vsix, argumentsBase, environment, logFile);
  }

  const server = childProcess.spawn(
    process.execPath,
    [
      serverMainScript,
      ...argumentsBase,
      ...(options.extensionTests ? ['--enable-smoke-test-driver'] : []),
      '--without-connection-token',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
    ],
    { env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  // Both streams feed one file: neither may end it, which happens once the server's output is closed.
  server.stdout.pipe(log, { end: false });
  server.stderr.pipe(log, { end: false });
  const groupId = server.pid;
  if (groupId === undefined) {
    throw new Error('code-server did not start');
  }
  // 'close', not 'exit': output can still arrive after the process has exited.
  const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const removeGuard = guardAgainstOrphans(groupId);

  let proxy: WebKeyProxy | undefined;
  const stop = async (): Promise<void> => {
    await proxy?.close();
    removeGuard();
    if (processGroupAlive(groupId)) {
      process.kill(-groupId, 'SIGTERM');
    }
    if (!(await waitUntil(() => !processGroupAlive(groupId), 5_000))) {
      process.kill(-groupId, 'SIGKILL');
      await waitUntil(() => !processGroupAlive(groupId), 5_000);
    }
    await exited;
    log.end();
  };

  let port: number;
  try {
    port = await waitForPort(server, logFile, options.startTimeoutMs ?? 30_000);
    if (options.persistSecrets) {
      proxy = await startWebKeyProxy(port, userDataDirectory);
      port = proxy.port;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const origin = `http://127.0.0.1:${port}`;
  const remoteUri = (absolutePath: string): string => `vscode-remote://127.0.0.1:${port}${absolutePath}`;
  return {
    port,
    directory: runDirectory,
    origin,
    userDataDirectory,
    extensionsDirectory,
    workspaceDirectory,
    logFile,
    remoteUri,
    workbenchUrl: ({ folder = workspaceDirectory, payload } = {}) => {
      const url = new URL(`${origin}/`);
      url.searchParams.set('folder', folder);
      if (payload) {
        url.searchParams.set('payload', JSON.stringify(payload));
      }
      return url.href;
    },
    stop,
  };
}
