// The extension host's V8 heap, read from outside: Node's inspector is switched on in the running
// extension host (SIGUSR1, as `node inspect -p <pid>` does), and the DevTools protocol collects garbage
// and reports the heap in use. Nothing in Mailroom exposes or changes for this.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerDirectory } from '../test/editor/paths';
import { findProcesses } from '../test/stack/processTable';
import { isPortClosed } from '../test/stack/ports';

/** Node's inspector port after SIGUSR1 (no --inspect-port was given to the extension host). */
const inspectorPort = 9229;

interface MinimalWebSocket {
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
}

/** code-server's own copy of the `ws` package (the bench adds no dependency for it). */
function webSocketClass(): new (url: string) => MinimalWebSocket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package of the installed editor, not of Mailroom
  return require(require.resolve('ws', { paths: [codeServerDirectory] })) as new (url: string) => MinimalWebSocket;
}

/** The extension host of the code-server whose processes run with HOME under `serverDirectory`. */
export function extensionHostPid(serverDirectory: string): number {
  const home = `HOME=${path.join(serverDirectory, 'home')}\0`;
  const found = findProcesses((commandLine) => commandLine.includes('--type=extensionHost')).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(home);
    } catch {
      return false;
    }
  });
  if (found.length !== 1) {
    throw new Error(`expected one extension host of ${serverDirectory}, found ${found.length}`);
  }
  return found[0] as number;
}

/** Resident set size of a process, from /proc (includes code, V8's reserve and native memory). */
export function residentMB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function openInspector(pid: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  const listening = async (): Promise<boolean> => !(await isPortClosed(inspectorPort));
  if (!(await listening())) {
    process.kill(pid, 'SIGUSR1');
  }
  while (!(await listening())) {
    if (Date.now() > deadline) {
      throw new Error(`the extension host (${pid}) did not open its inspector on ${inspectorPort}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0]?.webSocketDebuggerUrl;
  if (!target) {
    throw new Error(`the inspector on ${inspectorPort} lists no target`);
  }
  return target;
}

/** V8 heap in use in the extension host after a full garbage collection, in MB. */
export async function extensionHostHeapMB(pid: number): Promise<number> {
  const socket = new (webSocketClass())(await openInspector(pid));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    });
    let nextId = 1;
    const pending = new Map<number, (result: Record<string, unknown>) => void>();
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown> };
      if (message.id !== undefined) {
        pending.get(message.id)?.(message.result ?? {});
      }
    });
    const call = (method: string): Promise<Record<string, unknown>> =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method }));
      });
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const usage = await call('Runtime.getHeapUsage');
    return Number(usage.usedSize) / 1024 / 1024;
  } finally {
    socket.close();
  }
}
