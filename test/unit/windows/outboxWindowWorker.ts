// A window for test/unit/windows/sharedOutbox.test.ts that queues one send and stops at a stage of it,
// for the test to kill it there (forked; not a test file itself).
//   argv: <outbox folder> <drafts folder> <waiting | handedOver>
//   waiting: the send is queued and waits (as for the rate limit); handedOver: the SMTP exchange has begun.
// Says 'ready' at that stage and never gets further.
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type { SendResult } from '../../../src/mail/sender';
import { SharedOutboxQueue } from '../../../src/windows/sharedOutbox';
import { testLogger } from '../../support/logging';
import { messageToBob, outboxAccount } from '../../support/outboxFixtures';

const [outboxFolder, draftsFolder, stage] = process.argv.slice(2);
const logger = testLogger();
const outbox = new Outbox({
  sender: {
    send: async (_account, _message, options): Promise<SendResult> => {
      if (stage === 'handedOver') {
        await options.beforeExchange?.();
      }
      process.send?.('ready');
      return new Promise<never>(() => setInterval(() => undefined, 60_000));
    },
  },
  drafts: new DraftStore(draftsFolder, logger),
  logger,
  queue: new SharedOutboxQueue(outboxFolder, logger),
});
void outbox.send(outboxAccount, messageToBob('left behind'));
