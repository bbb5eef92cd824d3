// The parent's side of test/support/windowProcess.ts: forks a window, asks it things, hears its folder changes.
import * as childProcess from 'node:child_process';
import * as path from 'node:path';
import type { WindowCommand, WindowReport, WindowSetup } from './windowProcess';

type FolderChangeReport = Extract<WindowReport, { kind: 'folderChange' }>;

export class WindowProcess {
  public readonly folderChanges: FolderChangeReport[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error & { code?: string }) => void }>();
  private exited = false;

  private constructor(
    private readonly child: childProcess.ChildProcess,
    public readonly window: string,
  ) {
    child.on('message', (report: WindowReport) => {
      if (report.kind === 'folderChange') {
        this.folderChanges.push(report);
      } else if (report.kind === 'reply') {
        const waiter = this.waiting.get(report.id);
        this.waiting.delete(report.id);
        if (report.ok) {
          waiter?.resolve(report.value);
        } else {
          waiter?.reject(Object.assign(new Error(report.message), { code: report.code }));
        }
      }
    });
    child.on('exit', () => {
      this.exited = true;
      for (const waiter of this.waiting.values()) {
        waiter.reject(new Error('the window process exited'));
      }
      this.waiting.clear();
    });
  }

  /** Starts a window and waits until it has joined its group (as leader or follower). */
  public static async start(setup: WindowSetup): Promise<WindowProcess> {
    const child = childProcess.fork(path.join(__dirname, 'windowProcess.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const window = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the window process exited with ${String(code)}`)));
      child.on('message', (report: WindowReport) => {
        if (report.kind === 'ready') {
          resolve(report.window);
        }
      });
      child.send(setup);
    });
    child.removeAllListeners('exit');
    const started = new WindowProcess(child, window);
    return started;
  }

  public get pid(): number {
    return this.child.pid ?? -1;
  }

  public ask<T = unknown>(command: WindowCommand): Promise<T> {
    if (this.exited) {
      return Promise.reject(new Error('the window process has exited'));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, ...command });
    });
  }

  public role(): Promise<{ window: string; leading: boolean; settled: boolean }> {
    return this.ask({ command: 'role' });
  }

  public signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  public async stop(): Promise<void> {
    if (this.exited) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    // A window a test froze (SIGSTOP) would hold SIGTERM until woken.
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** Waits until `condition` holds, checking every 50 ms; fails after `timeoutMs` with `what`. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}
