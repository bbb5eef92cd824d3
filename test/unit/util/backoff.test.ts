import * as assert from 'node:assert/strict';
import { BackoffGate, DEFAULT_BACKOFF_POLICY, fullJitterDelayMs, parseRetryAfterMs } from '../../../src/util/backoff';

describe('backoff', () => {
  it('[SEC-30] [SEC-31] draws delays with full jitter below an exponential ceiling that is capped, above an optional floor', () => {
    const issuer = { baseMs: 1000, capMs: 60_000 };
    const reconnect = { baseMs: 1000, capMs: 300_000, floorMs: 500 };
    const table: [attempt: number, range: { baseMs: number; capMs: number; floorMs?: number }, random: number, delayMs: number][] = [
      [0, issuer, 0.999, 999],
      [2, issuer, 0.5, 2000],
      [19, issuer, 0.999, 59_940],
      [3, issuer, 0, 0],
      [2.7, issuer, 0.5, 2000],
      [-1, issuer, 0.5, 500],
      [0, reconnect, 0, 500],
      [0, reconnect, 0.5, 750],
      [0, reconnect, 0.999999, 1000],
      [3, reconnect, 0.5, 4250],
      [50, reconnect, 0.999999, 300_000],
      [0, { baseMs: 100, capMs: 50, floorMs: 500 }, 0.5, 50],
    ];
    for (const [attempt, range, random, delayMs] of table) {
      assert.equal(
        fullJitterDelayMs(attempt, range, () => random),
        delayMs,
        `attempt ${attempt}, ${JSON.stringify(range)}, random ${random}`,
      );
    }
  });

  it('[SEC-30] honours Retry-After as seconds or HTTP date, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfterMs('120', now), 120_000);
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(null, now), undefined);
  });

  it('[SEC-30] a gate refuses attempts until the wait is over, prefers Retry-After, caps it, and resets on success', () => {
    let now = 0;
    const gate = new BackoffGate(
      () => now,
      DEFAULT_BACKOFF_POLICY,
      () => 0.5,
    );
    assert.equal(gate.waitMs('a'), 0);
    assert.equal(gate.recordFailure('a'), 500);
    assert.equal(gate.waitMs('a'), 500);
    assert.equal(gate.waitMs('b'), 0);
    assert.equal(gate.recordFailure('a', 42_000), 42_000);
    now = 41_000;
    assert.equal(gate.waitMs('a'), 1000);
    assert.equal(gate.recordFailure('a', 10 * 24 * 3_600_000), DEFAULT_BACKOFF_POLICY.maxRetryAfterMs);
    gate.recordSuccess('a');
    assert.equal(gate.waitMs('a'), 0);
  });
});
