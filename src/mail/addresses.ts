import type { MailAddress } from './outgoing';

/**
 * Recipient entry: what people type in the recipients box ("Bob <bob@x.org>, carol@y.org") parsed
 * into addresses, each checked before anything is sent. Pure, so the rules are unit-tested.
 */

export interface ParsedAddressList {
  readonly valid: MailAddress[];
  /** The pieces that are not an address, as typed, so the user can be told which. */
  readonly invalid: string[];
}

/** RFC 5321 limits: 64 octets of local part, 254 for the whole path. */
const MAX_LOCAL_PART = 64;
const MAX_ADDRESS = 254;
// Dot-atom local part (RFC 5322 atext, plus any non-ASCII letter for SMTPUTF8 addresses).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/;
// Host name of at least two labels; labels of letters (any script), digits and inner hyphens.
const DOMAIN_LABEL = /^[A-Za-z0-9\u0080-\uFFFF]([A-Za-z0-9\u0080-\uFFFF-]{0,61}[A-Za-z0-9\u0080-\uFFFF])?$/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Whether `address` (bare, no display name) is a deliverable-looking mailbox address. */
export function isValidAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS || CONTROL_OR_BIDI.test(address)) {
    return false;
  }
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) {
    return false;
  }
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > MAX_LOCAL_PART || !LOCAL_PART.test(local)) {
    return false;
  }
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** Splits on commas and semicolons that are outside quotes and angle brackets. */
function splitList(input: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const character of input) {
    if (character === '"' && !angled) {
      quoted = !quoted;
    } else if (character === '<' && !quoted) {
      angled = true;
    } else if (character === '>' && !quoted) {
      angled = false;
    } else if ((character === ',' || character === ';') && !quoted && !angled) {
      parts.push(current);
      current = '';
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** One entry: `addr`, `<addr>`, `Name <addr>` or `"Name, Jr." <addr>`. */
export function parseAddress(entry: string): MailAddress | undefined {
  const trimmed = entry.trim();
  const angled = /^(.*?)<([^<>]*)>$/.exec(trimmed);
  if (!angled) {
    return isValidAddress(trimmed) ? { address: trimmed } : undefined;
  }
  const address = angled[2].trim();
  if (!isValidAddress(address)) {
    return undefined;
  }
  let name = angled[1].trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) {
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (CONTROL_OR_BIDI.test(name) || /[<>]/.test(name)) {
    return undefined;
  }
  return name ? { name, address } : { address };
}

export function parseAddressList(input: string): ParsedAddressList {
  const valid: MailAddress[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const entry of splitList(input)) {
    const parsed = parseAddress(entry);
    if (!parsed) {
      invalid.push(entry);
    } else if (!seen.has(parsed.address.toLowerCase())) {
      seen.add(parsed.address.toLowerCase());
      valid.push(parsed);
    }
  }
  return { valid, invalid };
}

/** Why typed recipients are not acceptable (naming the bad pieces), or undefined when they are. */
export function recipientProblem(input: string): string | undefined {
  const { valid, invalid } = parseAddressList(input);
  if (invalid.length > 0) {
    return `Not an email address: ${invalid.join(', ')}`;
  }
  return valid.length === 0 ? 'Enter at least one address' : undefined;
}

/** `Name <addr>` for display and for prefilled fields; quotes names that need it. */
export function formatAddress(address: MailAddress): string {
  if (!address.name) {
    return address.address;
  }
  const name = /[",;<>@()[\]\\:]/.test(address.name) ? `"${address.name.replace(/(["\\])/g, '\\$1')}"` : address.name;
  return `${name} <${address.address}>`;
}

export function formatAddressList(addresses: readonly MailAddress[]): string {
  return addresses.map(formatAddress).join(', ');
}

/** Most recent first, one entry per address (case-insensitive), at most `limit`. */
export function rememberRecipients(recent: readonly MailAddress[], used: readonly MailAddress[], limit = 20): MailAddress[] {
  const merged: MailAddress[] = [];
  const seen = new Set<string>();
  for (const address of [...used, ...recent]) {
    const key = address.address.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(address);
    }
  }
  return merged.slice(0, limit);
}
