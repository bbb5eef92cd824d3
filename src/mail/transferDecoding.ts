import { decode as decodeBase64 } from 'libbase64';
import { decode as decodeQuotedPrintable } from 'libqp';

/**
 * Content-Transfer-Encoding and charset decoding for one MIME part's bytes. Lenient by design: mail
 * from strangers is often slightly wrong, and a wrong byte must cost a replacement character, never
 * the part. The transfer decoders are libbase64/libqp (what imapflow and mailparser decode with): both
 * are a few kilobytes with no dependencies, so they load with the extension.
 */

export function decodeTransfer(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(raw.toString('latin1'));
    case 'quoted-printable':
      return decodeQuotedPrintable(raw);
    default:
      return raw;
  }
}

/**
 * Bytes → text in the declared charset. An unknown or missing charset is read as UTF-8 when the bytes
 * are UTF-8, else as Windows-1252 (what unlabelled 8-bit mail nearly always is). The decoders are the
 * runtime's WHATWG ones: libmime's charset tables would add ~600 kB to what activation loads, and every
 * caller of this is synchronous.
 */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = charset?.trim().toLowerCase();
  if (label && !/^(us-)?ascii$|^utf-?8$/.test(label)) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // An unknown label: fall through to the guess below.
    }
  }
  try {
    // `stream` keeps a sequence cut off at the end (a partial fetch) from failing the whole text.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
