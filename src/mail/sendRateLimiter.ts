import { MailroomError } from '../util/errors';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { SendLedger } from './sendLedger';
import { MemorySendLedger } from './sendLedger';

/**
 * Per-account SMTP send limit over a sliding minute [SEC-32]. A burst is queued in order and each
 * send starts as soon as the last minute holds fewer than the limit: nothing is rejected, and no
 * minute ever holds more sends than allowed. Providers lock accounts that send too fast. The
 * minute's sends are counted in `ledger`: the extension's is shared by all windows of the profile.
 */
export class SendRateLimiter {
  private readonly queueTailByAccount = new Map<string, Promise<void>>();

  /** `maxPerMinute` is read on every send, so a changed setting applies to the next one. */
  public constructor(
    private readonly maxPerMinute: () => number,
    private readonly clock: Clock = systemClock,
    private readonly ledger: SendLedger = new MemorySendLedger(),
  ) {}

  /**
   * Resolves when a send for this account may start, and counts it as started. Aborting `signal`
   * while the send waits rejects with `Cancelled` at once; the send then takes no slot and the sends
   * queued behind it keep their turn.
   */
  public acquire(accountId: string, signal?: AbortSignal): Promise<void> {
    const previous = this.queueTailByAccount.get(accountId) ?? Promise.resolve();
    const turn = previous.then(() => this.waitForSlot(accountId, signal));
    // The next send waits for this one's turn to end, however it ends.
    this.queueTailByAccount.set(
      accountId,
      turn.catch(() => undefined),
    );
    return signal ? Promise.race([turn, whenAborted(signal)]) : turn;
  }

  private async waitForSlot(accountId: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) {
        throw cancelled();
      }
      const limit = Math.max(1, Math.floor(this.maxPerMinute()));
      const claim = await this.ledger.claim(accountId, limit, () => this.clock.now(), signal);
      if (signal?.aborted) {
        throw cancelled();
      }
      if (claim.claimed) {
        return;
      }
      // Another window's sends may fill the minute meanwhile: the ledger is asked again on waking.
      const sleep = this.clock.sleep(claim.freeAtMs - this.clock.now());
      await (signal ? Promise.race([sleep, whenAborted(signal)]) : sleep);
    }
  }
}

function cancelled(): MailroomError {
  return new MailroomError('Cancelled', 'Sending was cancelled while the message waited for the send limit.');
}

/** Rejects with `Cancelled` once `signal` is aborted; never settles otherwise. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) {
      reject(cancelled());
    } else {
      signal.addEventListener('abort', () => reject(cancelled()), { once: true });
    }
  });
}
