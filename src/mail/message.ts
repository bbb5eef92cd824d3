import { Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressObject, ParsedMail } from 'mailparser';
import type { AddressView, AttachmentView, MessageRef, MessageView } from '../shared/protocol';
import { MailroomError } from '../util/errors';
import { sanitizeAttachmentName } from './attachmentName';
import { ensureSelected } from './mailbox';
import type { BodyStructure } from './rowModel';
import type { MailSession } from './session';
import { noSenderEvidence, senderEvidence } from './senderTrust';
import type { SenderEvidence } from './senderTrust';

/** How much of a message is fetched to show it: text and inline images, not big attachments. */
export const sourceFetchLimit = 2 * 1024 * 1024;
/** Inline (cid:) images larger than this are not embedded. */
const inlineImageLimit = 1024 * 1024;
/** Attachments larger than this are refused for Save As; text attachments larger than the second are not opened in an editor. */
export const attachmentSizeCap = 200 * 1024 * 1024;
export const textAttachmentOpenCap = 5 * 1024 * 1024;

/** An attachment as the extension keeps it: the MIME part to stream when asked. */
export interface AttachmentPart extends AttachmentView {
  part: string;
}

export interface LoadedMessage {
  view: MessageView;
  attachments: AttachmentPart[];
  /** Who the headers say sent it, for remote-content trust. */
  sender: SenderEvidence;
}

/** Fetches what the reader needs in one round trip (structure, flags and the first 2 MB) and parses it. */
export async function loadMessage(session: MailSession, ref: MessageRef): Promise<LoadedMessage> {
  const fetched = await session.run(async (client) => {
    await ensureSelected(client, ref.folder, false);
    return client.fetchOne(String(ref.uid), { uid: true, flags: true, size: true, bodyStructure: true, source: { start: 0, maxLength: sourceFetchLimit } }, { uid: true });
  });
  if (!fetched || !fetched.source) {
    throw new MailroomError('NotFound', 'The message is no longer in this folder.', { accountId: ref.accountId });
  }
  const flags = fetched.flags ?? new Set<string>();
  return parseMessage(fetched.source, {
    ref,
    structure: fetched.bodyStructure,
    flagged: flags.has('\\Flagged'),
    unread: !flags.has('\\Seen'),
    truncated: (fetched.size ?? 0) > fetched.source.length,
  });
}

export interface MessageMeta {
  ref: MessageRef;
  structure?: BodyStructure;
  flagged: boolean;
  unread: boolean;
  truncated: boolean;
}

/**
 * MIME → the reader's view model. Broken or odd messages are shown as well as mailparser can:
 * a parser failure becomes a message showing the raw text, never an exception.
 */
export async function parseMessage(source: Buffer, meta: MessageMeta): Promise<LoadedMessage> {
  const { simpleParser } = await import('mailparser');
  let parsed: ParsedMail | undefined;
  try {
    // The reader shows the HTML part where there is one, so a text version made from it would go unused;
    // making it took ~55 ms of the ~60 ms this parse costs for a 50 kB newsletter.
    parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, skipHtmlToText: true, maxHtmlLengthToParse: 5 * 1024 * 1024 });
  } catch {
    parsed = undefined;
  }
  const attachments = meta.structure ? attachmentsFromStructure(meta.structure) : [];
  if (!parsed) {
    return {
      view: { ref: meta.ref, subject: '(unreadable message)', from: [], to: [], cc: [], date: undefined, text: source.toString('utf8'), html: undefined, attachments, flagged: meta.flagged, unread: meta.unread, truncated: meta.truncated },
      attachments,
      sender: noSenderEvidence,
    };
  }
  const from = addresses(parsed.from);
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? embedInlineImages(parsed.html, parsed) : undefined;
  return {
    view: {
      ref: meta.ref,
      subject: parsed.subject ?? '',
      from,
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.getTime() : undefined,
      text: parsed.text ?? '',
      html,
      attachments: attachments.map(({ index, filename, contentType, size }) => ({ index, filename, contentType, size })),
      flagged: meta.flagged,
      unread: meta.unread,
      truncated: meta.truncated,
    },
    attachments,
    sender: senderEvidence(parsed),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): AddressView[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value).map((entry) => ({ name: entry.name ?? '', address: entry.address ?? '' }));
}

/** Replaces `cid:` references with data: URIs of the matching inline images (bounded in size). */
function embedInlineImages(html: string, parsed: ParsedMail): string {
  const byContentId = new Map<string, string>();
  for (const attachment of parsed.attachments) {
    const contentId = attachment.contentId?.replace(/^<|>$/g, '');
    if (contentId && attachment.contentType.startsWith('image/') && attachment.size <= inlineImageLimit && /^image\/[a-z0-9.+-]+$/i.test(attachment.contentType)) {
      byContentId.set(contentId.toLowerCase(), `data:${attachment.contentType};base64,${attachment.content.toString('base64')}`);
    }
  }
  if (byContentId.size === 0) {
    return html;
  }
  return html.replace(/cid:([^"'\s)>]+)/gi, (match, id: string) => byContentId.get(decodeSafely(id).toLowerCase()) ?? match);
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Leaf parts that are attachments, numbered in order, with sanitized names [SEC-29]. */
export function attachmentsFromStructure(structure: BodyStructure): AttachmentPart[] {
  const found: AttachmentPart[] = [];
  const visit = (node: BodyStructure): void => {
    if (node.childNodes && node.childNodes.length > 0) {
      node.childNodes.forEach(visit);
      return;
    }
    const disposition = node.disposition?.toLowerCase();
    const name = node.dispositionParameters?.filename ?? node.parameters?.name;
    const type = node.type.toLowerCase();
    const isAttachment = disposition === 'attachment' || (name !== undefined && !type.startsWith('text/') && disposition !== 'inline' && !type.startsWith('multipart/'));
    if (isAttachment && node.part) {
      found.push({ index: found.length, part: node.part, filename: sanitizeAttachmentName(name), contentType: type, size: node.size ?? 0 });
    }
  };
  visit(structure);
  return found;
}

/**
 * Streams one attachment's decoded content into `destination`, holding the command connection
 * until it is done (imapflow cannot run another command meanwhile). Enforces `maxBytes`.
 */
export async function streamAttachment(session: MailSession, ref: MessageRef, attachment: AttachmentPart, destination: Writable, maxBytes = attachmentSizeCap): Promise<number> {
  if (attachment.size > maxBytes) {
    throw new MailroomError('MessageTooLarge', `${attachment.filename} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, { accountId: ref.accountId });
  }
  return session.run(async (client) => {
    await ensureSelected(client, ref.folder, false);
    const download = await client.download(String(ref.uid), attachment.part, { uid: true });
    if (!('content' in download) || !download.content) {
      throw new MailroomError('NotFound', `${attachment.filename} is no longer on the server.`, { accountId: ref.accountId });
    }
    let written = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback): void {
        written += chunk.length;
        callback(written > maxBytes ? new MailroomError('MessageTooLarge', `${attachment.filename} is too large.`) : null, chunk);
      },
    });
    await pipeline(download.content, limiter, destination);
    return written;
  });
}
