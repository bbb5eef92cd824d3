/**
 * Patches out: `git format-patch` output (one file per commit, and the cover letter) turned into the
 * mails `git send-email` would send. git writes the patch text; this module only reads its headers,
 * keeps the body byte for byte and adds what the mail needs (in-body From/Date, recipients).
 */
import type { MailAddress, OutgoingMessage } from './outgoing';

/** One file `git format-patch` wrote. */
export interface FormattedPatch {
  /** `[PATCH n/m] summary` as git numbered it. */
  readonly subject: string;
  /** The commit's author as git wrote it (`Name <address>`). */
  readonly author: MailAddress;
  /** The author date, as git wrote it (RFC 2822). */
  readonly date: string;
  /** Everything after the header block, exactly: message, `---`, diffstat, diff, signature. */
  readonly body: string;
  /** The cover letter (`[PATCH 0/m]`), which carries no diff. */
  readonly isCover: boolean;
}

/** What git's cover letter leaves for the person to write. */
export const coverSubjectPlaceholder = '*** SUBJECT HERE ***';
export const coverBlurbPlaceholder = '*** BLURB HERE ***';

/** Reads `Name <address>` (git quotes names with specials; never encodes: --no-encode-email-headers). */
export function parseIdent(value: string): MailAddress {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) {
    return { address: value.trim() };
  }
  const name = (match[1] ?? '').replace(/^"(.*)"$/, '$1').replace(/\\(["\\])/g, '$1');
  return name ? { name, address: match[2] ?? '' } : { address: match[2] ?? '' };
}

/** Parses one file of `git format-patch --no-encode-email-headers` output. */
export function parseFormattedPatch(text: string): FormattedPatch {
  const lines = text.split('\n');
  let index = lines[0]?.startsWith('From ') ? 1 : 0;
  const headers = new Map<string, string>();
  let last = '';
  for (; index < lines.length && lines[index] !== ''; index += 1) {
    const line = lines[index] ?? '';
    if (/^[ \t]/.test(line) && last) {
      // A folded header continues with its whitespace (RFC 5322 unfolding).
      headers.set(last, `${headers.get(last) ?? ''}${line}`);
      continue;
    }
    const colon = line.indexOf(':');
    last = line.slice(0, colon).toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  const subject = headers.get('subject') ?? '';
  return {
    subject,
    author: parseIdent(headers.get('from') ?? ''),
    date: headers.get('date') ?? '',
    body: lines.slice(index + 1).join('\n'),
    isCover: /^\[[^\]]*\b0+\/\d+\]/.test(subject),
  };
}

function sameAddress(left: MailAddress, right: MailAddress): boolean {
  return left.address.toLowerCase() === right.address.toLowerCase() && (left.name ?? '') === (right.name ?? '');
}

function formatIdent(address: MailAddress): string {
  return address.name ? `${address.name} <${address.address}>` : address.address;
}

/**
 * The body of a patch mail: git's body, with `From:` and `Date:` lines first when the sender is not
 * the author, which `git am` reads back as the commit's author and date (as `git send-email` does).
 */
export function patchMailBody(patch: FormattedPatch, sender: MailAddress): string {
  if (patch.isCover || sameAddress(patch.author, sender)) {
    return patch.body;
  }
  return `From: ${formatIdent(patch.author)}\nDate: ${patch.date}\n\n${patch.body}`;
}

const trailerPattern = /^(Signed-off-by|Cc|Reviewed-by|Acked-by|Tested-by|Reported-by|Co-developed-by):\s*(.+)$/i;

/** The people a commit's trailers name (`Signed-off-by:`, `Cc:`, …), as `git send-email` copies them. */
export function trailerRecipients(patch: FormattedPatch): MailAddress[] {
  const message = patch.body.split('\n---\n')[0] ?? '';
  const found: MailAddress[] = [];
  for (const line of message.split('\n')) {
    const match = trailerPattern.exec(line);
    const address = match ? parseIdent((match[2] ?? '').replace(/\s+#.*$/, '')) : undefined;
    if (address && address.address.includes('@')) {
      found.push(address);
    }
  }
  return found;
}

/** Addresses once each (case-insensitively), leaving out `exclude`. */
export function uniqueAddresses(addresses: readonly MailAddress[], exclude: readonly MailAddress[] = []): MailAddress[] {
  const seen = new Set(exclude.map((address) => address.address.toLowerCase()));
  return addresses.filter((address) => {
    const key = address.address.toLowerCase();
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** The cover letter as the composer opens it: git's shortlog and diffstat, the placeholders left empty. */
export function coverLetterDraft(cover: FormattedPatch): { subject: string; body: string } {
  return {
    subject: cover.subject.replace(coverSubjectPlaceholder, '').trimEnd() + ' ',
    body: cover.body.replace(`${coverBlurbPlaceholder}\n`, '\n'),
  };
}

export interface SeriesAddressing {
  readonly from: MailAddress;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
}

/** One patch mail, text/plain alone and sent verbatim; the thread headers are set when it is sent. */
export function patchMessage(patch: FormattedPatch, addressing: SeriesAddressing): OutgoingMessage {
  return {
    from: addressing.from,
    to: [...addressing.to],
    cc: [...addressing.cc],
    bcc: [],
    subject: patch.subject,
    text: patchMailBody(patch, addressing.from),
    html: '',
    attachments: [],
    verbatimText: true,
  };
}

/** Threads a part under the series' first mail (`git send-email`'s default, --no-chain-reply-to). */
export function threadUnder(message: OutgoingMessage, rootMessageId: string | undefined): OutgoingMessage {
  return rootMessageId ? { ...message, inReplyTo: rootMessageId, references: [rootMessageId] } : message;
}

/** `[RFC PATCH v2 3/5] x` → part 3 of 5; undefined when the subject is not a numbered patch. */
export function seriesPosition(subject: string): { index: number; total: number } | undefined {
  const match = /\[[^\]]*?\bPATCH\b[^\]]*?\s(\d+)\/(\d+)\s*\]/i.exec(subject);
  return match ? { index: Number(match[1]), total: Number(match[2]) } : undefined;
}

/** Which parts 1…total are not among the ones present (the cover letter, 0, is never required). */
export function missingParts(subjects: readonly string[]): number[] {
  const positions = subjects.map(seriesPosition).filter((position) => position !== undefined);
  const total = Math.max(0, ...positions.map((position) => position.total));
  const present = new Set(positions.map((position) => position.index));
  return Array.from({ length: total }, (_unused, index) => index + 1).filter((part) => !present.has(part));
}
