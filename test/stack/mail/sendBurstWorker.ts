// One "window" for sendAcrossWindows.test.ts: an SMTP sender with the account's rate limit in its own
// process (forked; not a test file itself).
//   argv: <ledger folder> <smtp port> <email> <max per minute> <shared | alone>
// The message { accessToken, count } sends `count` messages at once to bob; the answer is how many were accepted.
import type { MailAccount } from '../../../src/auth/accountApi';
import { MemorySendLedger } from '../../../src/mail/sendLedger';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { systemClock } from '../../../src/util/clock';
import { SharedSendLedger } from '../../../src/windows/sharedSendLedger';
import { testLogger } from '../../support/logging';

export interface BurstRequest {
  accessToken: string;
  count: number;
}

const [ledgerFolder, smtpPort, email, maxPerMinute, ledgerMode] = process.argv.slice(2);
const account: MailAccount = {
  id: `stack#${email}`,
  provider: 'oidc',
  email,
  imap: { host: '127.0.0.1', port: 993, implicitTls: true },
  smtp: { host: '127.0.0.1', port: Number(smtpPort), implicitTls: true },
  serverSavesSent: false,
};

process.on('message', (request: BurstRequest) => {
  const sender = new SmtpSender({
    accounts: { getAccessToken: async () => request.accessToken, requireSignIn: () => undefined },
    logger: testLogger(),
    rateLimiter: new SendRateLimiter(
      () => Number(maxPerMinute),
      systemClock,
      ledgerMode === 'shared' ? new SharedSendLedger(ledgerFolder) : new MemorySendLedger(),
    ),
    maxMessageBytes: () => 10 * 1024 * 1024,
  });
  const sends = Array.from({ length: request.count }, (_, index) =>
    sender.send(account, {
      from: { address: email },
      to: [{ address: 'bob@mailroom.test' }],
      cc: [],
      bcc: [],
      subject: `burst ${process.pid} ${index}`,
      text: 'burst',
      html: '<p>burst</p>',
      attachments: [],
    }),
  );
  Promise.allSettled(sends).then((outcomes) => {
    process.send?.(outcomes.filter((outcome) => outcome.status === 'fulfilled').length);
    process.disconnect?.();
  });
});
