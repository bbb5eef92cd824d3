/**
 * The shape of a message Mailroom sends: what the composer, Send Selection and Send File produce,
 * what the draft store keeps and what the sender turns into MIME. Plain data, so it can be stored
 * as JSON and compared in tests.
 */

export interface MailAddress {
  readonly name?: string;
  readonly address: string;
}

export interface OutgoingAttachment {
  /** The name the recipient sees; already reduced to a file name (no directories). */
  readonly filename: string;
  /** MIME type; when absent it is derived from the file name's extension. */
  readonly contentType?: string;
  readonly content: Uint8Array;
}

/** Subject, bodies and attachments: everything but the addresses. */
export interface MessageContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly OutgoingAttachment[];
}

export interface OutgoingMessage extends MessageContent {
  readonly from: MailAddress;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  /** Message-ID of the message this one answers (angle brackets included). */
  readonly inReplyTo?: string;
  /** The thread's Message-IDs, oldest first (angle brackets included). */
  readonly references?: readonly string[];
  /**
   * The text goes out byte for byte as the only part (text/plain, 8bit or quoted-printable, never
   * re-wrapped): a patch `git am` must apply. `html` and attachments are not sent.
   */
  readonly verbatimText?: boolean;
}

/** Every address the message goes to (the SMTP envelope), in To, Cc, Bcc order. */
export function allRecipients(message: Pick<OutgoingMessage, 'to' | 'cc' | 'bcc'>): MailAddress[] {
  return [...message.to, ...message.cc, ...message.bcc];
}
