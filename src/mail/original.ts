import type { AddressObject, ParsedMail } from 'mailparser';
import { MailroomError } from '../util/errors';
import { sanitizeAttachmentName } from './attachmentName';
import { ensureSelected } from './mailbox';
import type { MailAddress } from './outgoing';
import type { OriginalMessage } from './reply';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';

/** Forwarding carries attachments, so the whole message is read, up to this size. */
const originalFetchLimit = 50 * 1024 * 1024;

function addressesOf(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((object) => object.value)
    .filter((entry) => typeof entry.address === 'string' && entry.address.length > 0)
    .map((entry) => (entry.name ? { name: entry.name, address: entry.address ?? '' } : { address: entry.address ?? '' }));
}

function referencesOf(parsed: ParsedMail): string[] {
  const references = parsed.references;
  const list = references === undefined ? [] : Array.isArray(references) ? references : references.split(/\s+/);
  return list.map((reference) => reference.trim()).filter((reference) => /^<[^<>\s]+>$/.test(reference));
}

/** A received message (RFC 5322 source) as what reply and forward need. */
export async function parseOriginalMessage(source: Buffer): Promise<OriginalMessage> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true, skipHtmlToText: false });
  const messageId = parsed.messageId && /^<[^<>\s]+>$/.test(parsed.messageId) ? parsed.messageId : undefined;
  const inReplyTo = parsed.inReplyTo && /^<[^<>\s]+>$/.test(parsed.inReplyTo.trim()) ? parsed.inReplyTo.trim() : undefined;
  return {
    ...(messageId ? { messageId } : {}),
    ...(inReplyTo ? { inReplyTo } : {}),
    references: referencesOf(parsed),
    from: addressesOf(parsed.from),
    replyTo: addressesOf(parsed.replyTo),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    subject: parsed.subject ?? '',
    ...(parsed.date && !Number.isNaN(parsed.date.getTime()) ? { date: parsed.date } : {}),
    text: parsed.text ?? '',
    // Only real attachments travel with a forward; inline images belong to the HTML we do not forward.
    attachments: parsed.attachments
      .filter((attachment) => attachment.contentDisposition !== 'inline' || !attachment.contentId)
      .map((attachment) => ({
        filename: sanitizeAttachmentName(attachment.filename),
        contentType: attachment.contentType,
        content: new Uint8Array(attachment.content),
      })),
  };
}

/** The source of message `uid` of `folder`, whole (refused above the limit: a reply must not quote a message cut short). */
export async function fetchOriginalSource(session: MailSession, folder: string, uid: number): Promise<Buffer> {
  const fetched = await session.run(async (client) => {
    await ensureSelected(client, folder, false, true);
    return client.fetchOne(String(uid), { uid: true, size: true, source: { start: 0, maxLength: originalFetchLimit } }, { uid: true });
  });
  if (!fetched || !fetched.source) {
    throw new MailroomError('NotFound', 'The message is no longer in this folder.', { accountId: session.account.id });
  }
  if ((fetched.size ?? 0) > fetched.source.length) {
    throw new MailroomError('MessageTooLarge', 'The message is too large to reply to or forward from here.', { accountId: session.account.id });
  }
  return fetched.source;
}

/** Reads message `uid` of `folder` whole, on the account's command connection. */
export const readOriginalMessage = relayedOperation(
  'readOriginalMessage',
  ['string', 'uid'],
  async (session: MailSession, folder: string, uid: number): Promise<OriginalMessage> => parseOriginalMessage(await fetchOriginalSource(session, folder, uid)),
);
