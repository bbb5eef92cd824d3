/**
 * Content-Transfer-Encoding and charset decoding for one MIME part's bytes. Lenient by design: mail
 * from strangers is often slightly wrong, and a wrong byte must cost a replacement character, never
 * the part.
 */

export function decodeTransfer(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'base64': {
      const compact = raw.toString('latin1').replace(/[^A-Za-z0-9+/]/g, '');
      return Buffer.from(compact.slice(0, compact.length - (compact.length % 4)), 'base64');
    }
    case 'quoted-printable':
      return decodeQuotedPrintable(raw.toString('latin1'));
    default:
      return raw;
  }
}

function decodeQuotedPrintable(text: string): Buffer {
  const unfolded = text.replace(/=[ \t]*\r?\n/g, '');
  const bytes = Buffer.allocUnsafe(unfolded.length);
  let length = 0;
  for (let index = 0; index < unfolded.length; index++) {
    const code = unfolded.charCodeAt(index);
    const hex = code === 0x3d ? unfolded.slice(index + 1, index + 3) : '';
    if (hex.length === 2 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes[length++] = parseInt(hex, 16);
      index += 2;
    } else {
      bytes[length++] = code & 0xff;
    }
  }
  return bytes.subarray(0, length);
}

/**
 * Bytes → text in the declared charset. An unknown or missing charset is read as UTF-8 when the bytes
 * are UTF-8, else as Windows-1252 (what unlabelled 8-bit mail nearly always is).
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
