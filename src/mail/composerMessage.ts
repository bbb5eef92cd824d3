import type { ComposerFields } from '../shared/composerProtocol';
import { loadAddressParser, parseAddressList } from './addresses';
import { renderMarkdownEmail } from './markdown';
import type { MailAddress, OutgoingAttachment, OutgoingMessage } from './outgoing';

/** What the composer was opened with that the form does not show: threading and attachment bytes. */
export interface ComposerContext {
  readonly from: MailAddress;
  readonly attachments: readonly OutgoingAttachment[];
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
}

export type ComposerCheck =
  { readonly ok: true; readonly message: OutgoingMessage } | { readonly ok: false; readonly field: 'to' | 'cc' | 'bcc'; readonly problem: string };

type AddressField = 'to' | 'cc' | 'bcc';

/**
 * The composer's fields as a message: the Markdown body is the text part and, rendered, the HTML
 * part. Addresses are checked field by field; `lenient` keeps the valid ones (saving a draft must
 * not fail on a half-typed address).
 */
export async function messageFromComposer(fields: ComposerFields, context: ComposerContext, lenient = false): Promise<ComposerCheck> {
  const parser = await loadAddressParser();
  const parsed: Record<AddressField, MailAddress[]> = { to: [], cc: [], bcc: [] };
  for (const field of ['to', 'cc', 'bcc'] as const) {
    const { valid, invalid } = parseAddressList(fields[field], parser);
    if (invalid.length > 0 && !lenient) {
      return { ok: false, field, problem: `Not an email address: ${invalid.join(', ')}` };
    }
    parsed[field] = valid;
  }
  if (!lenient && parsed.to.length + parsed.cc.length + parsed.bcc.length === 0) {
    return { ok: false, field: 'to', problem: 'Add at least one recipient.' };
  }
  const attachments = fields.attachments.filter((index, position, all) => all.indexOf(index) === position).flatMap((index) => context.attachments[index] ?? []);
  const message: OutgoingMessage = {
    from: context.from,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    subject: fields.subject.trim(),
    text: fields.body,
    html: await renderMarkdownEmail(fields.body),
    attachments,
    ...(context.inReplyTo ? { inReplyTo: context.inReplyTo } : {}),
    ...(context.references && context.references.length > 0 ? { references: context.references } : {}),
  };
  return { ok: true, message };
}
