import type { MailAccount } from '../auth/accountApi';
import { MailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { DraftStore, StoredDraft } from './drafts';
import { newMessageId } from './mime';
import type { OutgoingMessage } from './outgoing';
import type { ClaimedSend, OutboxQueue } from './outboxQueue';
import type { SendResult, SmtpSendOptions } from './sender';
import { mapSmtpError } from './smtpErrors';
import { ownMessage, ui } from '../ui/text';
import type { UiText } from '../ui/text';

export interface OutboxDependencies {
  readonly sender: { send(account: MailAccount, message: OutgoingMessage, options: SmtpSendOptions & { messageId: string }): Promise<SendResult> };
  readonly drafts: DraftStore;
  /** Where a send waits on disk until the server took it; the extension's is shared by the profile's windows. */
  readonly queue?: OutboxQueue;
  /** Files a sent message in the account's Sent folder (IMAP APPEND); absent where IMAP is not wired. */
  readonly fileInSent?: (account: MailAccount, raw: Buffer) => Promise<void>;
  /**
   * Whether the account's Sent folder holds a message with this Message-ID (where Mailroom files sent
   * mail, and where a provider that saves sent mail itself puts it); absent where IMAP is not wired.
   */
  readonly findInSent?: (account: MailAccount, messageId: string) => Promise<boolean>;
  readonly logger: Logger;
}

export interface SendOptions {
  /**
   * Asked before sending again a message whose earlier send may have gone through and that is not
   * in Sent (`searchedSent`: false when Sent could not be searched). Without it, nothing is sent again.
   */
  readonly confirmResend?: (context: { readonly searchedSent: boolean }) => Promise<boolean>;
  /** Cancels the send while it waits in the rate-limit queue; the message is then kept as a draft. */
  readonly signal?: AbortSignal;
}

export type SendOutcome =
  | {
      readonly status: 'sent';
      readonly messageId: string;
      /** A copy is in Sent: filed by Mailroom, or by the provider itself (Gmail). */
      readonly inSent: boolean;
      /** Recipients the server refused while it accepted the others; a draft to them is kept. */
      readonly refused: string[];
      readonly draft?: StoredDraft;
      /** A retry found the message in Sent: an earlier send had gone through, nothing was sent again. */
      readonly alreadySent?: boolean;
    }
  | { readonly status: 'failed'; readonly error: MailroomError; readonly draft: StoredDraft };

/** How a failed send is told: "Not sent", except when it may have gone through after all. */
export function describeSendFailure(failure: { readonly code: string; readonly message: string }): UiText {
  return failure.code === 'SendOutcomeUnknown' ? ownMessage(failure.message) : ui`Not sent: ${ownMessage(failure.message)}`;
}

/**
 * Sending with nothing lost: every failure keeps the message as a draft (local, and in Drafts where
 * IMAP answers) and says what happened; a successful retry removes the draft; sent mail is filed in
 * Sent unless the provider does that itself.
 */
export class Outbox {
  public constructor(private readonly dependencies: OutboxDependencies) {}

  /**
   * Sends `message`; `previous` is the draft being retried, whose identity the message keeps. A
   * retry of a send whose outcome was unknown looks in Sent first and never sends twice unasked [SEC-32].
   */
  public async send(account: MailAccount, message: OutgoingMessage, previous?: StoredDraft, options: SendOptions = {}): Promise<SendOutcome> {
    const messageId = previous?.messageId ?? newMessageId(message.from);
    if (previous?.failure?.code === 'SendOutcomeUnknown') {
      const settled = await this.settleUnknownOutcome(account, previous, options);
      if (settled) {
        return settled;
      }
    }
    const claimed = await this.queue(account, message, messageId, previous);
    return this.sendClaimed(account, message, messageId, previous, claimed, options.signal);
  }

  /**
   * On disk before anything else, so that if this window closes while the send waits another sends it.
   * An outbox folder out of reach does not stop sending: the send then lives in this window only.
   */
  private async queue(account: MailAccount, message: OutgoingMessage, messageId: string, previous: StoredDraft | undefined): Promise<ClaimedSend | undefined> {
    try {
      return await this.dependencies.queue?.add({ accountId: account.id, messageId, message, ...(previous ? { previousDraftId: previous.id } : {}) });
    } catch (error) {
      this.dependencies.logger.warn(`The send is not in the shared outbox, it goes from this window only: ${describeError(error)}`);
      return undefined;
    }
  }

  /**
   * Sends a queued send that its window left behind (it was closed or died), claimed by this window.
   * One that window had handed to SMTP may have gone out: it is never sent again from here, only
   * looked for in Sent, and otherwise kept as a draft that may already have been sent [SEC-32].
   */
  public async resume(account: MailAccount, claimed: ClaimedSend): Promise<SendOutcome> {
    const { drafts, logger } = this.dependencies;
    const { item } = claimed;
    const previous = item.previousDraftId ? await drafts.get(item.previousDraftId) : undefined;
    if (item.handedOverAt === undefined) {
      return this.sendClaimed(account, item.message, item.messageId, previous, claimed);
    }
    if ((await this.searchSent(account, item.messageId)) === true) {
      logger.info('A send left by a closed window is in Sent: it was sent, and is not sent again');
      await claimed.finish();
      if (previous) {
        await drafts.discard(previous);
      }
      return { status: 'sent', messageId: item.messageId, inSent: true, refused: [], alreadySent: true };
    }
    const error = new MailroomError('SendOutcomeUnknown', 'A window was closed while it sent this message: it may already have been sent.', {
      accountId: account.id,
    });
    const draft = await drafts.keep(account.id, item.message, { messageId: item.messageId, failure: error, ...(previous ? { existingId: previous.id } : {}) });
    await claimed.finish();
    return { status: 'failed', error, draft };
  }

  private async sendClaimed(
    account: MailAccount,
    message: OutgoingMessage,
    messageId: string,
    previous: StoredDraft | undefined,
    claimed: ClaimedSend | undefined,
    signal?: AbortSignal,
  ): Promise<SendOutcome> {
    const { sender, drafts, logger } = this.dependencies;
    let result: SendResult;
    try {
      result = await sender.send(account, message, {
        messageId,
        ...(signal ? { signal } : {}),
        ...(claimed ? { beforeExchange: () => claimed.markHandedOver() } : {}),
      });
    } catch (error) {
      const mapped = mapSmtpError(error, account.smtp.host);
      logger.warn(`Sending failed (${mapped.code}); the message is kept as a draft`);
      // The draft first, then out of the queue: a window dying in between leaves both, never neither.
      const draft = await drafts.keep(account.id, message, { messageId, failure: mapped, ...(previous ? { existingId: previous.id } : {}) });
      await claimed?.finish();
      return { status: 'failed', error: mapped, draft };
    }
    // Out of the queue the moment the server took it, so no window sends it again.
    await claimed?.finish();
    if (previous) {
      await drafts.discard(previous);
    }
    const inSent = account.serverSavesSent || (await this.fileInSent(account, result.raw));
    if (result.rejected.length === 0) {
      return { status: 'sent', messageId, inSent, refused: [] };
    }
    const refused = new Set(result.rejected.map((address) => address.toLowerCase()));
    const keepFor = (list: OutgoingMessage['to']): OutgoingMessage['to'] => list.filter((address) => refused.has(address.address.toLowerCase()));
    const forRefused: OutgoingMessage = { ...message, to: keepFor(message.to), cc: keepFor(message.cc), bcc: keepFor(message.bcc) };
    const failure = mapSmtpError({ code: 'EENVELOPE', command: 'RCPT TO', rejected: result.rejected }, account.smtp.host);
    const draft = await drafts.keep(account.id, forRefused, { messageId: newMessageId(message.from), failure });
    return { status: 'sent', messageId, inSent, refused: result.rejected, draft };
  }

  /** Found in Sent: sent, draft gone. Not found: sent again only if the user says so. Undefined: go ahead. */
  private async settleUnknownOutcome(account: MailAccount, previous: StoredDraft, options: SendOptions): Promise<SendOutcome | undefined> {
    const { drafts, logger } = this.dependencies;
    const found = await this.searchSent(account, previous.messageId);
    if (found === true) {
      logger.info('The message whose send had an unknown outcome is in Sent: it was sent, and is not sent again');
      await drafts.discard(previous);
      return { status: 'sent', messageId: previous.messageId, inSent: true, refused: [], alreadySent: true };
    }
    if (options.confirmResend && (await options.confirmResend({ searchedSent: found === false }))) {
      return undefined;
    }
    const error = new MailroomError('SendOutcomeUnknown', 'Not sent again: this message may already have been sent.', { accountId: account.id });
    return { status: 'failed', error, draft: previous };
  }

  /** true / false: found or not; undefined: Sent could not be searched. */
  private async searchSent(account: MailAccount, messageId: string): Promise<boolean | undefined> {
    if (!this.dependencies.findInSent) {
      return undefined;
    }
    try {
      return await this.dependencies.findInSent(account, messageId);
    } catch (error) {
      this.dependencies.logger.warn(`Could not search Sent for an earlier send: ${describeError(error)}`);
      return undefined;
    }
  }

  private async fileInSent(account: MailAccount, raw: Buffer): Promise<boolean> {
    if (!this.dependencies.fileInSent) {
      return false;
    }
    try {
      await this.dependencies.fileInSent(account, raw);
      return true;
    } catch (error) {
      this.dependencies.logger.warn(`The message was sent but could not be filed in Sent: ${describeError(error)}`);
      return false;
    }
  }
}
