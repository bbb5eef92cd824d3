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

describe('conversations relayed to the window holding the connections', () => {
  it('asks the holder for Sent, the folder’s window with its threads, and the rows', async () => {
    const calls: [string, readonly unknown[]][] = [];
    const relay: MailRelay = {
      call: async (_accountId, operation, args) => {
        calls.push([operation, args]);
        switch (operation) {
          case 'folders':
            return [{ path: 'Sent', specialUse: '\\Sent', name: 'Sent', delimiter: '/', flags: new Set(), listed: true, subscribed: true }];
          case 'conversationSentStep':
            return [member(5, 'Sent', true, 'INBOX-2@x')];
          case 'conversationFolderStep':
            return {
              status: { path: 'INBOX', total: 2, uidValidity: '1' },
              identity: 'threadReferences',
              members: [member(2, 'INBOX', false), member(1, 'INBOX', false)],
              serverThreads: [[1], [2]],
            };
          case 'loadRowsByUid':
            return (args[1] as number[]).map((uid) => ({
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
            }));
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
      const page = await new ConversationList(session, 'INBOX').open(50);
      assert.deepEqual(
        calls.map(([operation]) => operation),
        ['folders', 'conversationSentStep', 'conversationFolderStep', 'loadRowsByUid'],
      );
      assert.deepEqual(
        page.rows.map((row) => [row.uid, row.conversation?.count]),
        [
          [2, 2],
          [1, 1],
        ],
      );
    } finally {
      await session.dispose();
    }
  });
});
