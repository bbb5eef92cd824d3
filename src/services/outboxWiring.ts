import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { findAccount } from '../auth/accountApi';
import { DraftStore } from '../mail/drafts';
import { ImapDraftsFolder } from '../mail/draftsFolder';
import { appendToSpecialUse, findSpecialUse } from '../mail/folders';
import { specialUseHoldsMessageId } from '../mail/mailbox';
import { Outbox } from '../mail/outbox';
import { drainLeftBehindSends } from '../mail/outboxDrain';
import type { LeftBehindSend } from '../mail/outboxDrain';
import type { OutboxQueue } from '../mail/outboxQueue';
import type { SendLedger } from '../mail/sendLedger';
import { SendRateLimiter } from '../mail/sendRateLimiter';
import { SmtpSender } from '../mail/sender';
import { systemClock } from '../util/clock';
import type { Subscription } from '../util/event';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { MailLayer } from './mailLayer';
import { sendSettings } from './settings';

export interface OutboxDependencies {
  readonly accounts: MailAccounts;
  readonly mail: MailLayer;
  readonly logger: Logger;
  /** Where drafts are kept on this machine. */
  readonly draftsDirectory: string;
  /** Where the sends of the last minute are counted; the extension's is shared by all windows of the profile. */
  readonly sendLedger?: SendLedger;
  /** Where sends wait until the server took them; the extension's is shared by all windows of the profile. */
  readonly queue?: OutboxQueue;
}

export interface OutboxParts {
  readonly drafts: DraftStore;
  readonly outbox: Outbox;
  /** The path of the account's `\Sent` folder, where it has one. */
  readonly sentFolderOf: (account: MailAccount) => Promise<string | undefined>;
}

/**
 * The mail side of sending: SMTP sender with its rate limit, the draft store (with the server's
 * Drafts folder) and the outbox that files sent mail into Sent over the account's IMAP session.
 * Nothing here loads nodemailer, mailparser or markdown-it: they load on first send.
 */
export function createOutbox(deps: OutboxDependencies): OutboxParts {
  const { accounts, mail, logger } = deps;
  const drafts = new DraftStore(
    deps.draftsDirectory,
    logger,
    new ImapDraftsFolder(
      (accountId) => findAccount(accounts, accountId),
      (account) => mail.sessionOf(account),
    ),
  );
  const sender = new SmtpSender({
    accounts,
    logger,
    rateLimiter: new SendRateLimiter(() => sendSettings().maxPerMinute, systemClock, deps.sendLedger),
    maxMessageBytes: () => sendSettings().maxMessageBytes,
  });
  const outbox = new Outbox({
    sender,
    drafts,
    logger,
    ...(deps.queue ? { queue: deps.queue } : {}),
    fileInSent: async (account, raw) => void (await appendToSpecialUse(mail.sessionOf(account), '\\Sent', raw, ['\\Seen'])),
    findInSent: (account, messageId) => specialUseHoldsMessageId(mail.sessionOf(account), '\\Sent', messageId),
  });
  const sentFolderOf = async (account: MailAccount): Promise<string | undefined> => findSpecialUse(await mail.sessionOf(account).folders(), '\\Sent')?.path;
  return { drafts, outbox, sentFolderOf };
}

/** How soon a send left behind by a closed window goes out from another (a window that starts drains at once). */
const DRAIN_EVERY_MS = 5_000;

/**
 * Drains the profile's outbox from this window now and every few seconds: the window that gets the
 * drain lock first sends what closed windows left queued, and `report` tells its user the outcome
 * (the window that queued it is gone).
 */
export function drainOutboxPeriodically(deps: {
  readonly queue: OutboxQueue;
  readonly outbox: Outbox;
  readonly accounts: MailAccounts;
  readonly logger: Logger;
  readonly report: (sent: LeftBehindSend) => void;
  readonly everyMs?: number;
}): Subscription {
  let draining = false;
  // A folder that stays out of reach fails every pass: said once, and again only when the reason changes.
  let lastFailure: string | undefined;
  const drain = async (): Promise<void> => {
    if (draining) {
      return;
    }
    draining = true;
    try {
      const sent = await drainLeftBehindSends({ ...deps, accountOf: (accountId) => findAccount(deps.accounts, accountId) });
      sent.forEach(deps.report);
      lastFailure = undefined;
    } catch (error) {
      const failure = describeError(error);
      if (failure !== lastFailure) {
        deps.logger.warn(`Could not drain the outbox: ${failure}`);
      }
      lastFailure = failure;
    } finally {
      draining = false;
    }
  };
  void drain();
  const timer = setInterval(() => void drain(), deps.everyMs ?? DRAIN_EVERY_MS);
  return { dispose: () => clearInterval(timer) };
}
