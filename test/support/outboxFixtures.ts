// The account and message the outbox tests of several windows send with (the sender is faked: no host is reached).
import type { MailAccount } from '../../src/auth/accountApi';
import type { OutgoingMessage } from '../../src/mail/outgoing';

export const outboxAccount: MailAccount = {
  id: 'acc',
  provider: 'oidc',
  email: 'alice@mailroom.test',
  imap: { host: 'imap.mailroom.test', port: 993, implicitTls: true },
  smtp: { host: 'smtp.mailroom.test', port: 465, implicitTls: true },
  serverSavesSent: false,
};

/** A plain message from `from` to bob. */
export function messageToBob(subject: string, from = outboxAccount.email): OutgoingMessage {
  return { from: { address: from }, to: [{ address: 'bob@mailroom.test' }], cc: [], bcc: [], subject, text: 't', html: '', attachments: [] };
}
