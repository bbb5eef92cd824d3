import * as assert from 'node:assert/strict';
import { BackoffGate, DEFAULT_BACKOFF_POLICY, fullJitterDelayMs, parseRetryAfterMs } from '../../../src/util/backoff';

describe('backoff', () => {
  it('[SEC-30] draws delays with full jitter below an exponential ceiling that is capped', () => {
    const policy = { baseMs: 1000, capMs: 60_000, maxRetryAfterMs: 3_600_000 };
    assert.equal(fullJitterDelayMs(1, policy, () => 0.999), 999);
    assert.equal(fullJitterDelayMs(3, policy, () => 0.5), 2000);
    assert.equal(fullJitterDelayMs(20, policy, () => 0.999), 59_940);
    assert.equal(fullJitterDelayMs(4, policy, () => 0), 0);
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
    const gate = new BackoffGate(() => now, DEFAULT_BACKOFF_POLICY, () => 0.5);
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
