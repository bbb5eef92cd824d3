// The leader lease (src/windows/leaderLease.ts) with real processes holding it: a killed holder is
// replaced at once, a frozen one after the lease goes stale, never before; racing windows elect one.
import * as assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LeaderLease } from '../../../src/windows/leaderLease';

const timings = { heartbeatMs: 100, staleMs: 700 };
const leaseModule = path.join(__dirname, '..', '..', '..', 'src', 'windows', 'leaderLease.js');

/** A process that tries for the lease once, says how it went, and (holding it) beats until it is killed. */
function holderScript(directory: string, owner: string): string {
  return `
    const { LeaderLease } = require(${JSON.stringify(leaseModule)});
    const lease = new LeaderLease(${JSON.stringify(directory)}, ${JSON.stringify(owner)}, ${JSON.stringify(timings)});
    lease.tryAcquire('/nowhere.sock').then((record) => {
      process.stdout.write(record ? 'acquired\\n' : 'refused\\n');
      if (record) setInterval(() => lease.heartbeat(), ${timings.heartbeatMs});
      else process.exit(0);
    });`;
}

interface Holder {
  child: childProcess.ChildProcess;
  outcome: Promise<'acquired' | 'refused'>;
}

function startHolder(directory: string, owner: string): Holder {
  const child = childProcess.spawn(process.execPath, ['-e', holderScript(directory, owner)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const outcome = new Promise<'acquired' | 'refused'>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim() as 'acquired' | 'refused'));
    child.once('exit', (code) => reject(new Error(`holder exited with ${String(code)} before answering`)));
  });
  return { child, outcome };
}

async function exited(child: childProcess.ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  await new Promise((resolve) => child.once('exit', resolve));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LeaderLease', () => {
  let directory: string;
  const children: childProcess.ChildProcess[] = [];

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-lease-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function holder(owner: string): Holder {
    const started = startHolder(directory, owner);
    children.push(started.child);
    return started;
  }

  it('a free lease is taken; while its holder lives and beats, it is refused to others and names its holder', async () => {
    const first = holder('first');
    assert.equal(await first.outcome, 'acquired');
    const second = new LeaderLease(directory, 'second', timings);
    await sleep(timings.staleMs * 1.5);
    assert.equal(await second.tryAcquire('/other.sock'), undefined);
    assert.equal((await second.holder())?.owner, 'first');
    assert.equal((await second.holder())?.pid, first.child.pid);
  });

  it('kill -9 of the holder: another window takes the lease over at once, without waiting for it to go stale', async () => {
    const first = holder('first');
    assert.equal(await first.outcome, 'acquired');
    first.child.kill('SIGKILL');
    await exited(first.child);
    const started = Date.now();
    const record = await new LeaderLease(directory, 'second', timings).tryAcquire('/other.sock');
    assert.equal(record?.owner, 'second');
    assert.ok(Date.now() - started < timings.staleMs / 2);
  });

  it('a holder that is alive but silent (frozen) keeps the lease until it goes stale, then loses it', async () => {
    const first = holder('first');
    assert.equal(await first.outcome, 'acquired');
    first.child.kill('SIGSTOP');
    const second = new LeaderLease(directory, 'second', timings);
    await sleep(timings.staleMs / 3);
    assert.equal(await second.tryAcquire('/other.sock'), undefined, 'taken while still fresh');
    await sleep(timings.staleMs);
    assert.equal((await second.tryAcquire('/other.sock'))?.owner, 'second');
  });

  it('the holder whose lease was taken over learns it at its next heartbeat (and steps down)', async () => {
    const first = new LeaderLease(directory, 'first', timings);
    assert.ok(await first.tryAcquire('/first.sock'));
    assert.equal(await first.heartbeat(), true);
    const stale = new Date(Date.now() - timings.staleMs * 2);
    fs.utimesSync(first.file, stale, stale);
    // Same process: alive, so only staleness lets the second in.
    assert.ok(await new LeaderLease(directory, 'second', timings).tryAcquire('/second.sock'));
    assert.equal(await first.heartbeat(), false);
  });

  it('six windows racing for a free lease: exactly one gets it', async () => {
    const racers = ['a', 'b', 'c', 'd', 'e', 'f'].map((owner) => holder(owner));
    const outcomes = await Promise.all(racers.map((racer) => racer.outcome));
    assert.equal(outcomes.filter((outcome) => outcome === 'acquired').length, 1, outcomes.join(' '));
  });

  it('a released lease is free at once; release by a window that does not hold it changes nothing', async () => {
    const first = new LeaderLease(directory, 'first', timings);
    const second = new LeaderLease(directory, 'second', timings);
    assert.ok(await first.tryAcquire('/first.sock'));
    await second.release();
    assert.equal(await second.tryAcquire('/second.sock'), undefined);
    await first.release();
    assert.equal((await second.tryAcquire('/second.sock'))?.owner, 'second');
  });

  it('a lease file that does not parse (its writer is mid-write) is respected while fresh and taken once stale', async () => {
    fs.writeFileSync(path.join(directory, 'leader.lease'), '{"owner":');
    const lease = new LeaderLease(directory, 'second', timings);
    assert.equal(await lease.tryAcquire('/second.sock'), undefined);
    const stale = new Date(Date.now() - timings.staleMs * 2);
    fs.utimesSync(lease.file, stale, stale);
    assert.equal((await lease.tryAcquire('/second.sock'))?.owner, 'second');
  });

  it('the lease file is readable by its owner only (it holds the secret a window shows to join)', async () => {
    const lease = new LeaderLease(directory, 'first', timings);
    const record = await lease.tryAcquire('/first.sock');
    assert.ok(record && record.secret.length >= 32);
    assert.equal(fs.statSync(lease.file).mode & 0o077, 0);
  });
});
