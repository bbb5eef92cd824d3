import { fetchNewestRows } from '../mail/mailbox';
import type { MailSession } from '../mail/connection';
import type { MessageRef } from '../shared/protocol';
import { notify } from '../ui/surfaces';
import { ui } from '../ui/text';

/** Folders whose new mail never raises a notification: bulk or our own. */
const quietSpecialUses = new Set(['\\Junk', '\\Trash', '\\Sent', '\\Drafts', '\\All', '\\Archive']);

/** New mail in `folder`: a notification naming the newest unread message, with Open. */
export async function notifyNewMail(session: MailSession, folder: string, open: (ref: MessageRef) => Promise<void>): Promise<void> {
  const folders = await session.folders();
  const specialUse = folders.find((candidate) => candidate.path === folder)?.specialUse;
  if (specialUse && quietSpecialUses.has(specialUse)) {
    return;
  }
  // A fresh SELECT: the command connection learns of new messages only when it asks.
  const { rows } = await fetchNewestRows(session, folder, 1);
  const newest = rows[0];
  if (newest?.unread && Date.now() - newest.date < 10 * 60_000) {
    // Sender and subject are a stranger's words: the ui tag shows them as text, never as a link [SEC-29a].
    const choice = ui`Open`;
    if ((await notify('info', ui`New mail from ${newest.from}: ${newest.subject}`, choice)) === choice) {
      await open({ accountId: session.account.id, folder, uid: newest.uid });
    }
  }
}
