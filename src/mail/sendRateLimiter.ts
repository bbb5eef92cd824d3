import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';

const WINDOW_MS = 60_000;

/**
 * Per-account SMTP send limit over a sliding minute [SEC-32]. A burst is queued in order and each
 * send starts as soon as the last minute holds fewer than the limit: nothing is rejected, and no
 * minute ever holds more sends than allowed. Providers lock accounts that send too fast.
 */
export class SendRateLimiter {
  private readonly startsByAccount = new Map<string, number[]>();
  private readonly queueTailByAccount = new Map<string, Promise<void>>();

  /** `maxPerMinute` is read on every send, so a changed setting applies to the next one. */
  public constructor(
    private readonly maxPerMinute: () => number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when a send for this account may start, and counts it as started. */
  public acquire(accountId: string): Promise<void> {
    const previous = this.queueTailByAccount.get(accountId) ?? Promise.resolve();
    const turn = previous.then(() => this.waitForSlot(accountId));
    this.queueTailByAccount.set(accountId, turn);
    return turn;
  }

  private async waitForSlot(accountId: string): Promise<void> {
    const starts = this.startsByAccount.get(accountId) ?? [];
    this.startsByAccount.set(accountId, starts);
    for (;;) {
      const now = this.clock.now();
      while (starts.length > 0 && starts[0] <= now - WINDOW_MS) {
        starts.shift();
      }
      const limit = Math.max(1, Math.floor(this.maxPerMinute()));
      if (starts.length < limit) {
        starts.push(now);
        return;
      }
      // The oldest send in the window leaves it at starts[length - limit] + one minute.
      await this.clock.sleep(starts[starts.length - limit] + WINDOW_MS - now);
    }
  }
}
