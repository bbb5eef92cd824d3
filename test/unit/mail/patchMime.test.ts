import * as assert from 'node:assert/strict';
import { composeMessage } from '../../../src/mail/mime';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { chooseEncoding, encodeQuotedPrintable, verbatimBody } from '../../../src/mail/patchMime';

/** RFC 2045 decoding, written independently of the encoder under test. */
function decodeQuotedPrintable(wire: string): string {
  const joined = wire.replace(/=\r\n/g, '').replace(/\r\n/g, '\n');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index += 1) {
    if (joined[index] === '=') {
      bytes.push(parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(joined[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const tricky = 'trailing  \n\ttab\nFrom the start\nnaïve ünïcode\n.\n= sign\n';

describe('patch mail bodies (byte for byte on the wire)', () => {
  const cases: [string, string, string][] = [
    ['plain ASCII', 'one\ntwo\n', '8bit'],
    ['trailing blanks, tabs, From, non-ASCII', tricky, '8bit'],
    ['a CRLF file', '+crlf\r\n+line\r\n', 'quoted-printable'],
    ['a line over 998 bytes', `${'x'.repeat(999)}\n`, 'quoted-printable'],
    ['a form feed', 'a\fb\n', 'quoted-printable'],
  ];
  for (const [name, text, encoding] of cases) {
    it(`${name}: ${encoding}, and decodes back to the same text`, () => {
      assert.equal(chooseEncoding(text), encoding);
      const { wire } = verbatimBody(text);
      for (const line of wire.split('\r\n')) {
        assert.ok(Buffer.byteLength(line) <= 998, 'a wire line is too long');
      }
      const decoded = encoding === '8bit' ? wire.replace(/\r\n/g, '\n') : decodeQuotedPrintable(wire);
      assert.equal(decoded, text);
    });
  }

  it('quoted-printable keeps lines within 76 characters and protects trailing blanks and From', () => {
    const wire = encodeQuotedPrintable(`From x\nend \t\n${'y'.repeat(200)}\r\n`);
    assert.ok(wire.startsWith('=46rom x\r\nend =09\r\n'));
    assert.ok(wire.split('\r\n').every((line) => line.length <= 76));
    assert.equal(decodeQuotedPrintable(wire), `From x\nend \t\n${'y'.repeat(200)}\r\n`);
  });

  it('a verbatim message is one text/plain part with the chosen encoding and the exact body', async () => {
    const message: OutgoingMessage = {
      from: { address: 'ada@example.org' },
      to: [{ address: 'list@example.org' }],
      cc: [],
      bcc: [],
      subject: '[PATCH 1/1] ünïcode',
      text: tricky,
      html: '<p>never sent</p>',
      attachments: [{ filename: 'x.bin', content: new Uint8Array([1]) }],
      verbatimText: true,
    };
    const raw = (await composeMessage(message, { messageId: '<m@x>' })).raw.toString('utf8');
    const [headers, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
    assert.match(headers, /^Content-Type: text\/plain; charset=utf-8$/m);
    assert.match(headers, /^Content-Transfer-Encoding: 8bit$/m);
    assert.doesNotMatch(headers, /multipart|format=flowed/i);
    assert.match(headers, /^Subject: =\?UTF-8\?/m);
    assert.match(headers, /^Message-ID: <m@x>$/m);
    assert.equal(body, tricky.replace(/\n/g, '\r\n'));
    assert.doesNotMatch(raw, /never sent/);
  });
});
