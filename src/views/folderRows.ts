import { loadRows, loadRowsByUid, searchFolder } from '../mail/mailbox';
import type { MailSession } from '../mail/connection';
import { ConversationList } from '../mail/conversationList';
import type { ConversationMember } from '../mail/conversationGrouping';
import type { EnvelopeCache } from '../mail/envelopeCache';
import { completeFirstScreen, openFolderWithCache } from '../mail/envelopeCache';
import type { InboxViewMode, MessageRow, RowsPage } from '../shared/protocol';
import { isMailroomError } from '../util/errors';
import { SearchResults } from './searchResults';

/** A folder opened for the list: its first page, and what follows it. */
export interface OpenedFolder {
  page: RowsPage;
  /** The page's rows with their previews and paperclips; 'regrouped' when a conversation page has to be loaded again. */
  details?: Promise<MessageRow[] | 'regrouped' | undefined>;
  /** After a cold start from the cache: the server's page (and its details), reconciled with CONDSTORE. */
  reconciled?: Promise<OpenedFolder>;
}

/**
 * The pages of rows the Inbox view asks for: a folder's (kept in the envelope cache, and read from
 * it while offline) or a search's (the UIDs found, fetched a page at a time).
 */
export class FolderRows {
  private readonly searches = new SearchResults();
  /** The folder shown as conversations, per account (none while it is shown as messages). */
  private readonly conversations = new Map<string, ConversationList>();

  public constructor(private readonly cache: EnvelopeCache) {}

  /**
   * Opens `folder` for the list: watched for new mail from now on, earlier searches dropped. The
   * page is the first screen; `details`, when given, brings its rows with previews and paperclips
   * (as conversations, also with the server's threads and the replies from Sent joined), or says
   * the conversations were regrouped so that the page has to be loaded again. On a cold start (the session has not connected yet)
   * with the folder's messages in the envelope cache, the page is the cache's, read before any IMAP
   * command, and `reconciled` brings the server's.
   */
  public async open(session: MailSession, folder: string, pageSize: number, mode: InboxViewMode = 'messages'): Promise<OpenedFolder> {
    this.searches.clear();
    this.conversations.delete(session.account.id);
    // Read before watch() starts the IDLE connection: nothing has gone to the server yet.
    const coldStart = mode === 'messages' && session.state === 'notConnected';
    const cached = coldStart ? await this.cache.read(session.account.id, folder) : undefined;
    session.watch(folder);
    if (cached && cached.rows.length > 0) {
      const page = { total: cached.total, start: 0, rows: cached.rows.slice(0, pageSize), fromCache: false, reconciling: true };
      return { page, reconciled: this.openFromServer(session, folder, pageSize, mode) };
    }
    return this.openFromServer(session, folder, pageSize, mode);
  }

  private async openFromServer(session: MailSession, folder: string, pageSize: number, mode: InboxViewMode): Promise<OpenedFolder> {
    try {
      if (mode === 'conversations') {
        const list = new ConversationList(session, folder);
        this.conversations.set(session.account.id, list);
        const opened = await list.open(pageSize);
        return { page: { total: opened.total, start: 0, rows: opened.rows, fromCache: false }, details: list.completeFirstScreen() };
      }
      const result = await openFolderWithCache(session, this.cache, folder, pageSize);
      const page = { total: result.status.total, start: 0, rows: result.rows, fromCache: false };
      return result.detailsPending ? { page, details: completeFirstScreen(session, this.cache, folder, result) } : { page };
    } catch (error) {
      return { page: await this.fromCacheOr(session, folder, 0, pageSize, error) };
    }
  }

  /** A page of the folder, or of the search `search` run in it before. */
  public async load(session: MailSession, folder: string, start: number, count: number, search?: string): Promise<RowsPage> {
    if (search !== undefined) {
      return this.loadSearchRows(session, folder, search, start, count);
    }
    const conversations = this.conversations.get(session.account.id);
    if (conversations?.folder === folder) {
      const page = await conversations.load(start, count);
      return { total: page.total, start, rows: page.rows, fromCache: false };
    }
    try {
      const result = await loadRows(session, folder, start, count);
      await this.cache.remember(session.account.id, folder, result.status, start, result.rows);
      return { total: result.status.total, start, rows: result.rows, fromCache: false };
    } catch (error) {
      return this.fromCacheOr(session, folder, start, count, error);
    }
  }

  /** Runs the search on the server and returns its first page. */
  public async search(session: MailSession, folder: string, query: string, pageSize: number): Promise<RowsPage> {
    const { uids } = await searchFolder(session, folder, query);
    this.searches.set({ accountId: session.account.id, folder, query }, uids);
    return this.loadSearchRows(session, folder, query, 0, pageSize);
  }

  /** The conversation a row of the folder shown as conversations stands for, oldest first. */
  public conversationOf(accountId: string, folder: string, uid: number): readonly ConversationMember[] | undefined {
    const conversations = this.conversations.get(accountId);
    return conversations?.folder === folder ? conversations.conversationOf(uid) : undefined;
  }

  public forgetAccount(accountId: string): void {
    this.searches.forgetAccount(accountId);
    this.conversations.delete(accountId);
  }

  private async loadSearchRows(session: MailSession, folder: string, query: string, start: number, count: number): Promise<RowsPage> {
    const uids = this.searches.get({ accountId: session.account.id, folder, query }) ?? [];
    const rows = await loadRowsByUid(session, folder, uids.slice(start, start + count));
    return { total: uids.length, start, rows, fromCache: false };
  }

  /** Offline: the cached envelopes with a banner; any other failure is reported as it is. */
  private async fromCacheOr(session: MailSession, folder: string, start: number, count: number, error: unknown): Promise<RowsPage> {
    const cached =
      isMailroomError(error, 'NetworkError') || isMailroomError(error, 'Throttled') ? await this.cache.read(session.account.id, folder) : undefined;
    if (!cached) {
      throw error;
    }
    return { total: cached.rows.length, start, rows: cached.rows.slice(start, start + count), fromCache: true };
  }
}
