import * as assert from 'node:assert/strict';
import { messageFromComposer } from '../../../src/mail/composerMessage';
import type { ComposerFields } from '../../../src/shared/composerProtocol';
import { isComposerToExtension } from '../../../src/shared/composerProtocol';

const fields: ComposerFields = {
  accountId: 'a',
  to: 'Bob <bob@mailroom.test>',
  cc: '',
  bcc: 'carol@mailroom.test',
  subject: ' Re: hi ',
  body: '**Yes**\n\n> quoted',
  attachments: [1],
};
const context = {
  from: { address: 'alice@mailroom.test' },
  attachments: [
    { filename: 'a.txt', content: new Uint8Array([1]) },
    { filename: 'b.txt', content: new Uint8Array([2]) },
  ],
  inReplyTo: '<m@x>',
  references: ['<r@x>', '<m@x>'],
};

describe('composer → message', () => {
  it('sends the Markdown as the text part and its rendering as HTML, with threading headers and the kept attachments', async () => {
    const result = await messageFromComposer(fields, context);
    assert.ok(result.ok);
    assert.equal(result.message.text, '**Yes**\n\n> quoted');
    assert.match(result.message.html, /<p><strong>Yes<\/strong><\/p>\n<blockquote>/);
    assert.equal(result.message.subject, 'Re: hi');
    assert.deepEqual(result.message.to, [{ name: 'Bob', address: 'bob@mailroom.test' }]);
    assert.deepEqual(result.message.bcc, [{ address: 'carol@mailroom.test' }]);
    assert.equal(result.message.inReplyTo, '<m@x>');
    assert.deepEqual(result.message.references, ['<r@x>', '<m@x>']);
    assert.deepEqual(
      result.message.attachments.map((attachment) => attachment.filename),
      ['b.txt'],
    );
  });

  it('names the field and the piece that is not an address', async () => {
    const result = await messageFromComposer({ ...fields, cc: 'dave@, erin@mailroom.test' }, context);
    assert.deepEqual(result, { ok: false, field: 'cc', problem: 'Not an email address: dave@' });
  });

  it('needs a recipient to send, but saves a draft without one', async () => {
    const empty = { ...fields, to: '', bcc: '' };
    assert.deepEqual(await messageFromComposer(empty, context), { ok: false, field: 'to', problem: 'Add at least one recipient.' });
    assert.ok((await messageFromComposer({ ...empty, to: 'half@' }, context, true)).ok);
  });

  it('ignores attachment indexes the extension never offered', async () => {
    const result = await messageFromComposer({ ...fields, attachments: [0, 0, 7, -1] }, context);
    assert.ok(result.ok);
    assert.deepEqual(
      result.message.attachments.map((attachment) => attachment.filename),
      ['a.txt'],
    );
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isComposerToExtension({ type: 'send', fields }));
    assert.ok(isComposerToExtension({ type: 'ready' }));
    assert.equal(isComposerToExtension({ type: 'send', fields: { ...fields, attachments: ['x'] } }), false);
    assert.equal(isComposerToExtension({ type: 'send' }), false);
    assert.equal(isComposerToExtension({ type: 'runCommand', command: 'x' }), false);
    assert.equal(isComposerToExtension(null), false);
  });
});
