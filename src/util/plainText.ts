/**
 * Text that came from a server (an OAuth `error_description`, an IMAP response) and is shown to a
 * person. Notifications render Markdown links, so brackets are neutralised: a server must not be
 * able to put a clickable link or a `command:` URI in front of the user. Control and bidi
 * characters go, whitespace collapses, and the length is bounded.
 */
// Control characters are exactly what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL_AND_BIDI = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function plainText(value: unknown, maxLength = 300): string {
  if (typeof value !== 'string') {
    return '';
  }
  const cleaned = value
    .replace(CONTROL_AND_BIDI, ' ')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .replace(/[<>`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}
