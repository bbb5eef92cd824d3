import type { MessageRow } from '../shared/protocol';
import type { BodyStructure } from './bodyStructure';
import { listedParts } from './partRoles';
import type { CharsetDecoder } from './transferDecoding';
import { decodeTransfer, loadCharsetDecoder } from './transferDecoding';

/** The parts of an imapflow FETCH result the list needs (structural, so tests need no server). */
export interface FetchedEnvelope {
  uid: number;
  flags?: Set<string>;
  internalDate?: Date | string;
  threadId?: string;
  envelope?: {
    date?: Date | string;
    subject?: string;
    from?: { name?: string; address?: string }[];
  };
  bodyStructure?: BodyStructure;
  bodyParts?: Map<string, Buffer>;
}

/** The body part fetched (partially) with each envelope to make the preview line. */
export const previewPartKey = '1';
export const previewBytes = 400;
const previewLength = 160;

/** Turns (the opening bytes of) an HTML part into the text a preview line shows. */
export type HtmlToText = (html: string) => string;

/** What makes a preview line of a fetched part; both libraries load on first use, not at activation. */
export interface PreviewDecoders {
  htmlToText: HtmlToText;
  decodeCharset: CharsetDecoder;
}

export async function loadPreviewDecoders(): Promise<PreviewDecoders> {
  const [htmlToText, decodeCharset] = await Promise.all([loadHtmlToText(), loadCharsetDecoder()]);
  return { htmlToText, decodeCharset };
}

let htmlToText: Promise<HtmlToText> | undefined;

/**
 * html-to-text, loaded on first use like the other mail libraries (it is ~240 kB with its HTML parser).
 * Links keep their words, not their addresses; images and headings' capitals add nothing to a preview.
 */
function loadHtmlToText(): Promise<HtmlToText> {
  htmlToText ??= import('html-to-text').then(({ compile }) =>
    compile({
      wordwrap: false,
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'img', format: 'skip' },
        ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
      ],
    }),
  );
  return htmlToText;
}

/** Converts one FETCH result into a list row. Never throws on odd or missing fields. */
export function envelopeToRow(message: FetchedEnvelope, decoders: PreviewDecoders, threadCounts?: ReadonlyMap<string, number>): MessageRow {
  return { ...firstScreenRow(message), ...rowDetails(message, decoders, threadCounts) };
}

/** What a row shows from the cheap items alone (envelope, flags, dates): no preview, no paperclip yet. */
export function firstScreenRow(message: FetchedEnvelope): MessageRow {
  const flags = message.flags ?? new Set<string>();
  const sender = message.envelope?.from?.[0];
  const sent = message.envelope?.date === undefined ? undefined : new Date(message.envelope.date);
  const arrived = message.internalDate === undefined ? undefined : new Date(message.internalDate);
  const date = validTime(sent) ?? validTime(arrived) ?? 0;
  return {
    uid: message.uid,
    from: (sender?.name || sender?.address || '').trim() || '(unknown sender)',
    fromAddress: sender?.address ?? '',
    subject: (message.envelope?.subject ?? '').trim() || '(no subject)',
    date,
    preview: '',
    unread: !flags.has('\\Seen'),
    flagged: flags.has('\\Flagged'),
    answered: flags.has('\\Answered'),
    hasAttachment: false,
  };
}

export type RowDetails = Pick<MessageRow, 'preview' | 'hasAttachment' | 'threadCount'>;

/** What a row needs the structure and the first bytes of the message for: preview, paperclip, thread size. */
export function rowDetails(message: FetchedEnvelope, decoders: PreviewDecoders, threadCounts?: ReadonlyMap<string, number>): RowDetails {
  const threadCount = message.threadId === undefined ? undefined : threadCounts?.get(message.threadId);
  return {
    preview: previewOf(message, decoders),
    hasAttachment: message.bodyStructure ? hasAttachment(message.bodyStructure) : false,
    ...(threadCount !== undefined && threadCount > 1 ? { threadCount } : {}),
  };
}

function validTime(date: Date | undefined): number | undefined {
  const time = date?.getTime();
  return time === undefined || Number.isNaN(time) ? undefined : time;
}

/** The paperclip: the message lists an attachment in the reader (the same rule as the reader's list). */
export function hasAttachment(structure: BodyStructure): boolean {
  return listedParts(structure).length > 0;
}

/** The first text part's opening words, decoded; empty when part 1 is not text. */
function previewOf(message: FetchedEnvelope, { htmlToText, decodeCharset }: PreviewDecoders): string {
  const raw = message.bodyParts?.get(previewPartKey);
  const structure = message.bodyStructure;
  if (!raw || !structure) {
    return '';
  }
  const part = structure.childNodes && structure.childNodes.length > 0 ? structure.childNodes[0] : structure;
  if (!part || !part.type.toLowerCase().startsWith('text/') || (part.childNodes && part.childNodes.length > 0)) {
    return '';
  }
  const decoded = decodeTransfer(raw, part.encoding);
  const text = decodeCharset(decoded, part.parameters?.charset);
  // The part is fetched cut off: a tag cut at the end is markup, not words.
  const plain = part.type.toLowerCase() === 'text/html' ? htmlToText(text.replace(/<[^>]*$/, '')) : text;
  return plain.replace(/\s+/g, ' ').trim().slice(0, previewLength);
}
