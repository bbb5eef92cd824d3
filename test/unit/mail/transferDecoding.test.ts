import * as assert from 'node:assert/strict';
import { decodeTransfer, loadCharsetDecoder } from '../../../src/mail/transferDecoding';
import type { CharsetDecoder } from '../../../src/mail/transferDecoding';

describe('transfer decoding', () => {
  let decodeCharset: CharsetDecoder;
  before(async () => {
    decodeCharset = await loadCharsetDecoder();
  });

  it('drops the whitespace a transport added at the end of quoted-printable lines (RFC 2045 6.7)', () => {
    assert.equal(decodeTransfer(Buffer.from('first  \r\nsecond\t\r\nthird=20\r\n'), 'quoted-printable').toString(), 'first\r\nsecond\r\nthird \r\n');
  });

  it('keeps soft line breaks, malformed escapes and a cut-off end of quoted-printable as the sender meant', () => {
    assert.equal(decodeTransfer(Buffer.from('Caf=C3=A9 at=\r\n noon =ZZ =4'), 'Quoted-Printable').toString(), 'Café at noon =ZZ =4');
    assert.equal(decodeTransfer(Buffer.from('cut here='), 'quoted-printable').toString(), 'cut here');
  });

  it('decodes base64 made of padded pieces, with line breaks and stray characters', () => {
    const pieces = ['Hello', ' there', ' world!'].map((piece) => Buffer.from(piece).toString('base64'));
    assert.equal(decodeTransfer(Buffer.from(pieces.join('\r\n')), 'base64').toString(), 'Hello there world!');
    assert.equal(decodeTransfer(Buffer.from(' SGVs\tbG8g\r\nd29y bGQ= '), ' BASE64 ').toString(), 'Hello world');
  });

  it('passes other encodings through', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x41]);
    for (const encoding of [undefined, '7bit', '8bit', 'binary', 'x-unknown']) {
      assert.equal(decodeTransfer(bytes, encoding), bytes);
    }
  });

  it('reads the declared charset, and UTF-8 without one', () => {
    assert.equal(decodeCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1'), 'café');
    assert.equal(decodeCharset(Buffer.from([0xeb, 0xcf, 0xd4]), 'koi8-r'), 'Кот');
    assert.equal(decodeCharset(Buffer.from('café'), undefined), 'café');
  });

  it('reads 0x80–0x9F of windows-1252, and of iso-8859-1 as mail means it, as quotes, euro sign and dashes', () => {
    const bytes = Buffer.from([0x93, 0x61, 0x94, 0x20, 0x80, 0x20, 0x96, 0x20, 0x97]);
    for (const charset of ['windows-1252', 'CP1252', 'iso-8859-1', undefined]) {
      assert.equal(decodeCharset(bytes, charset), '\u201ca\u201d \u20ac \u2013 \u2014', String(charset));
    }
  });

  it('reads charsets the runtime has and iconv-lite lacks, and guesses for labels neither knows', () => {
    assert.equal(decodeCharset(Buffer.from('\x1b$B$3$s$K$A$O\x1b(B', 'latin1'), 'iso-2022-jp'), 'こんにちは');
    assert.equal(decodeCharset(Buffer.from([0x82]), 'cp850'), 'é', 'a label only iconv-lite knows');
    assert.equal(decodeCharset(Buffer.from('café'), 'x-unknown'), 'café');
    assert.equal(decodeCharset(Buffer.from([0x93, 0x61, 0x94]), 'x-unknown'), '\u201ca\u201d');
  });
});
