import type addressparser from 'nodemailer/lib/addressparser';
import { ui } from '../ui/text';
import { defaultExport } from '../util/interop';
import type { MailAddress } from './outgoing';

/**
 * Recipient entry: what people type in the recipients box ("Bob <bob@x.org>, carol@y.org") parsed
 * into addresses, each checked before anything is sent. Pure apart from loading the parser, so the
 * rules are unit-tested.
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

/** nodemailer's address parser: quoted strings and their escapes, comments, angle brackets, groups. */
export type AddressParser = typeof addressparser;

let addressParser: Promise<AddressParser> | undefined;

/** Loads the parser on first use, like the rest of nodemailer: activation does not need it. */
export function loadAddressParser(): Promise<AddressParser> {
  addressParser ??= import('nodemailer/lib/addressparser').then((imported) => defaultExport(imported));
  return addressParser;
}

/** One recipient as typed, split off the list where a comma or semicolon ends it. */
interface TypedRecipient {
  /** As typed (trimmed): what an error names. */
  readonly text: string;
  /** The text outside comments: all a recipient without angle brackets may be is its address. */
  readonly uncommented: string;
  /** How many `<…>` it has outside quotes and comments. */
  readonly angleAddresses: number;
  /** Text after its `<…>`, outside comments: `Bob <a@x.org> b@y.org` is two recipients glued together. */
  readonly afterAngle: string;
  /** A quote, comment or angle bracket left open. */
  readonly unclosed: boolean;
}

/**
 * Splits a list where a comma or semicolon outside quotes, comments and angle brackets ends a
 * recipient; a group (`Team: a@x.org, b@y.org;`) gives its members. nodemailer's parser would glue
 * a piece that is no address onto the next one's display name, so the pieces are cut here and each
 * is parsed on its own.
 */
function splitRecipients(input: string): TypedRecipient[] {
  const recipients: TypedRecipient[] = [];
  let text = '';
  let uncommented = '';
  let afterAngle = '';
  let angleAddresses = 0;
  let commentDepth = 0;
  let quoted = false;
  let angled = false;
  let escaped = false;
  let inGroup = false;
  const finish = (): void => {
    if (text.trim()) {
      recipients.push({
        text: text.trim(),
        uncommented: uncommented.trim(),
        angleAddresses,
        afterAngle: afterAngle.trim(),
        unclosed: quoted || angled || commentDepth > 0,
      });
    }
  };
  const startNext = (): void => {
    text = uncommented = afterAngle = '';
    angleAddresses = commentDepth = 0;
    quoted = angled = escaped = false;
  };
  for (const character of input) {
    const outsideComment = commentDepth === 0 && character !== '(';
    if (escaped) {
      escaped = false;
    } else if (character === '\\' && (quoted || commentDepth > 0)) {
      escaped = true;
    } else if (quoted) {
      quoted = character !== '"';
    } else if (character === '(') {
      commentDepth++;
    } else if (commentDepth > 0) {
      commentDepth -= character === ')' ? 1 : 0;
    } else if (character === '"') {
      quoted = true;
    } else if (angled) {
      angled = character !== '>';
    } else if (character === '<') {
      angled = true;
      angleAddresses++;
    } else if (character === ',' || character === ';') {
      finish();
      inGroup &&= character === ',';
      startNext();
      continue;
    } else if (character === ':' && !inGroup) {
      // The group's name: its members are the recipients.
      inGroup = true;
      startNext();
      continue;
    }
    text += character;
    if (outsideComment) {
      uncommented += character;
      afterAngle += angleAddresses > 0 && !angled && character !== '>' ? character : '';
    }
  }
  finish();
  return recipients;
}

/**
 * One recipient: `addr`, `addr (comment)`, `<addr>`, `Name <addr>` or `"Name, \"Jr.\"" <addr>`,
 * parsed by nodemailer, then held to Mailroom's stricter rules: exactly one deliverable-looking
 * address, a display name only with angle brackets, no control or bidi characters anywhere.
 */
function parseRecipient(recipient: TypedRecipient, parser: AddressParser): MailAddress | undefined {
  if (recipient.unclosed || recipient.angleAddresses > 1 || recipient.afterAngle || CONTROL_OR_BIDI.test(recipient.text)) {
    return undefined;
  }
  const parsed = parser(recipient.text, { flatten: true });
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || !isValidAddress(only.address) || (recipient.angleAddresses === 0 && recipient.uncommented !== only.address)) {
    return undefined;
  }
  const name = only.name.trim();
  if (/[<>]/.test(name)) {
    return undefined;
  }
  return name ? { name, address: only.address } : { address: only.address };
}

export function parseAddressList(input: string, parser: AddressParser): ParsedAddressList {
  const valid: MailAddress[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const recipient of splitRecipients(input)) {
    const parsed = parseRecipient(recipient, parser);
    if (!parsed) {
      invalid.push(recipient.text);
    } else if (!seen.has(parsed.address.toLowerCase())) {
      seen.add(parsed.address.toLowerCase());
      valid.push(parsed);
    }
  }
  return { valid, invalid };
}

/** Why typed recipients are not acceptable (naming the bad pieces), or undefined when they are. */
export function recipientProblem(input: string, parser: AddressParser): string | undefined {
  const { valid, invalid } = parseAddressList(input, parser);
  if (invalid.length > 0) {
    return ui`Not an email address: ${invalid.join(', ')}`.value;
  }
  return valid.length === 0 ? ui`Enter at least one address`.value : undefined;
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
