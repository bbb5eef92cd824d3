import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { MessageRow } from '../shared/protocol';
import { ui } from '../ui/text';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { conversationRow, groupConversations, memberOf, rowMemberOf, threadIdentityFor } from './conversationGrouping';
import type { ConversationMember, ThreadIdentity } from './conversationGrouping';
import { findSpecialUse } from './folders';
import { ensureSelected, loadRowsByUid, sequenceRangeForIndexes, statusOf } from './mailbox';
import type { FolderStatus } from './mailbox';
import { threadByReferences } from './serverThreads';

/** What threading reads of each message of the window: no structure, no preview (the rows fetch those for one page). */
const threadingFetchQuery: FetchQueryObject = { uid: true, flags: true, envelope: true, internalDate: true, threadId: true, headers: ['references'] };

/** Messages threaded per page of conversations on the first screen; the window grows as the list scrolls. */
const windowPerPage = 3;
const largestWindowStep = 2_000;

export interface ConversationPage {
  status: FolderStatus;
  /** Conversations known so far, plus a page more while older messages are not threaded yet. */
  total: number;
  start: number;
  rows: MessageRow[];
}

/** The newest messages of a folder threaded so far, and the person's sent messages of the same days. */
interface ThreadedWindow {
  status: FolderStatus;
  identity: ThreadIdentity;
  folderMembers: ConversationMember[];
  sentMembers: ConversationMember[];
  /** The Sent folder's messages are all fetched, or the oldest fetched is older than the window. */
  sentComplete: boolean;
  conversations: ConversationMember[][];
  /** The server's threads of the whole window, where it threads. */
  serverThreads: number[][] | null;
}

async function fetchNewest(client: ImapFlow, total: number, start: number, count: number, folder: string, sent: boolean): Promise<ConversationMember[]> {
  const range = sequenceRangeForIndexes(total, start, count);
  if (!range) {
    return [];
  }
  const messages = await client.fetchAll(`${range.from}:${range.to}`, threadingFetchQuery);
  return messages.map((message) => memberOf(message, folder, sent));
}

/** What one step of the window brings: the folder's state, its messages [start, start + count), and the server's threads of [0, start + count). */
interface WindowStep {
  status: FolderStatus;
  identity: ThreadIdentity;
  members: ConversationMember[];
  /** THREAD=REFERENCES's groups of UIDs of the window so far; null where the server does not thread. */
  serverThreads: number[][] | null;
}

/**
 * One step of the window on the folder (selected afresh for the first): a relayed operation, so a
 * window without the connections has the one holding them run it [issue 13].
 */
const folderWindowStep = relayedOperation(
  'conversationFolderStep',
  ['string', 'count', 'count', 'boolean'],
  async (session: MailSession, folder: string, start: number, count: number, fresh: boolean): Promise<WindowStep> =>
    session.run(async (client) => {
      const status = statusOf(await ensureSelected(client, folder, fresh, true));
      const members = await fetchNewest(client, status.total, start, count, folder, false);
      const identity = threadIdentityFor(client.capabilities);
      const range = sequenceRangeForIndexes(status.total, 0, start + count);
      const serverThreads = identity === 'threadReferences' && range ? await threadByReferences(client, `${range.from}:${range.to}`) : undefined;
      return { status, identity: identity === 'threadReferences' && !serverThreads ? 'jwz' : identity, members, serverThreads: serverThreads ?? null };
    }),
);

/** The newest messages of Sent [start, start + count), for replies to join their conversations; relayed like the folder's. */
const sentWindowStep = relayedOperation(
  'conversationSentStep',
  ['string', 'count', 'count'],
  async (session: MailSession, path: string, start: number, count: number): Promise<ConversationMember[]> =>
    session.run(async (client) => {
      const mailbox = await ensureSelected(client, path, false, true);
      return fetchNewest(client, mailbox.exists, start, count, path, true);
    }),
);

/**
 * A folder shown as conversations (issue 15): the newest messages are threaded in a window that
 * grows as the list asks for more, with the server's thread identity where it offers one, and the
 * person's replies from Sent joined in. A conversation reaching beyond the window is shown with the
 * messages inside it (undercounted, never overcounted) until the window reaches its older ones.
 */
export class ConversationList {
  private window: ThreadedWindow | undefined;

  public constructor(
    private readonly session: MailSession,
    public readonly folder: string,
  ) {}

  /** Selects the folder afresh and returns the first page of conversations. */
  public async open(pageSize: number): Promise<ConversationPage> {
    this.window = undefined;
    return this.load(0, pageSize);
  }

  /** Conversations [start, start + count), threading older messages first where the window is short. */
  public async load(start: number, count: number): Promise<ConversationPage> {
    const window = await this.threadedFor(start + count + 1, count);
    const page = window.conversations.slice(start, start + count);
    const uids = page.map((conversation) => rowMemberOf(conversation)?.uid).filter((uid): uid is number => uid !== undefined);
    const rows = await loadRowsByUid(this.session, this.folder, uids);
    const me = ui`me`.value;
    const byUid = new Map(page.map((conversation) => [rowMemberOf(conversation)?.uid, conversation]));
    const complete = window.folderMembers.length >= window.status.total;
    return {
      status: window.status,
      total: window.conversations.length + (complete ? 0 : count),
      start,
      rows: rows.map((row) => conversationRow(row, byUid.get(row.uid) ?? [], me)),
    };
  }

  /** The conversation whose row is (or which holds) this message of the folder, oldest first. */
  public conversationOf(uid: number): readonly ConversationMember[] | undefined {
    return this.window?.conversations.find((conversation) => conversation.some((member) => !member.sent && member.uid === uid));
  }

  private async threadedFor(wanted: number, pageSize: number): Promise<ThreadedWindow> {
    let window = this.window ?? (await this.firstWindow(pageSize * windowPerPage));
    while (window.conversations.length < wanted && window.folderMembers.length < window.status.total) {
      window = await this.widen(window, Math.min(largestWindowStep, Math.max(pageSize * windowPerPage, window.folderMembers.length)));
    }
    this.window = window;
    return window;
  }

  /**
   * Sent first, then the folder: the folder stays selected for the rows' FETCH that follows, so the
   * big folder is selected once. Sent's newest messages are taken as many as the window's, and more
   * as the window grows (only those of the window's days join).
   */
  private async firstWindow(size: number): Promise<ThreadedWindow> {
    const sentPath = await this.sentPath();
    const sentMembers = sentPath === undefined ? [] : await sentWindowStep(this.session, sentPath, 0, size);
    const step = await folderWindowStep(this.session, this.folder, 0, size, true);
    return thread({
      status: step.status,
      identity: step.identity,
      folderMembers: step.members,
      sentMembers,
      sentComplete: sentPath === undefined || sentMembers.length < size,
      conversations: [],
      serverThreads: step.serverThreads,
    });
  }

  private async widen(window: ThreadedWindow, step: number): Promise<ThreadedWindow> {
    const sentPath = window.sentComplete ? undefined : await this.sentPath();
    const moreSent = sentPath === undefined ? [] : await sentWindowStep(this.session, sentPath, window.sentMembers.length, step);
    const older = await folderWindowStep(this.session, this.folder, window.folderMembers.length, step, false);
    return thread({
      ...window,
      identity: older.identity,
      folderMembers: [...window.folderMembers, ...older.members],
      sentMembers: [...window.sentMembers, ...moreSent],
      sentComplete: window.sentComplete || moreSent.length < step,
      serverThreads: older.serverThreads,
    });
  }

  /** The Sent folder whose replies join the conversations; none when the folder shown is Sent itself. */
  private async sentPath(): Promise<string | undefined> {
    const sent = findSpecialUse(await this.session.folders(), '\\Sent');
    return sent && sent.path !== this.folder ? sent.path : undefined;
  }
}

/** Threads the window: by the server's threads where it gave them, else here; Sent's replies of the window's days join. */
function thread(window: ThreadedWindow): ThreadedWindow {
  const oldest = window.folderMembers.reduce((earliest, member) => Math.min(earliest, member.date), Number.POSITIVE_INFINITY);
  const sent = window.sentMembers.filter((member) => member.date >= oldest);
  return { ...window, conversations: groupConversations(window.folderMembers, sent, window.identity, window.serverThreads ?? undefined) };
}
