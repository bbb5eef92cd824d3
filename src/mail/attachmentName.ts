/**
 * Turns an attachment name chosen by a stranger into a safe file name [SEC-29]: only the last path
 * component, no `..`, no separators, no control, bidi or zero-width characters, nothing Windows
 * refuses or treats as a device, and a bounded length that keeps the extension.
 */

const fallbackName = 'attachment';
const maxLength = 180;

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
  if (safe.length > maxLength) {
    safe = truncateKeepingExtension(safe);
  }
  return safe.length > 0 ? safe : fallbackName;
}

function truncateKeepingExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  // Array.from counts code points, so a surrogate pair is never cut in half.
  const stem = Array.from(name.slice(0, name.length - extension.length)).slice(0, maxLength - extension.length).join('');
  return `${stem.replace(/[.\s]+$/, '')}${extension}`;
}
