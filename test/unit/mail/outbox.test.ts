import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailAccount } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import type { SendResult } from '../../../src/mail/sender';
import { MailroomError } from '../../../src/util/errors';
import { testLogger } from '../../support/logging';
import { outboxAccount } from '../../support/outboxFixtures';

const quiet = testLogger();

const account = outboxAccount;

const message: OutgoingMessage = {
  from: { address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }, { address: 'nobody@mailroom.test' }],
  cc: [],
  bcc: [],
  subject: 's',
  text: 't',
  html: '<p>t</p>',
  attachments: [],
};

type Behaviour = (messageId: string) => SendResult;

function fakeSender(behaviour: Behaviour): {
  send(account: MailAccount, message: OutgoingMessage, options: { messageId: string }): Promise<SendResult>;
  ids: string[];
} {
  const ids: string[] = [];
  return {
    ids,
    send: async (_account, _message, options) => {
      ids.push(options.messageId);
      return behaviour(options.messageId);
    },
  };
}

describe('outbox: nothing lost', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-outbox-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  for (const [code, error] of [
    ['ConnectionFailed', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })],
    ['SignInRequired', new MailroomError('SignInRequired', 'Sign in again')],
    ['MessageTooLarge', new MailroomError('MessageTooLarge', 'too big')],
    ['RecipientRefused', Object.assign(new Error('all refused'), { code: 'EENVELOPE', command: 'RCPT TO', rejected: ['nobody@mailroom.test'] })],
  ] as const) {
    it(`keeps the draft and says what happened when sending fails with ${code}`, async () => {
      const drafts = new DraftStore(directory, quiet);
      const outbox = new Outbox({
        sender: fakeSender(() => {
          throw error;
        }),
        drafts,
        logger: quiet,
      });
      const outcome = await outbox.send(account, message);
      assert.ok(outcome.status === 'failed');
      assert.equal(outcome.error.code, code);
      const kept = await new DraftStore(directory, quiet).list();
      assert.equal(kept.length, 1);
      assert.deepEqual(kept[0].message, message);
      assert.equal(kept[0].failure?.code, code);
    });
  }

  it('files the sent message in Sent unless the provider does, and removes a retried draft', async () => {
    const drafts = new DraftStore(directory, quiet);
    const filed: Buffer[] = [];
    let fail = true;
    const sender = fakeSender((messageId) => {
      if (fail) {
        throw Object.assign(new Error('down'), { code: 'ECONNECTION' });
      }
      return { messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: [] };
    });
    const outbox = new Outbox({ sender, drafts, logger: quiet, fileInSent: async (_account, raw) => void filed.push(raw) });
    const failed = await outbox.send(account, message);
    assert.ok(failed.status === 'failed');
    fail = false;
    const retried = await outbox.send(account, failed.draft.message, failed.draft);
    assert.ok(retried.status === 'sent');
    assert.equal(retried.inSent, true);
    assert.deepEqual(sender.ids, [failed.draft.messageId, failed.draft.messageId], 'the retry keeps the Message-ID');
    assert.deepEqual(await drafts.list(), []);
    assert.equal(filed.length, 1);
    const gmail = await outbox.send({ ...account, serverSavesSent: true }, message);
    assert.ok(gmail.status === 'sent' && gmail.inSent);
    assert.equal(filed.length, 1, 'no second copy where the provider files sent mail itself');
  });

  it('keeps a draft addressed to the refused recipients when the others were accepted', async () => {
    const drafts = new DraftStore(directory, quiet);
    const sender = fakeSender((messageId) => ({ messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: ['nobody@mailroom.test'] }));
    const outcome = await new Outbox({ sender, drafts, logger: quiet }).send(account, message);
    assert.ok(outcome.status === 'sent');
    assert.deepEqual(outcome.refused, ['nobody@mailroom.test']);
    assert.deepEqual(outcome.draft?.message.to, [{ address: 'nobody@mailroom.test' }]);
    assert.equal(outcome.draft?.failure?.code, 'RecipientRefused');
  });
});
