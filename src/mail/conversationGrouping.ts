import type { MessageAction, MessageRef, MessageRow } from '../shared/protocol';
import { messageIdsIn, messagesOf, threadMessages } from './threading';
import type { ThreadableMessage } from './threading';
import type { FetchedEnvelope } from './rowModel';

/** One message of a conversation: of the folder shown, or of Sent (a reply the person sent). */
export interface ConversationMember extends ThreadableMessage {
  folder: string;
  uid: number;
  /** Display name, or the address when there is none. */
  from: string;
  fromAddress: string;
  unread: boolean;
  flagged: boolean;
  /** Gmail's X-GM-THRID (or an OBJECTID server's THREADID), where the server gives one. */
  threadId?: string;
  /** From the Sent folder, joined to the folder's conversation. */
  sent: boolean;
}

/**
 * Where a conversation's identity comes from: the server's own thread id (Gmail), the server's
 * THREAD=REFERENCES (Dovecot and others), or JWZ threading here.
 */
export type ThreadIdentity = 'serverThreadId' | 'threadReferences' | 'jwz';

export function threadIdentityFor(capabilities: ReadonlyMap<string, unknown>): ThreadIdentity {
  if (capabilities.has('X-GM-EXT-1')) {
    return 'serverThreadId';
  }
  return capabilities.has('THREAD=REFERENCES') ? 'threadReferences' : 'jwz';
}

/** The parts of an imapflow FETCH result threading reads: a list row's, with the ids that link messages and the headers. */
export interface FetchedForThreading extends Pick<FetchedEnvelope, 'uid' | 'flags' | 'internalDate' | 'threadId'> {
  envelope?: FetchedEnvelope['envelope'] & { messageId?: string; inReplyTo?: string };
  headers?: Buffer;
}

/** The References header's value in fetched header lines (folded lines unfolded). */
function referencesHeader(headers: Buffer | undefined): string | undefined {
  const text = headers?.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  return text ? /^references:(.*)$/im.exec(text)?.[1] : undefined;
}

export function memberOf(message: FetchedForThreading, folder: string, sent: boolean): ConversationMember {
  const sender = message.envelope?.from?.[0];
  const dated = message.envelope?.date ?? message.internalDate;
  const time = dated === undefined ? Number.NaN : new Date(dated).getTime();
  const inReplyTo = messageIdsIn(message.envelope?.inReplyTo)[0];
  const messageId = messageIdsIn(message.envelope?.messageId)[0];
  return {
    key: `${folder}\u0000${message.uid}`,
    folder,
    uid: message.uid,
    ...(messageId === undefined ? {} : { messageId }),
    ...(inReplyTo === undefined ? {} : { inReplyTo }),
    references: messageIdsIn(referencesHeader(message.headers)),
    subject: (message.envelope?.subject ?? '').trim(),
    date: Number.isNaN(time) ? 0 : time,
    from: (sender?.name || sender?.address || '').trim() || '(unknown sender)',
    fromAddress: sender?.address ?? '',
    unread: !(message.flags ?? new Set()).has('\\Seen'),
    flagged: (message.flags ?? new Set()).has('\\Flagged'),
    ...(message.threadId ? { threadId: message.threadId } : {}),
    sent,
  };
}

/** The thread whose messages a sent message names as its parent or ancestors (nearest first). */
function threadReferencedBy(member: ConversationMember, threadOfId: ReadonlyMap<string, number>): number | undefined {
  const named = [...(member.inReplyTo === undefined ? [] : [member.inReplyTo]), ...[...(member.references ?? [])].reverse()];
  return named.map((id) => threadOfId.get(id)).find((thread) => thread !== undefined);
}

/** Sent messages join the thread they reply to (by thread id where both have one, else by reference). */
function joinSent(groups: ConversationMember[][], sent: readonly ConversationMember[]): ConversationMember[][] {
  const threadOfId = new Map<string, number>();
  const threadOfServerId = new Map<string, number>();
  groups.forEach((group, index) =>
    group.forEach((member) => {
      if (member.messageId !== undefined) {
        threadOfId.set(member.messageId, index);
      }
      if (member.threadId !== undefined) {
        threadOfServerId.set(member.threadId, index);
      }
    }),
  );
  for (const member of sent) {
    const byServer = member.threadId === undefined ? undefined : threadOfServerId.get(member.threadId);
    const index = byServer ?? threadReferencedBy(member, threadOfId);
    if (index !== undefined) {
      groups[index]?.push(member);
      if (member.messageId !== undefined) {
        // A reply to the person's own sent message threads there too.
        threadOfId.set(member.messageId, index);
      }
    }
  }
  return groups;
}

/**
 * The folder's messages (and the person's sent replies) as conversations, each oldest first, the
 * conversation with the newest message of the folder first. `serverThreads` are THREAD=REFERENCES's
 * groups of UIDs of the folder, used when the identity says so; until they are read (the first
 * screen does without them), the messages are threaded here as the server would.
 */
export function groupConversations(
  folder: readonly ConversationMember[],
  sent: readonly ConversationMember[],
  identity: ThreadIdentity,
  serverThreads?: readonly (readonly number[])[],
): ConversationMember[][] {
  let groups: ConversationMember[][];
  if (identity === 'jwz' || (identity === 'threadReferences' && !serverThreads)) {
    groups = threadMessages([...folder, ...sent])
      .map((thread) => messagesOf(thread))
      .filter((members) => members.some((member) => !member.sent));
  } else {
    const grouped = new Map<string, ConversationMember[]>();
    const threadOfUid = new Map<number, string>();
    serverThreads?.forEach((uids, index) => uids.forEach((uid) => threadOfUid.set(uid, `t${index}`)));
    for (const member of folder) {
      const serverKey = identity === 'serverThreadId' ? member.threadId && `g${member.threadId}` : threadOfUid.get(member.uid);
      const key = serverKey || `u${member.uid}`;
      grouped.set(key, [...(grouped.get(key) ?? []), member]);
    }
    groups = joinSent([...grouped.values()], sent);
    groups.forEach((group) => group.sort((a, b) => a.date - b.date));
  }
  return groups
    .map((group) => ({ group, newest: rowMemberOf(group) }))
    .filter((entry): entry is { group: ConversationMember[]; newest: ConversationMember } => entry.newest !== undefined)
    .sort((a, b) => (isNewer(a.newest, b.newest) ? -1 : 1))
    .map(({ group }) => group);
}

/** Newer by date; the higher UID (arrived later) when the dates are equal. */
function isNewer(a: ConversationMember, b: ConversationMember): boolean {
  return a.date !== b.date ? a.date > b.date : a.uid > b.uid;
}

/** The newest message of the folder in a conversation: its row is the conversation's. */
export function rowMemberOf(conversation: readonly ConversationMember[]): ConversationMember | undefined {
  return conversation
    .filter((member) => !member.sent)
    .reduce<ConversationMember | undefined>((best, member) => (!best || isNewer(member, best) ? member : best), undefined);
}

/**
 * The names in a conversation, in the order they first wrote; the person's own sent replies as "me". One
 * other writer keeps their whole name ("The Weekly Compiler", not "The"); several are told apart by the
 * name people call them by (see `callingName`), as mail clients list a thread's participants.
 */
export function participantsOf(conversation: readonly ConversationMember[], me: string): string[] {
  const writers: ConversationMember[] = [];
  for (const member of conversation) {
    if (!member.sent && !writers.some((writer) => sameWriter(writer, member))) {
      writers.push(member);
    }
  }
  const names: string[] = [];
  for (const member of conversation) {
    const name = member.sent ? me : writers.length === 1 ? member.from : callingName(member.from);
    if (!names.includes(name)) {
      names.push(name);
    }
  }
  return names;
}

function sameWriter(a: ConversationMember, b: ConversationMember): boolean {
  return a.fromAddress && b.fromAddress ? a.fromAddress.toLowerCase() === b.fromAddress.toLowerCase() : a.from === b.from;
}

/**
 * A display name shortened to the name a person is called by: the given name of "Last, First" (the
 * directory form Outlook sends), the first word otherwise; an address without a name by its local part.
 */
export function callingName(displayName: string): string {
  const name = displayName.trim();
  if (/^[^\s@]+@[^\s@]+$/.test(name)) {
    return name.slice(0, name.lastIndexOf('@'));
  }
  const comma = name.indexOf(',');
  const given = comma > 0 && comma < name.length - 1 ? name.slice(comma + 1) : name;
  return given.trim().split(/\s+/)[0] || name;
}

/** The row of the conversation's newest folder message, made the conversation's row. */
export function conversationRow(row: MessageRow, conversation: readonly ConversationMember[], me: string): MessageRow {
  const newest = conversation.reduce((latest, member) => Math.max(latest, member.date), row.date);
  return {
    ...row,
    date: newest,
    unread: conversation.some((member) => !member.sent && member.unread),
    flagged: conversation.some((member) => member.flagged),
    conversation: { count: conversation.length, participants: participantsOf(conversation, me) },
  };
}

/**
 * The rows of a page shown before the window's conversations were complete, made again from
 * `conversations` (the page's, once the server's threads and Sent's replies are in): undefined when
 * the page's rows are no longer the same messages (the list has to load the page again then).
 */
export function regroupedPage(shown: readonly MessageRow[], conversations: readonly (readonly ConversationMember[])[], me: string): MessageRow[] | undefined {
  const byUid = new Map(conversations.map((conversation) => [rowMemberOf(conversation)?.uid, conversation]));
  const rows: MessageRow[] = [];
  for (const row of shown) {
    const conversation = byUid.get(row.uid);
    if (!conversation) {
      return undefined;
    }
    rows.push(conversationRow(row, conversation, me));
  }
  return rows.length === conversations.length ? rows : undefined;
}

/** What archiving, deleting or marking a conversation's row read or unread does to the whole of it in the folder. */
const wholeConversationActions: ReadonlySet<MessageAction> = new Set(['archive', 'delete', 'markRead', 'markUnread']);

/**
 * The messages an action on a row acts on, in order: the row's message alone, or for a conversation's
 * row and an action above, its other messages in the folder (not those in Sent) and the row's last,
 * so the row changes once the others are done.
 */
export function actionTargets(ref: MessageRef, action: MessageAction, conversation: readonly ConversationMember[] | undefined): MessageRef[] {
  if (!conversation || !wholeConversationActions.has(action)) {
    return [ref];
  }
  const others = conversation.filter((member) => !member.sent && member.folder === ref.folder && member.uid !== ref.uid);
  return [...others.map((member) => ({ ...ref, uid: member.uid })), ref];
}
