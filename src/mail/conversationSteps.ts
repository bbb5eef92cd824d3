// The steps a folder shown as conversations takes on the connection (see ConversationList), each a
// relayed operation, so a window without the connections has the one holding them run it [issue 13].
import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { MessageRow } from '../shared/protocol';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { memberOf, threadIdentityFor } from './conversationGrouping';
import type { ConversationMember, ThreadIdentity } from './conversationGrouping';
import { fetchDetailsByUid } from './firstScreen';
import { findSpecialUse } from './folders';
import { ensureSelected, sequenceRangeForIndexes, statusOf } from './mailbox';
import type { FolderStatus } from './mailbox';
import { firstScreenRow } from './rowModel';
import type { RowDetails } from './rowModel';
import { threadByReferences } from './serverThreads';

/** What threading reads of each message of the window: no structure, no preview (the rows fetch those for one page). */
const threadingFetchQuery: FetchQueryObject = { uid: true, flags: true, envelope: true, internalDate: true, threadId: true, headers: ['references'] };

/** The messages [start, start + count) of the selected folder as members, and as rows of the first screen where asked. */
async function fetchNewest(
  client: ImapFlow,
  total: number,
  start: number,
  count: number,
  folder: string,
  sent: boolean,
): Promise<{ members: ConversationMember[]; rows: MessageRow[] }> {
  const range = sequenceRangeForIndexes(total, start, count);
  if (!range) {
    return { members: [], rows: [] };
  }
  const messages = await client.fetchAll(`${range.from}:${range.to}`, threadingFetchQuery);
  return { members: messages.map((message) => memberOf(message, folder, sent)), rows: messages.map((message) => firstScreenRow(message)) };
}

/** What one step of the window brings: the folder's state, its messages [start, start + count), and the server's threads of [0, start + count). */
export interface WindowStep {
  status: FolderStatus;
  identity: ThreadIdentity;
  members: ConversationMember[];
  /** THREAD=REFERENCES's groups of UIDs of the window so far; null where the server does not thread, or not yet asked. */
  serverThreads: number[][] | null;
  /** The first screen's rows of the members (envelope, flags, dates), for the first step only. */
  rows: MessageRow[];
}

/**
 * One step of the window on the folder: a relayed operation, so a window without the connections
 * has the one holding them run it [issue 13]. The first step selects the folder afresh and is the
 * first screen: the FETCH of the cheap items alone, no THREAD (it costs Dovecot a pass over the
 * folder's thread index, ~35 ms at 100,000 messages); {@link ConversationList.completeFirstScreen}
 * asks the server's threads after.
 */
export const folderWindowStep = relayedOperation(
  'conversationFolderStep',
  ['string', 'count', 'count', 'boolean'],
  async (session: MailSession, folder: string, start: number, count: number, firstScreen: boolean): Promise<WindowStep> =>
    session.run(async (client) => {
      const status = statusOf(await ensureSelected(client, folder, firstScreen, true));
      const { members, rows } = await fetchNewest(client, status.total, start, count, folder, false);
      const identity = threadIdentityFor(client.capabilities);
      const serverThreads = identity === 'threadReferences' && !firstScreen ? await windowThreads(client, status.total, start + count) : null;
      return { status, identity, members, serverThreads, rows: firstScreen ? rows : [] };
    }),
);

/** THREAD=REFERENCES of the newest `size` messages of the selected folder; null when the server refuses it. */
async function windowThreads(client: ImapFlow, total: number, size: number): Promise<number[][] | null> {
  const range = sequenceRangeForIndexes(total, 0, size);
  return (range && (await threadByReferences(client, `${range.from}:${range.to}`))) ?? null;
}

/** What follows a first screen: its rows' details, the server's threads of its window, Sent's newest messages. */
export interface FirstScreenCompletion {
  details: (RowDetails & { uid: number })[];
  serverThreads: number[][] | null;
  sentMembers: ConversationMember[];
  sentComplete: boolean;
}

/**
 * After the first screen, in one turn on the connection (so no other list's step comes between):
 * the rows' previews and paperclips, THREAD=REFERENCES of the window, Sent's newest messages, and
 * the folder selected again for the list's next pages. Undefined when another folder has been
 * selected since (selecting this one again would delay that one).
 */
export const firstScreenCompletion = relayedOperation(
  'conversationCompletion',
  ['string', 'uids', 'count', 'count', 'boolean'],
  async (
    session: MailSession,
    folder: string,
    uids: number[],
    total: number,
    size: number,
    serverThreading: boolean,
  ): Promise<FirstScreenCompletion | undefined> => {
    const sentPath = await sentFolderFor(session, folder);
    return session.run(async (client) => {
      if (!client.mailbox || client.mailbox.path !== folder) {
        return undefined;
      }
      const details = await fetchDetailsByUid(client, uids);
      const serverThreads = serverThreading ? await windowThreads(client, total, size) : null;
      if (sentPath === undefined) {
        return { details, serverThreads, sentMembers: [], sentComplete: true };
      }
      const sentBox = await ensureSelected(client, sentPath, false, true);
      const { members } = await fetchNewest(client, sentBox.exists, 0, size, sentPath, true);
      await ensureSelected(client, folder, false, true);
      return { details, serverThreads, sentMembers: members, sentComplete: members.length < size };
    });
  },
);

/** The newest messages of Sent [start, start + count), for replies to join their conversations; relayed like the folder's. */
export const sentWindowStep = relayedOperation(
  'conversationSentStep',
  ['string', 'count', 'count'],
  async (session: MailSession, path: string, start: number, count: number): Promise<ConversationMember[]> =>
    session.run(async (client) => {
      const mailbox = await ensureSelected(client, path, false, true);
      return (await fetchNewest(client, mailbox.exists, start, count, path, true)).members;
    }),
);

/** The Sent folder whose replies join the conversations of `folder`; none when that is Sent itself. */
export async function sentFolderFor(session: MailSession, folder: string): Promise<string | undefined> {
  const sent = findSpecialUse(await session.folders(), '\\Sent');
  return sent && sent.path !== folder ? sent.path : undefined;
}
