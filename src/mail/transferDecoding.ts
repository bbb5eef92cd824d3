import { decode as decodeBase64 } from 'libbase64';
import { decode as decodeQuotedPrintable } from 'libqp';
import { defaultExport } from '../util/interop';

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

/** Bytes → text in a charset label; a missing or unknown label is guessed (see {@link loadCharsetDecoder}). */
export type CharsetDecoder = (bytes: Buffer, charset: string | undefined) => string;

let charsetDecoder: Promise<CharsetDecoder> | undefined;

/**
 * The one charset decoder of the reader, the Inbox preview and View Source, loaded on first use:
 * iconv-lite's tables are ~500 kB that activation does not need. Labels are resolved the WHATWG way
 * (`iso-8859-1` means windows-1252, as mail clients treat it) and decoded with
 * iconv-lite, because Node's own windows-1252 decoder reads 0x80–0x9F as C1 controls, not as the
 * curly quotes, euro sign and dashes they are. An unknown or missing label is read as UTF-8 when the
 * bytes are UTF-8, else as windows-1252 (what unlabelled 8-bit mail nearly always is).
 */
export function loadCharsetDecoder(): Promise<CharsetDecoder> {
  charsetDecoder ??= import('iconv-lite').then((imported) => {
    const iconv = defaultExport(imported);
    return (bytes, charset) => {
      const label = declaredLabel(charset);
      const whatwg = label === undefined ? undefined : whatwgEncoding(label);
      const known = [whatwg, label].find((name) => name !== undefined && iconv.encodingExists(name));
      if (known) {
        return iconv.decode(bytes, known);
      }
      if (whatwg) {
        // A charset iconv-lite lacks and the runtime has (iso-2022-jp).
        return new TextDecoder(whatwg).decode(bytes);
      }
      try {
        // `stream` keeps a sequence cut off at the end (a partial fetch) from failing the whole text.
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
      } catch {
        return iconv.decode(bytes, 'windows-1252');
      }
    };
  });
  return charsetDecoder;
}

/** The label to decode with; undefined where the bytes are guessed from (none, ASCII, UTF-8). */
function declaredLabel(charset: string | undefined): string | undefined {
  const label = charset?.trim().toLowerCase();
  return !label || /^(us-)?ascii$|^utf-?8$/.test(label) ? undefined : label;
}

/** The WHATWG encoding a label names, or undefined for a label that is not one (cp850, x-unknown). */
function whatwgEncoding(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}
