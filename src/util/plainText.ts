/**
 * Text that came from mail, a server (an OAuth `error_description`, an IMAP response) or an issuer and
 * is shown to a person. Notifications render Markdown links and run `command:` targets on click, and
 * pickers, notifications and the status bar render `$(icon)` syntax, so brackets and icon syntax are
 * neutralised: a stranger must not be able to put a clickable link, a `command:` URI or an icon in front
 * of the user. Angle brackets and backticks mean nothing on those surfaces and stay (`Bob <bob@example.com>`). Control, bidi and zero-width characters go (they reorder or hide what is shown),
 * whitespace collapses, and the length is bounded.
 */
// Control characters are exactly what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL_BIDI_AND_INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export function plainText(value: unknown, maxLength = 300): string {
  if (typeof value !== 'string') {
    return '';
  }
  const cleaned = value.replace(CONTROL_BIDI_AND_INVISIBLE, ' ').replace(/\[/g, '(').replace(/\]/g, ')').replace(/\$\(/g, '$ (').replace(/\s+/g, ' ').trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}
