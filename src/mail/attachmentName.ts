/**
 * Turns an attachment name chosen by a stranger into a safe file name [SEC-29]: only the last path
 * component, no `..`, no separators, no control, bidi or zero-width characters, nothing Windows
 * refuses or treats as a device, and a bounded length that keeps the extension.
 */

const fallbackName = 'attachment';
// In UTF-8 bytes: Linux and macOS allow 255 bytes per name, not 255 characters, and an accented
// or CJK name of 180 characters is up to three times as long. Leaves room for " (2)" and the like.
const maxBytes = 180;

// C0/C1 controls; bidi embeddings, overrides and isolates; zero-width and BOM characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const invisible = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Characters Windows forbids in names (separators were handled before).
const forbidden = /[<>:"|?*]/g;
// Device names Windows reserves with any extension: CON, PRN, AUX, NUL, COM1-9, LPT1-9 (and ¹²³ forms).
const reservedDevice = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

export function sanitizeAttachmentName(name: string | undefined | null): string {
  if (!name) {
    return fallbackName;
  }
  const withoutInvisible = name.normalize('NFC').replace(invisible, '');
  const lastComponent = withoutInvisible.split(/[/\\]/).pop() ?? '';
  let safe = lastComponent
    .replace(forbidden, '_')
    // Leading dots would hide the file or spell "..", trailing dots and spaces Windows drops silently.
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .replace(/\s+/g, ' ');
  if (reservedDevice.test(safe)) {
    safe = `_${safe}`;
  }
  if (utf8Length(safe) > maxBytes) {
    safe = truncateKeepingExtension(safe);
  }
  return safe.length > 0 ? safe : fallbackName;
}

function truncateKeepingExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let budget = maxBytes - utf8Length(extension);
  // Whole code points only, so a surrogate pair or a multi-byte character is never cut in half.
  const stem: string[] = [];
  for (const character of name.slice(0, name.length - extension.length)) {
    budget -= utf8Length(character);
    if (budget < 0) {
      break;
    }
    stem.push(character);
  }
  return `${stem.join('').replace(/[.\s]+$/, '')}${extension}`;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
