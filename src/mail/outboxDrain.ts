import type { MailAccount } from '../auth/accountApi';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { Outbox, SendOutcome } from './outbox';
import type { OutboxQueue } from './outboxQueue';
import type { OutgoingMessage } from './outgoing';

export interface LeftBehindSend {
  readonly account: MailAccount;
  readonly message: OutgoingMessage;
  readonly outcome: SendOutcome;
}

/**
 * One pass over the sends that windows left behind in the queue (closed, or killed, before the
 * server took them): each is claimed and sent here, or settled as a draft when it may already have
 * gone out (Outbox.resume). Does nothing while another window drains. A send for an account this
 * window does not know (signed out, or not loaded yet) stays queued for a later pass.
 */
export async function drainLeftBehindSends(deps: {
  readonly queue: OutboxQueue;
  readonly outbox: Outbox;
  readonly accountOf: (accountId: string) => MailAccount | undefined;
  readonly logger: Logger;
}): Promise<LeftBehindSend[]> {
  const { queue, outbox, accountOf, logger } = deps;
  const settled = await queue.whileDraining(async () => {
    const done: LeftBehindSend[] = [];
    for (const claimed of await queue.claimOrphans()) {
      const account = accountOf(claimed.item.accountId);
      try {
        if (account) {
          logger.info('Sending a message that a closed window had queued');
          done.push({ account, message: claimed.item.message, outcome: await outbox.resume(account, claimed) });
        }
      } catch (error) {
        logger.warn(`Could not send a message a closed window had queued: ${describeError(error)}`);
      } finally {
        // Settled sends have given their claim up already; the others wait in the queue for the next pass.
        await claimed.release();
      }
    }
    return done;
  });
  return settled ?? [];
}
