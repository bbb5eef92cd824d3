import { randomUUID } from 'node:crypto';
import { defaultExport } from '../util/interop';
import type { MailAddress, OutgoingMessage } from './outgoing';
import { allRecipients } from './outgoing';
import { withVerbatimBody } from './patchMime';

/** A message as the bytes that go over SMTP, and into Sent or Drafts. */
export interface ComposedMessage {
  readonly raw: Buffer;
  /** With angle brackets. */
  readonly messageId: string;
  readonly envelope: { readonly from: string; readonly to: string[] };
}

export interface ComposeOptions {
  /** Keep the Bcc header: for the user's own copy in Drafts, never for the copy that is sent. */
  readonly keepBcc?: boolean;
  /** Reuse a Message-ID (a retried draft keeps its identity). */
  readonly messageId?: string;
}

function toComposerAddress(address: MailAddress): { name: string; address: string } {
  return { name: address.name ?? '', address: address.address };
}

/** `<uuid@domain-of-sender>`: unique, and names no machine. */
export function newMessageId(from: MailAddress): string {
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1) || 'mailroom.invalid';
  return `<${randomUUID()}@${domain}>`;
}

/**
 * Builds the MIME message with nodemailer's composer (loaded on first use): multipart/alternative
 * text + HTML, attachments in multipart/mixed, non-ASCII headers encoded. File and URL access are
 * turned off: content only ever comes from memory.
 */
export async function composeMessage(message: OutgoingMessage, options: ComposeOptions = {}): Promise<ComposedMessage> {
  const MailComposer = defaultExport(await import('nodemailer/lib/mail-composer'));
  const messageId = options.messageId ?? newMessageId(message.from);
  const node = new MailComposer({
    from: toComposerAddress(message.from),
    to: message.to.map(toComposerAddress),
    cc: message.cc.length > 0 ? message.cc.map(toComposerAddress) : undefined,
    bcc: message.bcc.length > 0 ? message.bcc.map(toComposerAddress) : undefined,
    subject: message.subject,
    messageId,
    inReplyTo: message.inReplyTo,
    references: message.references && message.references.length > 0 ? [...message.references] : undefined,
    // A verbatim text is put in after building (patchMime.ts): nodemailer would choose its own encoding.
    text: message.verbatimText ? '-' : message.text,
    html: message.verbatimText ? undefined : message.html,
    attachments: (message.verbatimText ? [] : message.attachments).map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      content: Buffer.from(attachment.content),
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'win',
  }).compile();
  node.keepBcc = options.keepBcc === true;
  const built = await node.build();
  const raw = message.verbatimText ? withVerbatimBody(built, message.text) : built;
  return {
    raw,
    messageId,
    envelope: { from: message.from.address, to: allRecipients(message).map((address) => address.address) },
  };
}
