import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemorySendLedger } from '../../../src/mail/sendLedger';
import type { SendLedger } from '../../../src/mail/sendLedger';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { isMailroomError } from '../../../src/util/errors';
import { SharedSendLedger } from '../../../src/windows/sharedSendLedger';
import { FakeClock, advanceWithFiles } from '../../support/clock';
import { eventually } from '../../support/windowProcesses';

/** Real time for the file system to answer, the fake clock standing still: until `count` sends started, and a little longer. */
async function settle(starts: number[], count: number): Promise<void> {
  for (let waited = 0; starts.length < count && waited < 5_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * Two windows' limiters at a limit of 3 a minute, each asked for 3 sends at once: the start times of the
 * sends that started at once, and of those that started when the clock was then moved on by a minute.
 */
async function burstOverTwoWindows(ledgers: [SendLedger, SendLedger], clock: FakeClock): Promise<{ atOnce: number[]; aMinuteLater: number[] }> {
  const starts: number[] = [];
  const startsInWindow = [0, 0];
  const sends = ledgers.flatMap((ledger, window) => {
    const limiter = new SendRateLimiter(() => 3, clock, ledger);
    return [1, 2, 3].map(() =>
      limiter.acquire('alice').then(() => {
        starts.push(clock.now());
        startsInWindow[window] += 1;
      }),
    );
  });
  await settle(starts, 3);
  const atOnce = [...starts];
  // A window's sends queue one behind the other, so each window with sends left has one of them asleep on the
  // clock, once it has read the shared ledger from disk: moving the clock before then would leave it asleep past
  // a minute that has already gone by.
  const waitingWindows = startsInWindow.filter((count) => count < 3).length;
  await eventually(() => clock.slept.length >= waitingWindows, 10_000, 'each window with sends left waits on the clock');
  await clock.advance(60_000, 60_000);
  await settle(starts, 6);
  await Promise.all(sends);
  return { atOnce, aMinuteLater: starts.slice(atOnce.length) };
}

describe('send rate limit shared by windows (SharedSendLedger)', function () {
  this.timeout(20_000);
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sends-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('[SEC-32] a burst split over two windows keeps to the account limit: three now, three a minute later', async () => {
    const clock = new FakeClock({ start: 1_000_000 });
    const { atOnce, aMinuteLater } = await burstOverTwoWindows([new SharedSendLedger(directory), new SharedSendLedger(directory)], clock);
    assert.deepEqual(atOnce, [1_000_000, 1_000_000, 1_000_000]);
    assert.deepEqual(aMinuteLater, [1_060_000, 1_060_000, 1_060_000], 'the rest, as soon as the minute allows');
  });

  it('positive control: windows that count alone start all six at once', async () => {
    const clock = new FakeClock({ start: 1_000_000 });
    const { atOnce } = await burstOverTwoWindows([new MemorySendLedger(), new MemorySendLedger()], clock);
    assert.equal(atOnce.length, 6);
  });

  it('a send cancelled while it waits for another window’s minute takes no slot', async () => {
    const clock = new FakeClock({ start: 1_000_000 });
    const windowA = new SendRateLimiter(() => 1, clock, new SharedSendLedger(directory));
    const windowB = new SendRateLimiter(() => 1, clock, new SharedSendLedger(directory));
    await windowA.acquire('alice');
    const abort = new AbortController();
    const cancelled = windowB.acquire('alice', abort.signal);
    await advanceWithFiles(clock, 30_000, 5_000);
    abort.abort();
    await assert.rejects(cancelled, (error: unknown) => isMailroomError(error, 'Cancelled'));
    const started: number[] = [];
    const sleepsBefore = clock.slept.length;
    const next = windowA.acquire('alice').then(() => void started.push(clock.now()));
    // It reads the ledger from disk first: the clock moves on only once it waits on it (else it would start a step late).
    await eventually(() => clock.slept.length > sleepsBefore, 10_000, 'the next send waits on the clock');
    // To the moment the first send leaves the minute, and no further: the clock stands still while the send
    // reads and writes the ledger, so the time it starts at is the time its turn came (a cancelled send that
    // kept its slot would hold it until 1_090_000, and the send would not start at all here).
    await advanceWithFiles(clock, 30_000, 1_000);
    await eventually(() => started.length > 0, 5_000, 'the next send starts when the first leaves the minute, not a minute later');
    await next;
    assert.deepEqual(started, [1_060_000]);
  });

  it('a ledger folder out of reach does not stop sending: the window counts its own sends', async () => {
    const blocked = path.join(directory, 'not-a-folder');
    writeFileSync(blocked, 'a file where the folder should be');
    const clock = new FakeClock({ start: 1_000_000 });
    const limiter = new SendRateLimiter(() => 1, clock, new SharedSendLedger(blocked));
    await limiter.acquire('alice');
    let second = false;
    const next = limiter.acquire('alice').then(() => void (second = true));
    await advanceWithFiles(clock, 30_000, 5_000);
    assert.equal(second, false, 'still limited');
    await advanceWithFiles(clock, 31_000, 5_000);
    await next;
    assert.equal(second, true);
  });
});
