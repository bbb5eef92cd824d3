import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressObject } from 'mailparser';
import type { AddressView, AttachmentView, MessageRef, MessageView, PatchTooLarge, PatchView } from '../shared/protocol';
import { MailroomError, isMailroomError } from '../util/errors';
import { sanitizeAttachmentName } from './attachmentName';
import { findSnippets } from './codeBlocks';
import type { MailSnippet } from './codeBlocks';
import { codeTextOf } from './codeText';
import { ensureSelected } from './mailbox';
import { parseMime } from './mimeTree';
import { parseHeaders, renderBody } from './messageBody';
import type { RenderedBody } from './messageBody';
import type { MimeEntity } from './mimeTree';
import { attachedPatch, fetchedPatch, patchPartInStructure, patchShowLimit, patchTooLargeInStructure } from './patchAttachment';
import type { PatchPart } from './patchAttachment';
import { colourCapped, parsePatchText } from './patchText';
import { fileNameOf, generatedFileName, listedParts } from './partRoles';
import type { BodyStructure } from './bodyStructure';
import { loadCharsetDecoder } from './transferDecoding';
import type { CharsetDecoder } from './transferDecoding';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { noSenderEvidence, senderEvidence } from './senderTrust';
import type { SenderEvidence } from './senderTrust';
import { ui } from '../ui/text';

/** How much of a message is fetched to show it: text and inline images, not big attachments. */
const sourceFetchLimit = 2 * 1024 * 1024;
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
  /** Its code blocks and file references (from its plain text, which an HTML mail's reader view has not). */
  snippets: MailSnippet[];
}

/** Fetches what the reader needs in one round trip (structure, flags and the first 2 MB) and parses it. */
export const loadMessage = relayedOperation('loadMessage', ['messageRef'], async (session: MailSession, ref: MessageRef): Promise<LoadedMessage> => {
  const fetched = await session.run(async (client) => {
    await ensureSelected(client, ref.folder, false, true);
    return client.fetchOne(
      String(ref.uid),
      { uid: true, flags: true, size: true, bodyStructure: true, source: { start: 0, maxLength: sourceFetchLimit } },
      { uid: true },
    );
  });
  if (!fetched || !fetched.source) {
    throw new MailroomError('NotFound', 'The message is no longer in this folder.', { accountId: ref.accountId });
  }
  const flags = fetched.flags ?? new Set<string>();
  const truncated = (fetched.size ?? 0) > fetched.source.length;
  return parseMessage(fetched.source, {
    ref,
    structure: fetched.bodyStructure,
    flagged: flags.has('\\Flagged'),
    unread: !flags.has('\\Seen'),
    truncated,
    patchFile: truncated && fetched.bodyStructure ? await patchFileOf(session, ref, fetched.bodyStructure) : undefined,
  });
});

/**
 * In a message cut short, the patch part the structure names, fetched on its own when the reader
 * shows one that size (a 20 kB patch next to a 5 MB screenshot); undefined when there is none, it is
 * larger, or it cannot be read (then it is listed like any attachment). Without content when it
 * turns out larger than the estimate said: then it is over the cap, and named as too large to show.
 */
async function patchFileOf(session: MailSession, ref: MessageRef, structure: BodyStructure): Promise<MessageMeta['patchFile']> {
  const found = patchPartInStructure(structure);
  if (!found || found.size > patchShowLimit) {
    return undefined;
  }
  const part = { index: 0, part: found.part, filename: found.filename, contentType: '', size: found.size };
  // As sent: imapflow would turn an inline text part into UTF-8 and undo format=flowed, which a patch must keep.
  const content = await attachmentContent(session, ref, part, patchShowLimit, false).catch((error: unknown) =>
    isMailroomError(error, 'MessageTooLarge') ? ('overCap' as const) : undefined,
  );
  return content === 'overCap' ? { part: { ...found, size: Math.max(found.size, patchShowLimit + 1) } } : content && { part: found, content };
}

export interface MessageMeta {
  ref: MessageRef;
  structure?: BodyStructure;
  flagged: boolean;
  unread: boolean;
  truncated: boolean;
  /** In a message cut short, its patch part fetched on its own (transfer encoding undone); no content: over the cap. */
  patchFile?: { part: PatchPart; content?: Buffer };
}

/**
 * A plain-text body that carries a diff is shown as a patch (an HTML body is the sender's layout);
 * otherwise a .patch/.diff attachment: shown up to the cap, above it named with its size and offered
 * to apply (its text never goes to the webview). Where the fetch cut the message short the attachment
 * may be cut too: the server's structure says whether a large one is there. An inline patch part is
 * shown once: as the patch, not also as text in an HTML body, and never whole in the body above the cap.
 */
async function bodyAndPatch(
  tree: MimeEntity,
  decodeCharset: CharsetDecoder,
  meta: MessageMeta,
): Promise<{ body: RenderedBody; patch?: PatchView; patchTooLarge?: PatchTooLarge; tooLargePart?: string }> {
  let body = await renderBody(tree, decodeCharset);
  const file = meta.patchFile;
  const attached = meta.truncated ? file?.content && fetchedPatch(tree, file.part, file.content, decodeCharset) : attachedPatch(tree, decodeCharset);
  const tooLarge = attached !== undefined && attached.bytes.length > patchShowLimit;
  if (attached?.shownInBody && attached.node && (body.html !== undefined || tooLarge)) {
    body = await renderBody(tree, decodeCharset, attached.node);
  }
  const inBody = body.html === undefined ? parsePatchText(body.text) : undefined;
  if (inBody) {
    return { body, patch: colourCapped(inBody) };
  }
  if (!attached) {
    const inStructure = meta.truncated ? patchTooLargeInStructure(meta.structure ?? tree, file?.part) : undefined;
    return inStructure ? { body, patchTooLarge: inStructure.note, tooLargePart: inStructure.part } : { body };
  }
  // A patch too large to show is named in a note and listed under that name, so Open shows it [SEC-29b].
  return tooLarge
    ? { body, patchTooLarge: { attachment: attached.view.attachment ?? attached.filename, size: attached.bytes.length }, tooLargePart: attached.part }
    : { body, patch: colourCapped(attached.view) };
}

/**
 * MIME → the reader's view model. Odd and broken mail is shown, never silently lost [SEC-29b]: every
 * leaf part is shown in the body, in order, or listed as an attachment (partRoles.ts); enclosed
 * messages are shown with their headers; where the structure is broken, its source text is shown
 * and the view says the message is malformed. Never throws.
 */
export async function parseMessage(source: Buffer, meta: MessageMeta): Promise<LoadedMessage> {
  const decodeCharset = await loadCharsetDecoder();
  const tree = parseMime(source, decodeCharset);
  const headers = await parseHeaders(tree.headerBytes);
  const { body, tooLargePart, ...patch } = await bodyAndPatch(tree, decodeCharset, meta);
  // The server's structure where there is one: it covers the whole message (the source fetched may
  // be cut short) and numbers the parts the way the server downloads them.
  const attachments = attachmentsFromStructure(meta.structure ?? tree, tooLargePart);
  const from = headers ? addresses(headers.from) : [];
  const subject = headers ? (headers.subject ?? '') : '(unreadable message)';
  return {
    view: {
      ref: meta.ref,
      subject,
      from,
      to: addresses(headers?.to),
      cc: addresses(headers?.cc),
      date: headers?.date && !Number.isNaN(headers.date.getTime()) ? headers.date.getTime() : undefined,
      text: body.text,
      html: body.html,
      malformed: body.malformed,
      attachments: attachments.map(({ index, filename, contentType, size }) => ({ index, filename, contentType, size })),
      flagged: meta.flagged,
      unread: meta.unread,
      truncated: meta.truncated,
      ...patch,
    },
    attachments,
    sender: headers ? senderEvidence(headers) : noSenderEvidence,
    snippets: findSnippets(codeTextOf(tree, decodeCharset), subject),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): AddressView[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value).map((entry) => ({ name: entry.name ?? '', address: entry.address ?? '' }));
}

/**
 * The parts the reader lists, numbered in order, with sanitized names [SEC-29]; a part without a name
 * gets one made from its number and type, so it can be saved or opened like any other. `alsoListed`:
 * a shown part the body leaves out (listedParts).
 */
export function attachmentsFromStructure(structure: BodyStructure, alsoListed?: string): AttachmentPart[] {
  return listedParts(structure, alsoListed).map(({ node, part }, index) => {
    const name = fileNameOf(node);
    const type = node.type.toLowerCase();
    return {
      index,
      part,
      filename: name === undefined ? generatedFileName(part, type) : sanitizeAttachmentName(name),
      contentType: type,
      size: node.size ?? 0,
    };
  });
}

/**
 * Streams one attachment's decoded content into `destination`, holding the command connection
 * until it is done (imapflow cannot run another command meanwhile). Enforces `maxBytes`.
 */
export async function streamAttachment(
  session: MailSession,
  ref: MessageRef,
  attachment: AttachmentPart,
  destination: Writable,
  maxBytes = attachmentSizeCap,
  decodeText = true,
): Promise<number> {
  if (attachment.size > maxBytes) {
    throw new MailroomError('MessageTooLarge', ui`${attachment.filename} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, {
      accountId: ref.accountId,
    });
  }
  if (session.relaying) {
    // The window holding the connection reads it whole (within the cap) and sends it over.
    const content = await attachmentContent(session, ref, attachment, maxBytes, decodeText);
    await pipeline(Readable.from([content]), destination);
    return content.length;
  }
  return session.run(async (client) => {
    await ensureSelected(client, ref.folder, false, true);
    const download = await client.download(String(ref.uid), attachment.part, { uid: true, decodeText });
    if (!('content' in download) || !download.content) {
      throw new MailroomError('NotFound', ui`${attachment.filename} is no longer on the server.`, { accountId: ref.accountId });
    }
    let written = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback): void {
        written += chunk.length;
        callback(written > maxBytes ? new MailroomError('MessageTooLarge', ui`${attachment.filename} is too large.`) : null, chunk);
      },
    });
    await pipeline(download.content, limiter, destination);
    return written;
  });
}

const attachmentContent = relayedOperation(
  'attachmentContent',
  ['messageRef', 'plain', 'count', 'boolean?'],
  async (session: MailSession, ref: MessageRef, attachment: AttachmentPart, maxBytes: number, decodeText: boolean = true) => {
    const chunks: Buffer[] = [];
    const collector = new Writable({
      write(chunk: Buffer, _encoding, callback): void {
        chunks.push(chunk);
        callback();
      },
    });
    await streamAttachment(session, ref, attachment, collector, maxBytes, decodeText);
    return Buffer.concat(chunks);
  },
);

/** View Source reads at most this much of a message. */
const sourceViewLimit = 20 * 1024 * 1024;

/** A message's source as it is on the server, for reading (never parsed or rendered). */
export const loadSource = relayedOperation(
  'loadSource',
  ['messageRef', 'count?'],
  async (session: MailSession, ref: MessageRef, maxBytes: number = sourceViewLimit): Promise<{ source: Buffer; truncated: boolean }> => {
    const fetched = await session.run(async (client) => {
      await ensureSelected(client, ref.folder, false, true);
      return client.fetchOne(String(ref.uid), { uid: true, size: true, source: { start: 0, maxLength: maxBytes } }, { uid: true });
    });
    if (!fetched || !fetched.source) {
      throw new MailroomError('NotFound', 'The message is no longer in this folder.', { accountId: ref.accountId });
    }
    return { source: fetched.source, truncated: (fetched.size ?? 0) > fetched.source.length };
  },
);
