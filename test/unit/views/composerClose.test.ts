// Closing a composer tab while its message is sending: once the send succeeds, no draft of it may be
// left behind; when it fails the outbox has kept the draft already.
import * as assert from 'node:assert/strict';
import type { StoredDraft } from '../../../src/mail/drafts';
import type { SendOutcome } from '../../../src/mail/outbox';
import { MailroomError } from '../../../src/util/errors';
import { keepDraftOnClose } from '../../../src/views/composerClose';

const draft: StoredDraft = {
  id: '00000000-0000-4000-8000-000000000000',
  accountId: 'acc',
  messageId: '<m@mailroom.test>',
  savedAt: 0,
  savedToServer: false,
  message: {
    from: { address: 'alice@mailroom.test' },
    to: [{ address: 'bob@mailroom.test' }],
    cc: [],
    bcc: [],
    subject: 's',
    text: 't',
    html: '',
    attachments: [],
  },
};

function deferred(): { promise: Promise<SendOutcome>; resolve: (outcome: SendOutcome) => void; reject: (error: unknown) => void } {
  let resolve: (outcome: SendOutcome) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<SendOutcome>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Whether `promise` has settled after every queued callback ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('composer: what closing the tab keeps', () => {
  it('keeps an unsent, changed message as a draft (and nothing when unchanged or finished)', async () => {
    assert.equal(await keepDraftOnClose({ finished: false, changed: true, sending: undefined }), true);
    assert.equal(await keepDraftOnClose({ finished: false, changed: false, sending: undefined }), false);
    assert.equal(await keepDraftOnClose({ finished: true, changed: true, sending: undefined }), false);
  });

  it('waits for a send in flight and keeps nothing once it succeeded', async () => {
    const send = deferred();
    const decision = keepDraftOnClose({ finished: false, changed: true, sending: send.promise });
    assert.equal(await settled(decision), false, 'no decision before the send has settled');
    send.resolve({ status: 'sent', messageId: draft.messageId, inSent: true, refused: [] });
    assert.equal(await decision, false, 'a sent message leaves no draft behind');
  });

  it('keeps nothing more when the send failed: the outbox kept the draft already', async () => {
    const send = deferred();
    const decision = keepDraftOnClose({ finished: false, changed: true, sending: send.promise });
    send.resolve({ status: 'failed', error: new MailroomError('ConnectionFailed', 'down'), draft });
    assert.equal(await decision, false);
  });

  it('keeps a draft when the send ended without an outcome (nothing was kept for it)', async () => {
    const send = deferred();
    const decision = keepDraftOnClose({ finished: false, changed: true, sending: send.promise });
    send.reject(new Error('the progress notification failed'));
    assert.equal(await decision, true);
  });
});
