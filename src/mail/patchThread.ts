/**
 * Finds the rest of a patch series in a folder: the mails threaded under the same first mail (as
 * `git send-email` threads them), numbered `[PATCH n/m]`, in order, and which parts are missing.
 */
import type { MessageRef } from '../shared/protocol';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { ensureSelected } from './mailbox';
import { missingParts, seriesPosition } from './patchFormat';

export interface SeriesPart {
  readonly index: number;
  readonly subject: string;
  readonly raw: Buffer;
}

export interface FoundSeries {
  /** The parts 1…m found, in order (the cover letter, 0, is left out: it carries no diff). */
  readonly parts: SeriesPart[];
  readonly missing: number[];
  readonly total: number;
}

/** The header's value in a raw message (unfolded), enough for Subject, Message-ID and In-Reply-To. */
export function headerOf(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('utf8', 0, Math.min(raw.length, 64 * 1024)).split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim();
}

/** Series mails are small: a part larger than this is not read whole. */
const partLimit = 20 * 1024 * 1024;

/**
 * The series the message `ref` belongs to, read from its folder; in a window without the connections,
 * by the window that holds them (relayed, like every mail operation).
 */
export const readSeries = relayedOperation(
  'readSeries',
  ['messageRef', 'string'],
  async (session: MailSession, ref: MessageRef, subject: string): Promise<FoundSeries> => {
    const own = seriesPosition(subject);
    const fetched = await session.run(async (client) => {
      await ensureSelected(client, ref.folder, false);
      const self = await client.fetchOne(String(ref.uid), { uid: true, source: { start: 0, maxLength: partLimit } }, { uid: true });
      const source = self ? self.source : undefined;
      // The cover letter is the thread's first mail; a part hangs under it, or under part 1 without one.
      const root = source ? ((own && own.index > 0 ? headerOf(source, 'In-Reply-To') : undefined) ?? headerOf(source, 'Message-ID')) : undefined;
      const replies = root ? (await client.search({ header: { 'in-reply-to': root } }, { uid: true })) || [] : [];
      const first = root ? (await client.search({ header: { 'message-id': root } }, { uid: true })) || [] : [];
      const uids = [...new Set([...first, ...replies, ref.uid])];
      const messages: { subject: string; raw: Buffer }[] = [];
      for await (const message of client.fetch(uids.join(','), { uid: true, envelope: true, source: { start: 0, maxLength: partLimit } }, { uid: true })) {
        if (message.source) {
          messages.push({ subject: message.envelope?.subject ?? '', raw: message.source });
        }
      }
      return messages;
    });
    const parts: SeriesPart[] = [];
    for (const { subject: partSubject, raw } of fetched) {
      const position = seriesPosition(partSubject);
      // Replies in the thread (reviews: `Re: [PATCH 2/3]`) are not parts.
      const isPart = position && position.index > 0 && !/^re:/i.test(partSubject) && (!own || position.total === own.total);
      if (isPart && !parts.some((part) => part.index === position.index)) {
        parts.push({ index: position.index, subject: partSubject, raw });
      }
    }
    parts.sort((left, right) => left.index - right.index);
    return { parts, missing: missingParts(parts.map((part) => part.subject)), total: own?.total ?? parts.length };
  },
);
