import type { MessageRow } from '../shared/protocol';
import { ui } from '../ui/text';
import type { MailSession } from './connection';
import { conversationRow, groupConversations, regroupedPage, rowMemberOf } from './conversationGrouping';
import type { ConversationMember, ThreadIdentity } from './conversationGrouping';
import { firstScreenCompletion, folderWindowStep, sentFolderFor, sentWindowStep } from './conversationSteps';
import { withRowDetails } from './firstScreen';
import { loadRowsByUid } from './mailbox';
import type { FolderStatus } from './mailbox';

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

/**
 * A folder shown as conversations (issue 15): the newest messages are threaded in a window that
 * grows as the list asks for more, with the server's thread identity where it offers one, and the
 * person's replies from Sent joined in. A conversation reaching beyond the window is shown with the
 * messages inside it (undercounted, never overcounted) until the window reaches its older ones.
 */
export class ConversationList {
  private window: ThreadedWindow | undefined;
  /** The first screen's window and rows, until {@link completeFirstScreen} has added what they lack. */
  private shown: { window: ThreadedWindow; rows: MessageRow[] } | undefined;
  private completing: Promise<unknown> | undefined;

  public constructor(
    private readonly session: MailSession,
    public readonly folder: string,
  ) {}

  /**
   * Selects the folder afresh and returns the first page of conversations from one FETCH of the
   * cheap items, threaded here (by the server's thread ids where it gives them). Call
   * {@link completeFirstScreen} next, as message mode fetches its rows' details after its first screen.
   */
  public async open(pageSize: number): Promise<ConversationPage> {
    this.window = undefined;
    this.shown = undefined;
    this.completing = undefined;
    const { window, rows: stepRows } = await this.firstWindow(pageSize * windowPerPage);
    this.window = window;
    if (window.conversations.length <= pageSize && window.folderMembers.length < window.status.total) {
      // Long conversations: the window widens (with the server's threads and Sent), the rows come complete.
      return this.load(0, pageSize);
    }
    const rowOf = new Map(stepRows.map((row) => [row.uid, row]));
    const rows = window.conversations
      .slice(0, pageSize)
      .map((conversation) => rowOf.get(rowMemberOf(conversation)?.uid ?? 0))
      .filter((row): row is MessageRow => row !== undefined);
    this.shown = { window, rows };
    return this.page(window, 0, pageSize, rows);
  }

  /**
   * After the first screen: the previews and paperclips of its rows, the server's threads of the
   * window (THREAD=REFERENCES) and the person's replies from Sent. The page's rows again, or
   * 'regrouped' when the server's threads make other messages the page's rows (the list loads it
   * again), or undefined when there is nothing to add (the rows came complete, or another folder
   * was opened meanwhile).
   */
  public completeFirstScreen(): Promise<MessageRow[] | 'regrouped' | undefined> {
    const completing = this.complete();
    this.completing = completing;
    return completing;
  }

  private async complete(): Promise<MessageRow[] | 'regrouped' | undefined> {
    const shown = this.shown;
    this.shown = undefined;
    if (!shown) {
      return undefined;
    }
    const { window } = shown;
    const uids = shown.rows.map((row) => row.uid);
    const size = window.folderMembers.length;
    const completion = await firstScreenCompletion(this.session, this.folder, uids, window.status.total, size, window.identity === 'threadReferences');
    if (!completion) {
      return undefined;
    }
    if (this.window === window) {
      // Not widened meanwhile: a widened window has the server's threads and Sent already.
      const { serverThreads, sentMembers, sentComplete } = completion;
      this.window = thread({ ...window, serverThreads, sentMembers, sentComplete });
    }
    const rows = withRowDetails(shown.rows, completion.details);
    return regroupedPage(rows, (this.window ?? window).conversations.slice(0, rows.length), ui`me`.value) ?? 'regrouped';
  }

  /** Conversations [start, start + count), threading older messages first where the window is short. */
  public async load(start: number, count: number): Promise<ConversationPage> {
    // A page asked for while the first screen is being completed is made from the completed window
    // (with the server's threads and Sent's replies), not from the one about to be replaced.
    await this.completing?.catch(() => undefined);
    const window = await this.threadedFor(start + count + 1, count);
    const page = window.conversations.slice(start, start + count);
    const uids = page.map((conversation) => rowMemberOf(conversation)?.uid).filter((uid): uid is number => uid !== undefined);
    return this.page(window, start, count, await loadRowsByUid(this.session, this.folder, uids));
  }

  /** The page [start, start + count) of the window, made of `rows` (one per conversation's row message). */
  private page(window: ThreadedWindow, start: number, count: number, rows: readonly MessageRow[]): ConversationPage {
    const me = ui`me`.value;
    const byUid = new Map(window.conversations.slice(start, start + count).map((conversation) => [rowMemberOf(conversation)?.uid, conversation]));
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
    let window = this.window ?? (await this.firstWindow(pageSize * windowPerPage)).window;
    while (window.conversations.length < wanted && window.folderMembers.length < window.status.total) {
      window = await this.widen(window, Math.min(largestWindowStep, Math.max(pageSize * windowPerPage, window.folderMembers.length)));
    }
    this.window = window;
    return window;
  }

  /** The first step of the window: the folder selected afresh, its newest messages threaded here (Sent joins later). */
  private async firstWindow(size: number): Promise<{ window: ThreadedWindow; rows: MessageRow[] }> {
    const step = await folderWindowStep(this.session, this.folder, 0, size, true);
    const window = thread({
      status: step.status,
      identity: step.identity,
      folderMembers: step.members,
      sentMembers: [],
      sentComplete: false,
      conversations: [],
      serverThreads: step.serverThreads,
    });
    return { window, rows: step.rows };
  }

  private async widen(window: ThreadedWindow, step: number): Promise<ThreadedWindow> {
    const sentPath = window.sentComplete ? undefined : await sentFolderFor(this.session, this.folder);
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
}

/** Threads the window: by the server's threads where it gave them, else here; Sent's replies of the window's days join. */
function thread(window: ThreadedWindow): ThreadedWindow {
  const oldest = window.folderMembers.reduce((earliest, member) => Math.min(earliest, member.date), Number.POSITIVE_INFINITY);
  const sent = window.sentMembers.filter((member) => member.date >= oldest);
  return { ...window, conversations: groupConversations(window.folderMembers, sent, window.identity, window.serverThreads ?? undefined) };
}
