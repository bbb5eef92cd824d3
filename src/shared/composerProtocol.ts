/**
 * Messages between the extension and the composer webview. Imported by both sides. Carries only
 * what the composer shows and what the user typed: never a token, never attachment bytes.
 * The webview starts with `ready`; the extension posts nothing before it.
 */
import type { FromWebview, NoPayload, ToWebview } from './webviewProtocol';

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

/** What the composer shows first: sent after `ready`. */
export interface ComposerInitState {
  accounts: { id: string; email: string }[];
  fields: ComposerFields;
  attachments: { name: string; size: string }[];
  /** "Reply", "Forward", "New message"… for the heading. */
  heading: string;
}

/** The composer's messages, declared once (see webviewProtocol.ts). */
export interface ComposerProtocol {
  toExtension: {
    changed: { fields: ComposerFields };
    send: { fields: ComposerFields };
    saveDraft: { fields: ComposerFields };
    discard: NoPayload;
  };
  toWebview: {
    init: ComposerInitState;
    busy: { busy: boolean };
    problem: { field?: 'to' | 'cc' | 'bcc' | 'subject'; message: string };
  };
  requests: NoPayload;
}

export type ExtensionToComposer = ToWebview<ComposerProtocol>;
export type ComposerToExtension = FromWebview<ComposerProtocol>;
export type ComposerInitMessage = Extract<ExtensionToComposer, { type: 'init' }>;

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
