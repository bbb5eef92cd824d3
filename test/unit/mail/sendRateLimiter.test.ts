import * as assert from 'node:assert/strict';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { FakeClock, flush } from '../../support/clock';

describe('SMTP send rate limit', () => {
  it('[SEC-32] a burst of sends is queued, not rejected, and never exceeds the configured rate', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(() => 5, clock);
    const starts: number[] = [];
    const outcomes: Promise<void>[] = [];
    for (let index = 0; index < 17; index += 1) {
      outcomes.push(limiter.acquire('alice').then(() => void starts.push(clock.now())));
    }
    await flush();
    assert.equal(starts.length, 5, 'the first five start at once');
    await clock.advance(4 * 60_000);
    await Promise.all(outcomes);
    assert.equal(starts.length, 17, 'every send eventually started: none was rejected');
    for (const start of starts) {
      const inWindow = starts.filter((other) => other >= start && other < start + 60_000).length;
      assert.ok(inWindow <= 5, `${inWindow} sends in the minute from ${start}`);
    }
    assert.deepEqual(starts.slice(5, 10), [60_000, 60_000, 60_000, 60_000, 60_000], 'queued sends start as soon as the window allows');
    assert.deepEqual(
      [...starts].sort((a, b) => a - b),
      starts,
      'queued sends keep their order',
    );
  });

  it('[SEC-32] counts each account separately', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(() => 1, clock);
    const started: string[] = [];
    void limiter.acquire('alice').then(() => started.push('alice-1'));
    void limiter.acquire('alice').then(() => started.push('alice-2'));
    void limiter.acquire('bob').then(() => started.push('bob-1'));
    await flush();
    assert.deepEqual(started.sort(), ['alice-1', 'bob-1']);
    await clock.advance(60_000);
    assert.deepEqual(started.sort(), ['alice-1', 'alice-2', 'bob-1']);
  });

  it('[SEC-32] applies a lowered limit to the sends still waiting', async () => {
    const clock = new FakeClock();
    let limit = 3;
    const limiter = new SendRateLimiter(() => limit, clock);
    const starts: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      await limiter.acquire('alice');
      starts.push(clock.now());
    }
    limit = 1;
    const waiting = limiter.acquire('alice').then(() => starts.push(clock.now()));
    await clock.advance(59_000);
    assert.equal(starts.length, 3);
    await clock.advance(2_000);
    await waiting;
    assert.equal(starts[3], 60_000);
  });
});
