// One "window" for outboxAcrossWindows.test.ts: the outbox of src/extension.ts (drafts, the shared send
// ledger and the shared outbox queue, all in one global storage folder) in its own process, forked; not a
// test file itself. IMAP is not wired: nothing is filed in Sent.
//   argv: <storage folder> <smtp port> <account id> <email> <max per minute>
// Messages (each answered once, over the fork IPC channel):
//   { command: 'queue', accessToken, subject }  → 'queued' once the send is on disk (the send goes on after)
//   { command: 'drain', accessToken, drainLock } → the statuses of one drain pass over sends left behind;
//      drainLock false: this window does not wait its turn (the race of two drainers on the claims alone)
import * as path from 'node:path';
import type { MailAccount } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import { drainLeftBehindSends } from '../../../src/mail/outboxDrain';
import type { OutboxQueue } from '../../../src/mail/outboxQueue';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { systemClock } from '../../../src/util/clock';
import { SharedOutboxQueue } from '../../../src/windows/sharedOutbox';
import { SharedSendLedger } from '../../../src/windows/sharedSendLedger';
import { testLogger } from '../../support/logging';
import { messageToBob } from '../../support/outboxFixtures';

export type OutboxWorkerRequest = { command: 'queue'; accessToken: string; subject: string } | { command: 'drain'; accessToken: string; drainLock: boolean };

const [storage, smtpPort, accountId, email, maxPerMinute] = process.argv.slice(2);
const account: MailAccount = {
  id: accountId,
  provider: 'oidc',
  email,
  imap: { host: '127.0.0.1', port: 993, implicitTls: true },
  smtp: { host: '127.0.0.1', port: Number(smtpPort), implicitTls: true },
  serverSavesSent: false,
};
const logger = testLogger();
let accessToken = '';
const shared = new SharedOutboxQueue(path.join(storage, 'outbox'), logger);
const sender = new SmtpSender({
  accounts: { getAccessToken: async () => accessToken, requireSignIn: () => undefined },
  logger,
  rateLimiter: new SendRateLimiter(() => Number(maxPerMinute), systemClock, new SharedSendLedger(path.join(storage, 'sends'))),
  maxMessageBytes: () => 10 * 1024 * 1024,
});
const drafts = new DraftStore(path.join(storage, 'drafts'), logger);

function outboxOver(queue: OutboxQueue): Outbox {
  return new Outbox({ sender, drafts, logger, queue });
}

process.on('message', (request: OutboxWorkerRequest) => {
  accessToken = request.accessToken;
  if (request.command === 'queue') {
    // The parent hears "queued" once the send is on disk, and may then close or kill this window.
    const telling: OutboxQueue = {
      add: async (send) => {
        const claimed = await shared.add(send);
        process.send?.('queued');
        return claimed;
      },
      claimOrphans: () => shared.claimOrphans(),
      whileDraining: (task) => shared.whileDraining(task),
    };
    const message = messageToBob(request.subject, email);
    void outboxOver(telling).send(account, message);
    return;
  }
  const queue: OutboxQueue = request.drainLock
    ? shared
    : { add: (send) => shared.add(send), claimOrphans: () => shared.claimOrphans(), whileDraining: (task) => task() };
  void drainLeftBehindSends({ queue, outbox: outboxOver(queue), accountOf: () => account, logger }).then(
    (sent) => process.send?.(sent.map((each) => each.outcome.status)),
    (error: unknown) => process.send?.(`drain failed: ${String(error)}`),
  );
});
process.on('disconnect', () => process.exit(0));
