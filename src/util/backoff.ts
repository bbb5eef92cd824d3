/**
 * Exponential back-off with full jitter (delay drawn uniformly from [floor, min(cap, base·2^attempt)]),
 * so many clients that failed together do not retry together. A server's `Retry-After` wins over
 * the computed delay: the server knows its own load better than we do.
 */

/** The range a full-jitter delay is drawn from. */
export interface JitterRange {
  baseMs: number;
  capMs: number;
  /** No delay is shorter than this, so even the first retry is not immediate; 0 when absent. */
  floorMs?: number;
}

export interface BackoffPolicy extends JitterRange {
  /** Upper bound for a server-requested wait, so a hostile or broken header cannot park us for days. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000, maxRetryAfterMs: 60 * 60_000 };

/**
 * The full-jitter delay before retry number `attempt`, counted from 0 (the retry after the first
 * failure): uniformly random in [floor, min(cap, base·2^attempt)], `random` returning [0, 1).
 */
export function fullJitterDelayMs(attempt: number, range: JitterRange, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(range.capMs, range.baseMs * 2 ** exponent);
  const floor = Math.min(ceiling, range.floorMs ?? 0);
  return Math.round(floor + random() * (ceiling - floor));
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP-date) into milliseconds from `nowMs`.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) {
    return undefined;
  }
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - nowMs);
}

/**
 * Remembers consecutive failures of one operation (per key, e.g. per account) and tells callers
 * whether they may try again yet. Callers never sleep in a loop: they ask, and fail fast if not.
 */
export class BackoffGate {
  private readonly state = new Map<string, { failures: number; notBeforeMs: number }>();

  public constructor(
    private readonly now: () => number = Date.now,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  /** Milliseconds until `key` may be tried again; 0 when it may be tried now. */
  public waitMs(key: string): number {
    const entry = this.state.get(key);
    return entry ? Math.max(0, entry.notBeforeMs - this.now()) : 0;
  }

  /** Records a failure and returns the wait before the next attempt. */
  public recordFailure(key: string, retryAfterMs?: number): number {
    const failures = (this.state.get(key)?.failures ?? 0) + 1;
    const delay = retryAfterMs === undefined ? fullJitterDelayMs(failures - 1, this.policy, this.random) : Math.min(retryAfterMs, this.policy.maxRetryAfterMs);
    this.state.set(key, { failures, notBeforeMs: this.now() + delay });
    return delay;
  }

  public recordSuccess(key: string): void {
    this.state.delete(key);
  }
}
