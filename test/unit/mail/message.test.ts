import * as assert from 'node:assert/strict';
import { attachmentsFromStructure, parseMessage } from '../../../src/mail/message';
import type { MessageMeta } from '../../../src/mail/message';

const meta: MessageMeta = { ref: { accountId: 'a', folder: 'INBOX', uid: 9 }, flagged: false, unread: true, truncated: false };

function crlf(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

describe('MIME → reader view model', () => {
  it('decodes charsets, encoded words and quoted-printable', async () => {
    const source = crlf([
      'From: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@example.se>',
      'To: alice@mailroom.test',
      'Subject: =?ISO-8859-1?Q?Caf=E9_=E0_midi?=',
      'Date: Wed, 25 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'R=E9union =E0 midi, d=E9j=E0 pr=EAte.',
      '',
    ]);
    const { view, sender } = await parseMessage(source, meta);
    assert.equal(view.subject, 'Café à midi');
    assert.deepEqual(view.from, [{ name: 'Zoë Ångström', address: 'zoe@example.se' }]);
    assert.deepEqual(sender.from, ['zoe@example.se']);
    assert.match(view.text, /Réunion à midi, déjà prête\./);
    assert.equal(view.html, undefined);
    assert.equal(view.date, Date.parse('2026-11-25T10:00:00Z'));
  });

  it('shows windows-1252 quotes, euro sign and dashes (0x80–0x9F) of labelled and unlabelled body parts', async () => {
    const windows1252 = (text: string): string => text.replace(/“/g, '\x93').replace(/”/g, '\x94').replace(/€/g, '\x80').replace(/–/g, '\x96');
    const source = crlf([
      'From: a@example.com',
      'Subject: prices',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=windows-1252',
      'Content-Transfer-Encoding: 8bit',
      '',
      windows1252('He said “yes” – it costs €5.'),
      '--b',
      'Content-Type: text/plain',
      '',
      windows1252('Unlabelled: “no” – €0.'),
      '--b--',
      '',
    ]);
    const { view } = await parseMessage(source, meta);
    assert.equal(view.text, 'He said “yes” – it costs €5.\n\nUnlabelled: “no” – €0.');
  });

  it('embeds inline images referenced by cid: as data URIs', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64');
    const source = crlf([
      'From: a@example.com',
      'Subject: logo',
      'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hi</p><img src="cid:logo@x">',
      '--b1',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <logo@x>',
      'Content-Disposition: inline; filename="logo.png"',
      '',
      png,
      '--b1--',
      '',
    ]);
    const { view } = await parseMessage(source, meta);
    assert.ok(view.html?.includes('src="data:image/png;base64,'), view.html);
    assert.ok(!view.html?.includes('cid:'));
  });

  it('shows broken and odd messages as well as it can, never throwing', async () => {
    const samples = [
      Buffer.alloc(0),
      Buffer.from('not a mail at all'),
      crlf([
        'Subject: unterminated',
        'Content-Type: multipart/mixed; boundary="x"',
        '',
        '--x',
        'Content-Type: text/plain',
        '',
        'body without the closing boundary',
      ]),
      crlf(['Subject: bad charset', 'Content-Type: text/plain; charset=x-no-such-charset', '', 'plain words']),
      crlf(['Subject: bad base64', 'Content-Type: text/html', 'Content-Transfer-Encoding: base64', '', '%%%not-base64%%%']),
      crlf(['From: <<<>>>', 'Date: yesterday-ish', 'Subject: odd headers', '', 'text']),
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]),
    ];
    for (const sample of samples) {
      const { view } = await parseMessage(sample, meta);
      assert.equal(typeof view.subject, 'string');
      assert.equal(typeof view.text, 'string');
    }
    const { view } = await parseMessage(samples[2] ?? Buffer.alloc(0), meta);
    assert.match(view.text, /body without the closing boundary/);
  });

  it('[SEC-29] lists attachments from the structure with sanitized names, leaving out only images the HTML embeds', () => {
    const attachments = attachmentsFromStructure({
      type: 'multipart/mixed',
      childNodes: [
        {
          type: 'multipart/related',
          part: '1',
          childNodes: [
            { type: 'text/html', part: '1.1' },
            { type: 'image/png', part: '1.2', id: '<logo@x>', disposition: 'inline', parameters: { name: 'logo.png' } },
          ],
        },
        { type: 'application/pdf', part: '2', disposition: 'attachment', dispositionParameters: { filename: '../../etc/passwd' }, size: 1200 },
        { type: 'image/png', part: '3', disposition: 'inline', parameters: { name: 'photo.png' } },
        { type: 'application/octet-stream', part: '4', parameters: { name: 'C:\\Windows\\evil\u202Etxt.exe' } },
        { type: 'text/plain', part: '5', disposition: 'attachment' },
      ],
    });
    assert.deepEqual(
      attachments.map(({ index, part, filename }) => ({ index, part, filename })),
      [
        { index: 0, part: '2', filename: 'passwd' },
        { index: 1, part: '3', filename: 'photo.png' },
        { index: 2, part: '4', filename: 'eviltxt.exe' },
        { index: 3, part: '5', filename: 'part-5.txt' },
      ],
    );
  });
});
