import type { MailAccount } from '../auth/accounts';
import type { MailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { DraftStore, StoredDraft } from './drafts';
import { newMessageId } from './mime';
import type { OutgoingMessage } from './outgoing';
import type { SendResult } from './sender';
import { mapSmtpError } from './smtpErrors';

export interface OutboxDependencies {
  readonly sender: { send(account: MailAccount, message: OutgoingMessage, options: { messageId: string }): Promise<SendResult> };
  readonly drafts: DraftStore;
  /** Files a sent message in the account's Sent folder (IMAP APPEND); absent where IMAP is not wired. */
  readonly fileInSent?: (account: MailAccount, raw: Buffer) => Promise<void>;
  readonly logger: Logger;
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
    }
  | { readonly status: 'failed'; readonly error: MailroomError; readonly draft: StoredDraft };

/**
 * Sending with nothing lost: every failure keeps the message as a draft (local, and in Drafts where
 * IMAP answers) and says what happened; a successful retry removes the draft; sent mail is filed in
 * Sent unless the provider does that itself.
 */
export class Outbox {
  public constructor(private readonly dependencies: OutboxDependencies) {}

  /** Sends `message`; `previous` is the draft being retried, whose identity the message keeps. */
  public async send(account: MailAccount, message: OutgoingMessage, previous?: StoredDraft): Promise<SendOutcome> {
    const { sender, drafts, logger } = this.dependencies;
    const messageId = previous?.messageId ?? newMessageId(message.from);
    let result: SendResult;
    try {
      result = await sender.send(account, message, { messageId });
    } catch (error) {
      const mapped = mapSmtpError(error, account.smtp.host);
      logger.warn(`Sending failed (${mapped.code}); the message is kept as a draft`);
      const draft = await drafts.keep(account.id, message, { messageId, failure: mapped, ...(previous ? { existingId: previous.id } : {}) });
      return { status: 'failed', error: mapped, draft };
    }
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
