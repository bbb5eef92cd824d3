// A separate process for test/unit/windows/fileLock.test.ts (forked; not a test file itself).
//   critical <dir> <rounds> <log> <counter> [nolock]: `rounds` times, under the lock "counter", read the
//     counter file, pause, write it plus one, and log "enter"/"leave" around it.
//   hold <dir> <leaseMs>: acquires the lock "counter", says 'held', reports 'lost' if it is taken over, and
//     never releases it.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { FileLocks } from '../../../src/windows/fileLock';

const [mode, directory, ...rest] = process.argv.slice(2);

function send(message: string): void {
  process.send?.(message);
}

async function critical(rounds: number, log: string, counter: string, locked: boolean): Promise<void> {
  const locks = new FileLocks(directory, { leaseMs: 5_000, pollMs: 20 });
  const section = async (): Promise<void> => {
    appendFileSync(log, `enter ${process.pid}\n`);
    const value = Number(readFileSync(counter, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 2));
    writeFileSync(counter, String(value + 1));
    appendFileSync(log, `leave ${process.pid}\n`);
  };
  for (let round = 0; round < rounds; round += 1) {
    await (locked ? locks.withLock('counter', { timeoutMs: 30_000 }, section) : section());
  }
}

async function hold(leaseMs: number): Promise<void> {
  const locks = new FileLocks(directory, { leaseMs, pollMs: 20 });
  const held = await locks.acquire('counter', { timeoutMs: 30_000 });
  held.lost.addEventListener('abort', () => send('lost'));
  send('held');
  setInterval(() => undefined, 60_000);
}

const task = mode === 'hold' ? hold(Number(rest[0])) : critical(Number(rest[0]), rest[1], rest[2], rest[3] !== 'nolock');
task.then(
  () => {
    send('done');
    if (mode !== 'hold') {
      process.disconnect?.();
    }
  },
  (error: unknown) => {
    send(`failed ${String(error)}`);
    process.exitCode = 1;
  },
);
