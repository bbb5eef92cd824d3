import * as assert from 'node:assert/strict';
import { envelopeToRow, hasAttachment, loadPreviewDecoders } from '../../../src/mail/rowModel';
import type { BodyStructure } from '../../../src/mail/bodyStructure';
import type { PreviewDecoders } from '../../../src/mail/rowModel';
import { attachmentsFromStructure } from '../../../src/mail/message';
import { sequenceRangeForIndexes, threadSizes } from '../../../src/mail/mailbox';
import { applyFlagChanges } from '../../../src/mail/envelopeCache';

describe('envelope → row', () => {
  let decoders: PreviewDecoders;
  before(async () => {
    decoders = await loadPreviewDecoders();
  });

  it('maps sender, subject, date, flags and markers', () => {
    const row = envelopeToRow(
      {
        uid: 42,
        flags: new Set(['\\Flagged', '\\Answered']),
        envelope: { date: new Date('2026-01-02T03:04:05Z'), subject: ' Hello ', from: [{ name: 'Alice', address: 'alice@mailroom.test' }] },
        bodyStructure: {
          type: 'multipart/mixed',
          childNodes: [
            { type: 'text/plain', part: '1', encoding: 'quoted-printable', parameters: { charset: 'utf-8' } },
            { type: 'application/pdf', part: '2', disposition: 'attachment', dispositionParameters: { filename: 'a.pdf' } },
          ],
        },
        bodyParts: new Map([['1', Buffer.from('Caf=C3=A9 at\r\n   noon=\r\n!')]]),
      },
      decoders,
    );
    assert.deepEqual(row, {
      uid: 42,
      from: 'Alice',
      fromAddress: 'alice@mailroom.test',
      subject: 'Hello',
      date: Date.parse('2026-01-02T03:04:05Z'),
      preview: 'Café at noon!',
      unread: true,
      flagged: true,
      answered: true,
      hasAttachment: true,
    });
  });

  it('survives missing and odd fields', () => {
    const row = envelopeToRow({ uid: 1, internalDate: 'not a date', envelope: { date: 'garbage' } }, decoders);
    assert.equal(row.from, '(unknown sender)');
    assert.equal(row.subject, '(no subject)');
    assert.equal(row.date, 0);
    assert.equal(row.preview, '');
    assert.equal(row.hasAttachment, false);
  });

  it('makes a preview from base64 HTML without keeping markup', () => {
    const html = Buffer.from('<html><style>p{}</style><p>Hi &amp; <b>bye</b></p></html>').toString('base64');
    const row = envelopeToRow(
      {
        uid: 2,
        bodyStructure: { type: 'text/html', encoding: 'base64', parameters: { charset: 'utf-8' } },
        bodyParts: new Map([['1', Buffer.from(html.slice(0, 30))]]),
      },
      decoders,
    );
    assert.ok(!row.preview.includes('<'));
    const full = envelopeToRow({ uid: 2, bodyStructure: { type: 'text/html', encoding: 'base64' }, bodyParts: new Map([['1', Buffer.from(html)]]) }, decoders);
    assert.equal(full.preview, 'Hi & bye');
  });

  it('reads named and numeric entities, comments and a tag cut off by the partial fetch as HTML does', () => {
    const html = '<!-- a > b --><p>Caf&eacute; &mdash; d&#xe9;j&#224; vu&hellip;</p><p>next <a href="https://x.test/">link</a></p><im';
    const row = envelopeToRow(
      { uid: 3, bodyStructure: { type: 'text/html', parameters: { charset: 'utf-8' } }, bodyParts: new Map([['1', Buffer.from(html)]]) },
      decoders,
    );
    assert.equal(row.preview, 'Café — déjà vu… next link');
  });

  it('reads windows-1252 quotes, euro sign and dashes (0x80–0x9F) as those characters', () => {
    const body = Buffer.concat([Buffer.from([0x93]), Buffer.from('Quote'), Buffer.from([0x94, 0x20, 0x80, 0x35, 0x20, 0x96, 0x20]), Buffer.from('done')]);
    const row = envelopeToRow(
      { uid: 6, bodyStructure: { type: 'text/plain', parameters: { charset: 'windows-1252' } }, bodyParts: new Map([['1', body]]) },
      decoders,
    );
    assert.equal(row.preview, '\u201cQuote\u201d \u20ac5 \u2013 done');
    const unlabelled = envelopeToRow(
      { uid: 7, bodyStructure: { type: 'text/html' }, bodyParts: new Map([['1', Buffer.concat([Buffer.from('<p>'), body])]]) },
      decoders,
    );
    assert.equal(unlabelled.preview, '\u201cQuote\u201d \u20ac5 \u2013 done', 'unlabelled 8-bit text is read as windows-1252');
  });

  it('decodes base64 whose lines are padded one by one', () => {
    const body = ['Hello ', 'wide ', 'world'].map((line) => Buffer.from(line).toString('base64')).join('\r\n');
    assert.ok(body.includes('=\r\n'), 'the fixture pads inside the body');
    const row = envelopeToRow({ uid: 4, bodyStructure: { type: 'text/plain', encoding: 'base64' }, bodyParts: new Map([['1', Buffer.from(body)]]) }, decoders);
    assert.equal(row.preview, 'Hello wide world');
  });

  it('shows the paperclip exactly where the reader lists an attachment, also for parts an older rule of its own missed', () => {
    const mixed = (...childNodes: BodyStructure[]): BodyStructure => ({ type: 'multipart/mixed', childNodes: [{ type: 'text/plain' }, ...childNodes] });
    const structures: [string, BodyStructure, number][] = [
      ['an unnamed binary part', mixed({ type: 'application/octet-stream' }), 1],
      ['a named text part without a disposition', mixed({ type: 'text/x-patch', parameters: { name: 'fix.patch' } }), 1],
      ['an enclosed message', mixed({ type: 'message/rfc822', childNodes: [{ type: 'text/plain' }] }), 1],
      ['a named PDF marked inline', mixed({ type: 'application/pdf', disposition: 'inline', dispositionParameters: { filename: 'a.pdf' } }), 1],
      [
        'an invitation beside the alternative shown',
        { type: 'multipart/alternative', childNodes: [{ type: 'text/plain' }, { type: 'text/html' }, { type: 'text/calendar' }] },
        1,
      ],
      ['a named image', mixed({ type: 'image/png', parameters: { name: 'photo.png' } }), 1],
      ['the plain and HTML twins', { type: 'multipart/alternative', childNodes: [{ type: 'text/plain' }, { type: 'text/html' }] }, 0],
      [
        'an image the HTML embeds',
        {
          type: 'multipart/related',
          childNodes: [{ type: 'text/html' }, { type: 'image/png', id: '<logo@x>', disposition: 'inline', parameters: { name: 'logo.png' } }],
        },
        0,
      ],
    ];
    for (const [what, structure, listed] of structures) {
      assert.equal(attachmentsFromStructure(structure).length, listed, `the reader's list: ${what}`);
      assert.equal(hasAttachment(structure), listed > 0, `the paperclip: ${what}`);
    }
  });

  it('counts thread sizes within a page where the server gives thread ids', () => {
    const messages = [{ uid: 1, threadId: 't1' }, { uid: 2, threadId: 't1' }, { uid: 3, threadId: 't2' }, { uid: 4 }];
    const sizes = threadSizes(messages);
    assert.equal(envelopeToRow(messages[0] ?? { uid: 0 }, decoders, sizes).threadCount, 2);
    assert.equal(envelopeToRow(messages[2] ?? { uid: 0 }, decoders, sizes).threadCount, undefined, 'a thread of one shows no count');
    assert.equal(envelopeToRow(messages[3] ?? { uid: 0 }, decoders, sizes).threadCount, undefined);
  });

  it('maps list indexes to sequence ranges from EXISTS (index 0 = newest)', () => {
    assert.deepEqual(sequenceRangeForIndexes(100_000, 0, 50), { from: 99_951, to: 100_000 });
    assert.deepEqual(sequenceRangeForIndexes(100_000, 99_990, 50), { from: 1, to: 10 });
    assert.equal(sequenceRangeForIndexes(10, 10, 50), undefined);
    assert.equal(sequenceRangeForIndexes(0, 0, 50), undefined);
  });

  it('applies CONDSTORE flag changes to cached rows', () => {
    const rows = [envelopeToRow({ uid: 5 }, decoders), envelopeToRow({ uid: 4 }, decoders)];
    applyFlagChanges(rows, [{ uid: 4, flags: new Set(['\\Seen', '\\Flagged']) }]);
    assert.equal(rows[0]?.unread, true);
    assert.equal(rows[1]?.unread, false);
    assert.equal(rows[1]?.flagged, true);
  });
});
