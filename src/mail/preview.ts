import type { MailAccount } from '../auth/accountApi';
import { formatAddress, formatAddressList } from './addresses';
import type { OutgoingMessage } from './outgoing';
import { fillIn } from '../shared/placeholders';
import { translated } from '../ui/text';
import { formatBytes } from './snippet';

/**
 * Exactly what goes out, as the recipient's plain-text view shows it, with the headers that matter. The
 * labels are in the user's language; the values are put in as written (a read-only document, not a
 * notification: a subject's brackets stay brackets).
 */
export function previewText(account: MailAccount, message: OutgoingMessage): string {
  const lines = [fillIn(translated('From: {0}'), [formatAddress(message.from)]), fillIn(translated('To: {0}'), [formatAddressList(message.to)])];
  if (message.cc.length > 0) {
    lines.push(fillIn(translated('Cc: {0}'), [formatAddressList(message.cc)]));
  }
  if (message.bcc.length > 0) {
    lines.push(fillIn(translated('Bcc: {0}'), [formatAddressList(message.bcc)]));
  }
  lines.push(fillIn(translated('Subject: {0}'), [message.subject]), fillIn(translated('Via: {0}'), [account.smtp.host]));
  for (const attachment of message.attachments) {
    lines.push(fillIn(translated('Attachment: {0} ({1})'), [attachment.filename, formatBytes(attachment.content.byteLength)]));
  }
  lines.push('', message.text, '', translated('(The HTML part shows the same content, the code in a preformatted block.)'));
  return lines.join('\n');
}
