import { formatAddress, formatAddressList } from './addresses';
import type { MailAddress, OutgoingAttachment } from './outgoing';

/**
 * Reply and forward: threading headers, recipients, subjects and quoted bodies, built from the
 * original message. Pure, so threading rules (RFC 5322 §3.6.4) are unit-tested.
 */

/** The parts of a received message that replying and forwarding need. */
export interface OriginalMessage {
  /** With angle brackets, e.g. `<abc@example.org>`. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly from: readonly MailAddress[];
  readonly replyTo: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly subject: string;
  readonly date?: Date;
  /** The plain-text body (or text derived from the HTML one). */
  readonly text: string;
  readonly attachments: readonly OutgoingAttachment[];
}

export type ReplyKind = 'reply' | 'replyAll' | 'forward';

export interface ThreadHeaders {
  readonly inReplyTo?: string;
  readonly references: string[];
}

/** Long threads keep the first reference and the newest ones, as RFC 5322 suggests trimming. */
const MAX_REFERENCES = 20;

export function replySubject(subject: string): string {
  return /^\s*(re|aw|sv|antw)\s*:/i.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
}

export function forwardSubject(subject: string): string {
  return /^\s*(fwd?|wg|tr)\s*:/i.test(subject) ? subject.trim() : `Fwd: ${subject.trim()}`;
}

/**
 * In-Reply-To is the original's Message-ID; References is the original's References (or its
 * In-Reply-To when it has none) followed by the original's Message-ID.
 */
export function buildThreadHeaders(original: Pick<OriginalMessage, 'messageId' | 'inReplyTo' | 'references'>): ThreadHeaders {
  const parents = original.references.length > 0 ? [...original.references] : original.inReplyTo ? [original.inReplyTo] : [];
  if (original.messageId) {
    parents.push(original.messageId);
  }
  const unique = parents.filter((id, index) => parents.indexOf(id) === index);
  const references = unique.length > MAX_REFERENCES ? [unique[0], ...unique.slice(unique.length - (MAX_REFERENCES - 1))] : unique;
  return original.messageId ? { inReplyTo: original.messageId, references } : { references };
}

function sameAddress(left: MailAddress, right: string): boolean {
  return left.address.toLowerCase() === right.toLowerCase();
}

function withoutDuplicates(addresses: readonly MailAddress[], exclude: readonly MailAddress[], self: string): MailAddress[] {
  const result: MailAddress[] = [];
  for (const address of addresses) {
    if (
      sameAddress(address, self) ||
      exclude.some((other) => sameAddress(other, address.address)) ||
      result.some((other) => sameAddress(other, address.address))
    ) {
      continue;
    }
    result.push(address);
  }
  return result;
}

/**
 * Reply goes to Reply-To (else From). Reply all also copies everyone else who got the original,
 * except the user. Answering one's own sent message goes to its original recipients.
 */
export function replyRecipients(original: OriginalMessage, selfAddress: string, all: boolean): { to: MailAddress[]; cc: MailAddress[] } {
  const fromSelf = original.from.length > 0 && original.from.every((address) => sameAddress(address, selfAddress));
  const primary = fromSelf ? original.to : original.replyTo.length > 0 ? original.replyTo : original.from;
  const to = primary.filter((address, index) => primary.findIndex((other) => sameAddress(other, address.address)) === index);
  if (!all) {
    return { to, cc: [] };
  }
  const others = fromSelf ? original.cc : [...original.to, ...original.cc];
  return { to, cc: withoutDuplicates(others, to, selfAddress) };
}

function describeDate(date: Date | undefined): string {
  return date ? date.toUTCString() : 'an unknown date';
}

/** "On <date>, <from> wrote:" followed by the original text, each line prefixed with "> ". */
export function quoteOriginal(original: OriginalMessage): string {
  const author = original.from.length > 0 ? formatAddressList(original.from) : 'someone';
  const quoted = original.text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
  return `On ${describeDate(original.date)}, ${author} wrote:\n${quoted}\n`;
}

/** The forwarded message's headers and text, as mail clients show it. */
function forwardedBlock(original: OriginalMessage): string {
  const lines = ['---------- Forwarded message ----------'];
  if (original.from.length > 0) {
    lines.push(`From: ${original.from.map(formatAddress).join(', ')}`);
  }
  lines.push(`Date: ${describeDate(original.date)}`, `Subject: ${original.subject}`);
  if (original.to.length > 0) {
    lines.push(`To: ${formatAddressList(original.to)}`);
  }
  if (original.cc.length > 0) {
    lines.push(`Cc: ${formatAddressList(original.cc)}`);
  }
  return `${lines.join('\n')}\n\n${original.text.replace(/\r\n/g, '\n').replace(/\n+$/, '')}\n`;
}

/** What the composer opens with for a reply, reply all or forward. */
export interface ReplyDraft {
  readonly to: MailAddress[];
  readonly cc: MailAddress[];
  readonly subject: string;
  /** Markdown: a blank line to write in, then the quote or the forwarded block. */
  readonly body: string;
  readonly thread: ThreadHeaders;
  readonly attachments: readonly OutgoingAttachment[];
}

export function buildReplyDraft(original: OriginalMessage, kind: ReplyKind, selfAddress: string): ReplyDraft {
  if (kind === 'forward') {
    // A forward starts a new thread: no In-Reply-To, but References keeps the link to the original.
    const { references } = buildThreadHeaders(original);
    return {
      to: [],
      cc: [],
      subject: forwardSubject(original.subject),
      body: `\n\n${forwardedBlock(original)}`,
      thread: { references },
      attachments: original.attachments,
    };
  }
  const { to, cc } = replyRecipients(original, selfAddress, kind === 'replyAll');
  return {
    to,
    cc,
    subject: replySubject(original.subject),
    body: `\n\n${quoteOriginal(original)}`,
    thread: buildThreadHeaders(original),
    attachments: [],
  };
}
