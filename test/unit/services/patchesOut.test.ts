import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { MailAccount } from '../../../src/auth/accountApi';
import type { StoredDraft } from '../../../src/mail/drafts';
import type { SendOutcome } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { PatchSeriesSend } from '../../../src/mail/patchSeries';
import type * as PatchesOutModule from '../../../src/services/patchesOut';
import { MailroomError } from '../../../src/util/errors';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';

function part(subject: string): OutgoingMessage {
  return {
    from: { address: 'alice@x.org' },
    to: [{ address: 'list@x.org' }],
    cc: [],
    bcc: [],
    subject,
    text: subject,
    html: '',
    attachments: [],
    verbatimText: true,
  };
}

describe('Send Commits as Patches: a series that fails part-way', () => {
  const editor = new FakeEditor();
  let restore: () => void;
  let module: typeof PatchesOutModule;

  before(() => {
    restore = installFakeVscode(editor);
    module = createRequire(__filename)('../../../src/services/patchesOut') as typeof PatchesOutModule;
  });

  after(() => restore());

  it('stops at the failed part, says how far it got, and Resume Series sends that part again as its draft', async () => {
    const sends: { subject: string; retried: boolean; announced: boolean | undefined; fromComposer: boolean }[] = [];
    let failures = 1;
    const deliver = async (
      _account: MailAccount,
      message: OutgoingMessage,
      previous?: StoredDraft,
      options?: { fromComposer: boolean; announceSent?: boolean },
    ): Promise<SendOutcome> => {
      sends.push({ subject: message.subject, retried: previous !== undefined, announced: options?.announceSent, fromComposer: options?.fromComposer ?? false });
      if (message.subject === '[PATCH 2/3]' && failures-- > 0) {
        const draft = { id: 'd', accountId: 'a', messageId: '<d@x>', savedAt: 0, savedToServer: false, message } as StoredDraft;
        return { status: 'failed', error: new MailroomError('ConnectionFailed', 'The server did not answer.'), draft };
      }
      return { status: 'sent', messageId: `<${sends.length}@x>`, inSent: true, refused: [] };
    };
    const patches = new module.PatchesOut({ accounts: {} as never, composing: { open: () => undefined }, sending: { deliver }, repositories: async () => [] });
    editor.choose = 0;
    await patches.sendSeries(
      { id: 'a', email: 'alice@x.org' } as MailAccount,
      new PatchSeriesSend<StoredDraft>([part('[PATCH 1/3]'), part('[PATCH 2/3]'), part('[PATCH 3/3]')]),
    );
    assert.deepEqual(
      sends.map((send) => `${send.subject}${send.retried ? ' (retry)' : ''}`),
      ['[PATCH 1/3]', '[PATCH 2/3]', '[PATCH 2/3] (retry)', '[PATCH 3/3]'],
    );
    assert.ok(
      sends.every((send) => send.fromComposer && send.announced === false),
      'one notice for the series, not one per part',
    );
    const errors = editor.rendered.filter((entry) => entry.surface === 'error message').map((entry) => entry.text);
    // The ui tag shows a stranger's brackets as parentheses (no Markdown link can form).
    assert.deepEqual(errors, ['Not sent: The server did not answer. Sent 1 of 3; "(PATCH 2/3)" and the parts after it are waiting.']);
    assert.ok(editor.rendered.some((entry) => entry.surface === 'error button' && entry.text === 'Resume Series'));
    assert.ok(editor.rendered.some((entry) => entry.surface === 'information message' && entry.text === 'Sent all 3 mails of the series.'));
  });

  it('counts the cover letter the composer sent as one of the series: how far it got, and all of it once done', async () => {
    let failures = 1;
    const deliver = async (_account: MailAccount, message: OutgoingMessage, previous?: StoredDraft): Promise<SendOutcome> => {
      if (failures-- > 0) {
        const draft = { id: 'd', accountId: 'a', messageId: '<d@x>', savedAt: 0, savedToServer: false, message } as StoredDraft;
        return { status: 'failed', error: new MailroomError('ConnectionFailed', 'The server did not answer.'), draft };
      }
      return { status: 'sent', messageId: `<${message.subject}${previous ? ' again' : ''}@x>`, inSent: true, refused: [] };
    };
    const patches = new module.PatchesOut({ accounts: {} as never, composing: { open: () => undefined }, sending: { deliver }, repositories: async () => [] });
    editor.rendered.length = 0;
    editor.choose = 0;
    await patches.sendSeries(
      { id: 'a', email: 'alice@x.org' } as MailAccount,
      new PatchSeriesSend<StoredDraft>([part('[PATCH 1/3]'), part('[PATCH 2/3]'), part('[PATCH 3/3]')], '<cover@x>'),
    );
    const errors = editor.rendered.filter((entry) => entry.surface === 'error message').map((entry) => entry.text);
    assert.deepEqual(errors, ['Not sent: The server did not answer. Sent 1 of 4; "(PATCH 1/3)" and the parts after it are waiting.']);
    const done = editor.rendered.filter((entry) => entry.surface === 'information message').map((entry) => entry.text);
    assert.deepEqual(done, ['Sent all 4 mails of the series.']);
  });
});
