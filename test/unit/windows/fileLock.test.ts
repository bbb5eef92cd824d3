import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileLocks } from '../../../src/windows/fileLock';
import { isMailroomError } from '../../../src/util/errors';
import { FakeClock, advanceWithFiles } from '../../support/clock';

const WORKER = path.join(__dirname, 'lockWorker.js');

function worker(args: string[]): { child: ChildProcess; messages: string[]; next(message: string): Promise<void>; exited: Promise<number | null> } {
  const child = fork(WORKER, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: string[] = [];
  const waiters: { message: string; resolve(): void }[] = [];
  child.on('message', (message) => {
    messages.push(String(message));
    for (const waiter of waiters.filter((candidate) => candidate.message === message)) {
      waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = (message: string): Promise<void> =>
    messages.includes(message) ? Promise.resolve() : new Promise((resolve) => waiters.push({ message, resolve }));
  return { child, messages, next, exited };
}

/** Checks a log of "enter pid" / "leave pid" lines: never two processes inside at once. Returns the sections. */
function sectionsIn(log: string): number {
  let inside: string | undefined;
  let sections = 0;
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const [event, pid] = line.split(' ');
    if (event === 'enter') {
      assert.equal(inside, undefined, `${pid} entered while ${inside} was inside`);
      inside = pid;
      sections += 1;
    } else {
      assert.equal(inside, pid);
      inside = undefined;
    }
  }
  return sections;
}

describe('FileLocks: a mutex shared by processes through a folder', function () {
  this.timeout(20_000);
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailroom-locks-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('a second holder waits until the first releases, and gives up with Timeout after its time', async () => {
    const clock = new FakeClock({ start: Date.now() });
    const locks = new FileLocks(directory, { leaseMs: 30_000, clock, pollMs: 100 });
    const first = await locks.acquire('account', { timeoutMs: 1_000 });
    let secondHeld = false;
    const second = locks.acquire('account', { timeoutMs: 5_000 }).then((held) => {
      secondHeld = true;
      return held;
    });
    const third = locks.acquire('account', { timeoutMs: 1_000 });
    const thirdOutcome = third.then(
      () => 'held',
      (error: unknown) => (isMailroomError(error, 'Timeout') ? 'timeout' : String(error)),
    );
    await advanceWithFiles(clock, 2_000, 50);
    assert.equal(await thirdOutcome, 'timeout');
    assert.equal(secondHeld, false, 'nobody holds a lock that is held');
    await first.release();
    await advanceWithFiles(clock, 500, 50);
    assert.equal(secondHeld, true, 'released: the waiter gets it at its next poll');
    await (await second).release();
    assert.deepEqual(readdirSync(directory), [], 'nothing is left behind');
  });

  it('other names are other locks', async () => {
    const locks = new FileLocks(directory, { leaseMs: 30_000, clock: new FakeClock({ start: Date.now() }) });
    const alice = await locks.acquire('alice', { timeoutMs: 0 });
    const bob = await locks.acquire('bob', { timeoutMs: 0 });
    await alice.release();
    await bob.release();
  });

  it('a holder that stops renewing loses the lock after its lease, not before', async () => {
    const start = Date.now();
    // The hung holder's clock never moves, so it never renews; the waiter's clock does.
    const hung = new FileLocks(directory, { leaseMs: 30_000, clock: new FakeClock({ start }) });
    await hung.acquire('account', { timeoutMs: 0 });
    const clock = new FakeClock({ start });
    const waiter = new FileLocks(directory, { leaseMs: 30_000, clock, pollMs: 1_000 });
    let held = false;
    const acquired = waiter.acquire('account', { timeoutMs: 60_000 }).then(() => void (held = true));
    await advanceWithFiles(clock, 29_000, 1_000);
    assert.equal(held, false, 'within the lease the holder keeps it');
    await advanceWithFiles(clock, 3_000, 1_000);
    await acquired;
    assert.equal(held, true);
  });

  it('processes contending for one lock are never inside together, and every round gets its turn', async function () {
    const log = path.join(directory, 'log');
    const counter = path.join(directory, 'counter');
    writeFileSync(counter, '0');
    const workers = Array.from({ length: 4 }, () => worker(['critical', directory, '25', log, counter]));
    assert.deepEqual(await Promise.all(workers.map((each) => each.exited)), [0, 0, 0, 0]);
    assert.equal(sectionsIn(log), 100);
    assert.equal(readFileSync(counter, 'utf8'), '100', 'no update was lost');
  });

  it('positive control: the same processes without the lock overlap and lose updates', async function () {
    const log = path.join(directory, 'log');
    const counter = path.join(directory, 'counter');
    writeFileSync(counter, '0');
    const workers = Array.from({ length: 4 }, () => worker(['critical', directory, '25', log, counter, 'nolock']));
    await Promise.all(workers.map((each) => each.exited));
    assert.throws(() => sectionsIn(log), /entered while/);
    assert.notEqual(readFileSync(counter, 'utf8'), '100');
  });

  it('a holder killed with -9 blocks nobody: the lock is taken over at once, long before the lease ends', async function () {
    const holder = worker(['hold', directory, '30000']);
    await holder.next('held');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const locks = new FileLocks(directory, { leaseMs: 30_000, pollMs: 20 });
    const started = Date.now();
    const held = await locks.acquire('counter', { timeoutMs: 2_000 });
    assert.ok(Date.now() - started < 1_000);
    await held.release();
  });

  it('a holder that is alive but stopped is taken over after its lease, and learns it lost the lock', async function () {
    const holder = worker(['hold', directory, '600']);
    try {
      await holder.next('held');
      holder.child.kill('SIGSTOP');
      const locks = new FileLocks(directory, { leaseMs: 600, pollMs: 20 });
      const started = Date.now();
      const held = await locks.acquire('counter', { timeoutMs: 5_000 });
      const waited = Date.now() - started;
      assert.ok(waited >= 300 && waited < 2_000, `taken over after ${waited} ms`);
      holder.child.kill('SIGCONT');
      await holder.next('lost');
      await held.release();
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  });

  it('waiters that find the same stale lock at once take it over one at a time', async function () {
    for (let round = 0; round < 3; round += 1) {
      const log = path.join(directory, `log${round}`);
      const counter = path.join(directory, `counter${round}`);
      writeFileSync(counter, '0');
      const holder = worker(['hold', directory, '60000']);
      await holder.next('held');
      holder.child.kill('SIGKILL');
      await holder.exited;
      const workers = Array.from({ length: 4 }, () => worker(['critical', directory, '1', log, counter]));
      const codes = await Promise.all(workers.map((each) => each.exited));
      assert.deepEqual(codes, [0, 0, 0, 0], workers.map((each) => each.messages.join(', ')).join(' | '));
      assert.equal(sectionsIn(log), 4);
      assert.equal(readFileSync(counter, 'utf8'), '4');
      assert.deepEqual(
        readdirSync(directory).filter((name) => name.includes('.lock')),
        [],
        'no lock, marker or temporary file is left',
      );
    }
  });
});
