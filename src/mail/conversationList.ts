import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { MessageRow } from '../shared/protocol';
import { ui } from '../ui/text';
import type { MailSession } from './connection';
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
}

async function fetchNewest(client: ImapFlow, total: number, start: number, count: number, folder: string, sent: boolean): Promise<ConversationMember[]> {
  const range = sequenceRangeForIndexes(total, start, count);
  if (!range) {
    return [];
  }
  const messages = await client.fetchAll(`${range.from}:${range.to}`, threadingFetchQuery);
  return messages.map((message) => memberOf(message, folder, sent));
}

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
   * only if they do not reach back to the window's oldest day.
   */
  private async firstWindow(size: number): Promise<ThreadedWindow> {
    const sentPath = await this.sentPath();
    const sentMembers = sentPath === undefined ? [] : await this.session.run((client) => this.fetchSent(client, sentPath, 0, size));
    return this.session.run(async (client) => {
      const mailbox = await ensureSelected(client, this.folder, true);
      const status = statusOf(mailbox);
      const folderMembers = await fetchNewest(client, status.total, 0, size, this.folder, false);
      const identity = threadIdentityFor(client.capabilities);
      const window: ThreadedWindow = {
        status,
        identity,
        folderMembers,
        sentMembers,
        sentComplete: sentPath === undefined || sentMembers.length < size,
        conversations: [],
      };
      return this.thread(client, window);
    });
  }

  private async widen(window: ThreadedWindow, step: number): Promise<ThreadedWindow> {
    const sentPath = window.sentComplete ? undefined : await this.sentPath();
    const moreSent = sentPath === undefined ? [] : await this.session.run((client) => this.fetchSent(client, sentPath, window.sentMembers.length, step));
    return this.session.run(async (client) => {
      await ensureSelected(client, this.folder, false);
      const older = await fetchNewest(client, window.status.total, window.folderMembers.length, step, this.folder, false);
      const widened: ThreadedWindow = {
        ...window,
        folderMembers: [...window.folderMembers, ...older],
        sentMembers: [...window.sentMembers, ...moreSent],
        sentComplete: window.sentComplete || moreSent.length < step,
      };
      return this.thread(client, widened);
    });
  }

  /** Threads the window (the folder is selected): the server's THREAD where it is the identity, else here. */
  private async thread(client: ImapFlow, window: ThreadedWindow): Promise<ThreadedWindow> {
    const oldest = window.folderMembers.reduce((earliest, member) => Math.min(earliest, member.date), Number.POSITIVE_INFINITY);
    const sent = window.sentMembers.filter((member) => member.date >= oldest);
    let identity = window.identity;
    let serverThreads: number[][] | undefined;
    if (identity === 'threadReferences' && window.folderMembers.length > 0) {
      const range = sequenceRangeForIndexes(window.status.total, 0, window.folderMembers.length);
      serverThreads = range && (await threadByReferences(client, `${range.from}:${range.to}`));
      identity = serverThreads ? identity : 'jwz';
    }
    return { ...window, identity, conversations: groupConversations(window.folderMembers, sent, identity, serverThreads) };
  }

  private async fetchSent(client: ImapFlow, path: string, start: number, count: number): Promise<ConversationMember[]> {
    const mailbox = await ensureSelected(client, path, false);
    return fetchNewest(client, mailbox.exists, start, count, path, true);
  }

  /** The Sent folder whose replies join the conversations; none when the folder shown is Sent itself. */
  private async sentPath(): Promise<string | undefined> {
    const sent = findSpecialUse(await this.session.folders(), '\\Sent');
    return sent && sent.path !== this.folder ? sent.path : undefined;
  }
}
