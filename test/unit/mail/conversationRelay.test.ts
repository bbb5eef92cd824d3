// A folder shown as conversations in a window that does not hold the account's connections [issue 13]:
// every step reaches the server through the holder (relayed by name), none on a connection of its own.
import * as assert from 'node:assert/strict';
import type { MailAccount } from '../../../src/auth/accountApi';
import { MailSession } from '../../../src/mail/connection';
import type { MailRelay } from '../../../src/mail/connection';
import { ConversationList } from '../../../src/mail/conversationList';
import { testLogger } from '../../support/logging';

const account: MailAccount = {
  id: 'issuer|alice@example.test',
  provider: 'oidc',
  email: 'alice@example.test',
  imap: { host: 'imap.example.test', port: 993, implicitTls: true },
  smtp: { host: 'smtp.example.test', port: 465, implicitTls: true },
  serverSavesSent: false,
};

const member = (uid: number, folder: string, sent: boolean, inReplyTo?: string): Record<string, unknown> => ({
  key: `${folder}-${uid}`,
  folder,
  uid,
  messageId: `${folder}-${uid}@x`,
  ...(inReplyTo === undefined ? {} : { inReplyTo }),
  references: [],
  subject: `Subject ${uid}`,
  date: uid * 1000,
  from: 'Bob',
  fromAddress: 'bob@example.test',
  unread: false,
  flagged: false,
  sent,
});

const row = (uid: number): Record<string, unknown> => ({
  uid,
  from: 'Bob',
  fromAddress: '',
  subject: `Subject ${uid}`,
  date: uid * 1000,
  preview: '',
  unread: false,
  flagged: false,
  answered: false,
  hasAttachment: false,
});

describe('conversations relayed to the window holding the connections', () => {
  it('asks the holder for the first screen’s window, then what completes it (the rows’ details, the server’s threads, Sent) in one', async () => {
    const calls: [string, readonly unknown[]][] = [];
    const relay: MailRelay = {
      call: async (_accountId, operation, args) => {
        calls.push([operation, args]);
        switch (operation) {
          case 'conversationFolderStep':
            return {
              status: { path: 'INBOX', total: 2, uidValidity: '1' },
              identity: 'threadReferences',
              members: [member(2, 'INBOX', false), member(1, 'INBOX', false)],
              serverThreads: null,
              rows: [row(2), row(1)],
            };
          case 'conversationCompletion':
            return {
              details: (args[1] as number[]).map((uid) => ({ uid, preview: `preview ${uid}`, hasAttachment: false })),
              serverThreads: [[1], [2]],
              sentMembers: [member(5, 'Sent', true, 'INBOX-2@x')],
              sentComplete: true,
            };
          default:
            throw new Error(`unexpected ${operation}`);
        }
      },
      watch: async () => undefined,
    };
    const session = new MailSession(account, {
      accounts: { getAccessToken: async () => assert.fail('a follower asks for no token'), requireSignIn: () => undefined },
      logger: testLogger(),
      relay: { leading: false, relay: async () => relay },
    });
    try {
      const list = new ConversationList(session, 'INBOX');
      const page = await list.open(1);
      assert.deepEqual(
        calls.map(([operation]) => operation),
        ['conversationFolderStep'],
      );
      assert.deepEqual(
        page.rows.map((shown) => [shown.uid, shown.preview, shown.conversation?.count]),
        [[2, '', 1]],
      );
      const completed = await list.completeFirstScreen();
      assert.deepEqual(
        calls.map(([operation]) => operation),
        ['conversationFolderStep', 'conversationCompletion'],
      );
      assert.ok(Array.isArray(completed));
      assert.deepEqual(
        completed.map((shown) => [shown.uid, shown.preview, shown.conversation?.count]),
        [[2, 'preview 2', 2]],
      );
    } finally {
      await session.dispose();
    }
  });
});
