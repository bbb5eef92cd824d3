/**
 * A patch mail's body on the wire. `git am` applies what it decodes byte for byte, so the text is
 * never wrapped, flowed or trimmed: 8bit when every line can travel as it is, quoted-printable
 * (git send-email's choice too) when a line holds a carriage return (a CRLF file), a control
 * character, or is longer than SMTP allows.
 */

export type VerbatimEncoding = '8bit' | 'quoted-printable';

/** SMTP's line limit is 1000 octets with the CRLF. */
const maxWireLine = 998;

export function chooseEncoding(text: string): VerbatimEncoding {
  for (const line of text.split('\n')) {
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    if (/[\r\0\x0b\x0c]/.test(line) || Buffer.byteLength(line) > maxWireLine) {
      return 'quoted-printable';
    }
  }
  return '8bit';
}

function hex(byte: number): string {
  return `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Quoted-printable (RFC 2045) of one line without its LF: a CR, trailing blanks, `=` and every
 * non-printable byte encoded, and a leading `From ` too so no mbox on the way mangles it.
 */
function encodeLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const tokens: string[] = [];
  bytes.forEach((byte, index) => {
    const last = index === bytes.length - 1;
    const printable = byte >= 33 && byte <= 126 && byte !== 0x3d;
    const blank = (byte === 0x20 || byte === 0x09) && !last;
    const fromAtStart = index === 0 && line.startsWith('From ');
    tokens.push((printable || blank) && !fromAtStart ? String.fromCharCode(byte) : hex(byte));
  });
  const out: string[] = [];
  let current = '';
  for (const token of tokens) {
    // 76 characters a line at most, the soft break's `=` included.
    if (current.length + token.length > 75) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join('\r\n');
}

export function encodeQuotedPrintable(text: string): string {
  return text.split('\n').map(encodeLine).join('\r\n');
}

/** The body as it goes over SMTP (CRLF line ends) and the Content-Transfer-Encoding it needs. */
export function verbatimBody(text: string): { encoding: VerbatimEncoding; wire: string } {
  const encoding = chooseEncoding(text);
  return { encoding, wire: encoding === '8bit' ? text.split('\n').join('\r\n') : encodeQuotedPrintable(text) };
}

/**
 * Puts a verbatim body into a single-part message whose header block another composer built (with a
 * placeholder body): its Content-Type and Content-Transfer-Encoding are replaced, its body is `text`.
 */
export function withVerbatimBody(composed: Buffer, text: string): Buffer {
  const source = composed.toString('utf8');
  const end = source.indexOf('\r\n\r\n');
  const { encoding, wire } = verbatimBody(text);
  const headers = source
    .slice(0, end)
    .split(/\r\n(?![ \t])/)
    .filter((header) => !/^content-(type|transfer-encoding):/i.test(header));
  headers.push('Content-Type: text/plain; charset=utf-8', `Content-Transfer-Encoding: ${encoding}`);
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${wire}`, 'utf8');
}
