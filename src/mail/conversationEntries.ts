import type { ConversationEntry, MessageRef } from '../shared/protocol';
import type { MailSession } from './connection';
import type { ConversationMember } from './conversationGrouping';
import { loadMessage } from './message';
import { loadPreviewDecoders } from './rowModel';

/** A conversation's other messages shown at most: the newest of them (a long thread's oldest are left out). */
const mostEntries = 30;

/**
 * The other messages of a conversation as the reader lists them above the one shown: sender, date
 * and text (an HTML-only message's text made from its HTML). A message gone meanwhile is left out.
 */
export async function loadConversationEntries(session: MailSession, shown: MessageRef, members: readonly ConversationMember[]): Promise<ConversationEntry[]> {
  const others = members.filter((member) => !(member.folder === shown.folder && member.uid === shown.uid)).slice(-mostEntries);
  const { htmlToText } = await loadPreviewDecoders();
  const entries: ConversationEntry[] = [];
  for (const member of others) {
    const ref: MessageRef = { accountId: shown.accountId, folder: member.folder, uid: member.uid };
    try {
      const { view } = await loadMessage(session, ref);
      const text = view.text.trim() || (view.html === undefined ? '' : htmlToText(view.html));
      entries.push({ ref, from: member.from, date: view.date ?? member.date, text, sent: member.sent });
    } catch {
      // Moved or deleted since the conversation was threaded: the others still show.
    }
  }
  return entries;
}
