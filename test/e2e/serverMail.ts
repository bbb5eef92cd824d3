// What the stack's Dovecot holds, read on the server (doveadm), independently of what Mailroom shows.
import { simpleParser } from 'mailparser';
import type { Stack } from '../stack';

export interface StoredHeaders {
  readonly subject: string;
  readonly messageId: string;
  readonly inReplyTo: string | undefined;
  readonly references: string[];
}

/** The thread headers of the messages in a user's mailbox whose subject contains `text` (doveadm fetch hdr). */
export async function storedHeaders(stack: Stack, email: string, mailbox: string, text: string): Promise<StoredHeaders[]> {
  const output = await stack.doveadm(['fetch', '-u', email, 'hdr', 'mailbox', mailbox, 'subject', text]);
  // One block per message, each the field's name on a line ("hdr:") and the header, which ends with a blank line.
  const blocks = output.split(/^hdr:\n/m).filter((block) => block.trim() !== '');
  return Promise.all(
    blocks.map(async (block) => {
      const parsed = await simpleParser(Buffer.from(block, 'utf8'));
      return {
        subject: parsed.subject ?? '',
        messageId: parsed.messageId ?? '',
        inReplyTo: parsed.inReplyTo,
        references: [parsed.references ?? []].flat(),
      };
    }),
  );
}
