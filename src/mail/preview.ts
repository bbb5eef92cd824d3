import type { MailAccount } from '../auth/accountApi';
import { formatAddress, formatAddressList } from './addresses';
import type { OutgoingMessage } from './outgoing';
import { formatBytes } from './snippet';

/** Exactly what goes out, as the recipient's plain-text view shows it, with the headers that matter. */
export function previewText(account: MailAccount, message: OutgoingMessage): string {
  const lines = [`From: ${formatAddress(message.from)}`, `To: ${formatAddressList(message.to)}`];
  if (message.cc.length > 0) {
    lines.push(`Cc: ${formatAddressList(message.cc)}`);
  }
  if (message.bcc.length > 0) {
    lines.push(`Bcc: ${formatAddressList(message.bcc)}`);
  }
  lines.push(`Subject: ${message.subject}`, `Via: ${account.smtp.host}`);
  for (const attachment of message.attachments) {
    lines.push(`Attachment: ${attachment.filename} (${formatBytes(attachment.content.byteLength)})`);
  }
  lines.push('', message.text, '', '(The HTML part shows the same content, the code in a preformatted block.)');
  return lines.join('\n');
}
