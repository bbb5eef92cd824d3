import type { MailAccount } from '../auth/accountApi';
import type { DraftsFolder } from './drafts';
import { appendToSpecialUse, findSpecialUse } from './folders';
import { findByMessageId } from './mailbox';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';

/** Deletes the messages of `path` with this Message-ID (a draft's earlier copies). */
const deleteByMessageId = relayedOperation('deleteByMessageId', ['string', 'string'], (session: MailSession, path: string, messageId: string) =>
  session.run(async (client) => {
    const uids = await findByMessageId(client, path, messageId);
    if (uids.length > 0) {
      await client.messageDelete(uids, { uid: true });
    }
  }),
);

/**
 * The account's IMAP Drafts folder as the draft store's server side: a copy replaces earlier
 * copies of the same draft (matched by Message-ID), and a sent draft's copy is removed.
 */
export class ImapDraftsFolder implements DraftsFolder {
  public constructor(
    private readonly findAccount: (accountId: string) => MailAccount | undefined,
    private readonly sessionFor: (account: MailAccount) => MailSession,
  ) {}

  public async save(accountId: string, messageId: string, raw: Buffer): Promise<void> {
    await this.remove(accountId, messageId);
    await appendToSpecialUse(this.session(accountId), '\\Drafts', raw, ['\\Seen', '\\Draft']);
  }

  public async remove(accountId: string, messageId: string): Promise<void> {
    const session = this.session(accountId);
    const drafts = findSpecialUse(await session.folders(), '\\Drafts');
    if (!drafts) {
      return;
    }
    await deleteByMessageId(session, drafts.path, messageId);
  }

  private session(accountId: string): MailSession {
    const account = this.findAccount(accountId);
    if (!account) {
      throw new Error('The account of this draft is no longer signed in');
    }
    return this.sessionFor(account);
  }
}
