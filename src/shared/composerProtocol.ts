/**
 * Messages between the extension and the composer webview. Imported by both sides. Carries only
 * what the composer shows and what the user typed: never a token, never attachment bytes.
 * The webview starts with `ready`; the extension posts nothing before it.
 */

export interface ComposerFields {
  accountId: string;
  /** As typed: comma-separated addresses, checked by the extension before sending. */
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  /** Markdown. */
  body: string;
  /** Indexes (into the init list) of the attachments the user kept. */
  attachments: number[];
}

export interface ComposerInitMessage {
  type: 'init';
  accounts: { id: string; email: string }[];
  fields: ComposerFields;
  attachments: { name: string; size: string }[];
  /** "Reply", "Forward", "New message"… for the heading. */
  heading: string;
}

export type ExtensionToComposer =
  | ComposerInitMessage
  | { type: 'busy'; busy: boolean }
  | { type: 'problem'; field?: 'to' | 'cc' | 'bcc' | 'subject'; message: string };

export type ComposerToExtension =
  | { type: 'ready' }
  | { type: 'changed'; fields: ComposerFields }
  | { type: 'send'; fields: ComposerFields }
  | { type: 'saveDraft'; fields: ComposerFields }
  | { type: 'discard' };

function isFields(value: unknown): value is ComposerFields {
  const fields = value as Partial<ComposerFields> | undefined;
  return (
    typeof fields === 'object' &&
    fields !== null &&
    typeof fields.accountId === 'string' &&
    typeof fields.to === 'string' &&
    typeof fields.cc === 'string' &&
    typeof fields.bcc === 'string' &&
    typeof fields.subject === 'string' &&
    typeof fields.body === 'string' &&
    Array.isArray(fields.attachments) &&
    fields.attachments.every((index) => Number.isInteger(index))
  );
}

/** The extension trusts nothing the webview posts until it has this shape. */
export function isComposerToExtension(value: unknown): value is ComposerToExtension {
  const message = value as { type?: unknown; fields?: unknown } | undefined;
  if (typeof message !== 'object' || message === null) {
    return false;
  }
  switch (message.type) {
    case 'ready':
    case 'discard':
      return true;
    case 'changed':
    case 'send':
    case 'saveDraft':
      return isFields(message.fields);
    default:
      return false;
  }
}
