import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { fetchNewestRows, loadRows, loadRowsByUid, searchFolder, summarizeFolders, unreadCount } from '../mail/mailbox';
import type { FolderChange, MailSession, MailSessions, SessionState } from '../mail/connection';
import type { Subscription } from '../util/event';
import type { EnvelopeCache } from '../mail/envelopeCache';
import { openFolderWithCache } from '../mail/envelopeCache';
import type { ConnectionStatus, FolderSummary, InboxProtocol, RowsPage } from '../shared/protocol';
import type { NotificationToWebview } from '../shared/webviewProtocol';
import { isInboxToExtension } from '../shared/protocol';
import { isMailroomError } from '../util/errors';
import { WebviewFocus } from './webviewFocus';
import { WebviewHost } from './webviewHost';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { MessageActions, MessageChange } from './messageActions';
import type { ReaderPanel } from './readerPanel';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { inboxSettings } from './settings';
import { StatusItem, notify } from '../ui/surfaces';
import { ui } from '../ui/text';

export interface InboxDependencies {
  accounts: MailAccounts;
  sessions: MailSessions;
  cache: EnvelopeCache;
  actions: MessageActions;
  reader: ReaderPanel;
  logger: Logger;
  extensionUri: vscode.Uri;
}

/** Folders whose new mail never raises a notification: bulk or our own. */
const quietSpecialUses = new Set(['\\Junk', '\\Trash', '\\Sent', '\\Drafts', '\\All', '\\Archive']);

/**
 * The "Inbox" webview view: account and folder picker, the virtualized list (rows paged on
 * demand), search, live updates from IDLE, the unread badge and status-bar item.
 */
export class InboxViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  public static readonly viewId = 'mailroom.inbox';

  private view: vscode.WebviewView | undefined;
  /** The Inbox's document has the keyboard focus (the `mailroom.inboxFocused` context key). */
  public readonly focus = new WebviewFocus();
  private host: WebviewHost<InboxProtocol> | undefined;
  private selectedAccountId: string | undefined;
  private selectedFolder = 'INBOX';
  private knownAccountIds = new Set<string>();
  private readonly searches = new Map<string, number[]>();
  private readonly sessionSubscriptions = new Map<string, Subscription[]>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusBar: StatusItem;
  private badgeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The folder list last sent to the view, so a fresh unread count can be patched into it. */
  private shownFolders: { accountId: string; folders: FolderSummary[] } | undefined;

  public constructor(private readonly deps: InboxDependencies) {
    this.statusBar = new StatusItem({ id: 'mailroom.unread', name: ui`Mailroom unread mail`, alignment: 'right', priority: 100, command: `${InboxViewProvider.viewId}.focus` });
    this.knownAccountIds = new Set(deps.accounts.list().map((account) => account.id));
    this.disposables.push(
      this.statusBar,
      deps.accounts.onDidChangeAccounts(() => void this.accountsChanged()),
    );
    const actionSubscription = deps.actions.onDidChangeMessage((change) => this.messageChanged(change));
    this.disposables.push({ dispose: () => actionSubscription.dispose() });
  }

  public resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.host?.dispose();
    const host = new WebviewHost<InboxProtocol>(view, {
      name: 'Inbox view',
      isMessage: isInboxToExtension,
      logger: this.deps.logger,
      onReady: () => this.sendAccounts(),
      notifications: {
        signIn: () => this.deps.accounts.signIn(),
        refresh: () => this.refresh(),
        focusChanged: (message) => this.focus.set(message.focused),
        openMessage: (message) => this.deps.reader.show(message.message),
        action: (message) => this.deps.actions.run(message.message, message.action),
      },
      requests: {
        listFolders: async ({ accountId }) => {
          const folders = summarizeFolders(await this.sessionFor(accountId).folders());
          this.shownFolders = { accountId, folders };
          return folders;
        },
        openFolder: async ({ accountId, folder }) => ({ accountId, folder, ...(await this.openFolder(this.sessionFor(accountId), folder)) }),
        loadRows: ({ accountId, folder, start, count, search }) => {
          const session = this.sessionFor(accountId);
          return search === undefined ? this.loadFolderRows(session, folder, start, count) : this.loadSearchRows(session, folder, search, start, count);
        },
        search: async ({ accountId, folder, query }) => {
          const session = this.sessionFor(accountId);
          const { uids } = await searchFolder(session, folder, query);
          this.searches.set(searchKey(session.account.id, folder, query), uids);
          return this.loadSearchRows(session, folder, query, 0, inboxSettings().pageSize);
        },
      },
    });
    this.host = host;
    view.webview.options = webviewOptions(this.deps.extensionUri, vscode.Uri.joinPath);
    view.webview.html = renderWebviewHtml(view.webview, this.deps.extensionUri, vscode.Uri.joinPath, { view: 'inbox', title: 'Inbox' });
    this.disposables.push(
      host,
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.host = undefined;
        }
      }),
    );
  }

  /** `Mailroom: Refresh Inbox`. */
  public refresh(): void {
    void this.sendFolders(true);
    this.post({ type: 'folderChanged', accountId: this.selectedAccountId ?? '', folder: this.selectedFolder });
  }

  /** Shows one folder of one account (the composer's "Show in Sent"): selects it and focuses the view. */
  public async showFolder(accountId: string, folder: string): Promise<void> {
    this.selectedAccountId = accountId;
    this.selectedFolder = folder;
    await vscode.commands.executeCommand(`${InboxViewProvider.viewId}.focus`);
    this.sendAccounts();
  }

  /** `Mailroom: Search Mail…`: focus the view's search box. */
  public async focusSearch(): Promise<void> {
    await vscode.commands.executeCommand(`${InboxViewProvider.viewId}.focus`);
    this.post({ type: 'focusSearch' });
  }

  public dispose(): void {
    clearTimeout(this.badgeTimer);
    for (const subscriptions of this.sessionSubscriptions.values()) {
      subscriptions.forEach((subscription) => subscription.dispose());
    }
    this.disposables.forEach((disposable) => disposable.dispose());
  }

  public post(message: NotificationToWebview<InboxProtocol>): void {
    this.host?.post(message);
  }

  private async openFolder(session: MailSession, folder: string): Promise<RowsPage> {
    this.selectedAccountId = session.account.id;
    this.selectedFolder = folder;
    this.searches.clear();
    session.watch(folder);
    try {
      const result = await openFolderWithCache(session, this.deps.cache, folder, inboxSettings().pageSize);
      this.scheduleBadgeUpdate();
      return { total: result.status.total, start: 0, rows: result.rows, fromCache: false };
    } catch (error) {
      return this.fromCacheOr(session, folder, 0, inboxSettings().pageSize, error);
    }
  }

  private async loadFolderRows(session: MailSession, folder: string, start: number, count: number): Promise<RowsPage> {
    try {
      const result = await loadRows(session, folder, start, count);
      await this.deps.cache.remember(session.account.id, folder, result.status, start, result.rows);
      return { total: result.status.total, start, rows: result.rows, fromCache: false };
    } catch (error) {
      return this.fromCacheOr(session, folder, start, count, error);
    }
  }

  /** Offline: the cached envelopes with a banner; any other failure is reported as it is. */
  private async fromCacheOr(session: MailSession, folder: string, start: number, count: number, error: unknown): Promise<RowsPage> {
    const cached = isMailroomError(error, 'NetworkError') || isMailroomError(error, 'Throttled') ? await this.deps.cache.read(session.account.id, folder) : undefined;
    if (!cached) {
      throw error;
    }
    return { total: cached.rows.length, start, rows: cached.rows.slice(start, start + count), fromCache: true };
  }

  private async loadSearchRows(session: MailSession, folder: string, query: string, start: number, count: number): Promise<RowsPage> {
    const uids = this.searches.get(searchKey(session.account.id, folder, query)) ?? [];
    const rows = await loadRowsByUid(session, folder, uids.slice(start, start + count));
    return { total: uids.length, start, rows, fromCache: false };
  }

  private sessionFor(accountId: string): MailSession {
    const session = this.deps.actions.session(accountId);
    if (!this.sessionSubscriptions.has(accountId)) {
      this.sessionSubscriptions.set(accountId, [
        session.onDidChangeState((state) => this.connectionChanged(session.account, state)),
        session.onDidChangeFolder((change) => void this.folderChanged(session, change)),
      ]);
    }
    return session;
  }

  private connectionChanged(account: MailAccount, state: SessionState): void {
    if (state === 'notConnected') {
      return;
    }
    const status: ConnectionStatus = state;
    this.post({ type: 'connection', accountId: account.id, status });
    if (state === 'online' && account.id === this.selectedAccountId) {
      // Back from offline: whatever changed meanwhile is fetched again.
      this.post({ type: 'folderChanged', accountId: account.id, folder: this.selectedFolder });
    }
  }

  private async folderChanged(session: MailSession, change: FolderChange): Promise<void> {
    this.post({ type: 'folderChanged', accountId: change.accountId, folder: change.folder, ...(change.exists === undefined ? {} : { total: change.exists }) });
    this.scheduleBadgeUpdate();
    if (change.kind === 'exists' && inboxSettings().notifyNewMail) {
      await this.notifyNewMail(session, change.folder);
    }
  }

  private async notifyNewMail(session: MailSession, folder: string): Promise<void> {
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
      const open = ui`Open`;
      if ((await notify('info', ui`New mail from ${newest.from}: ${newest.subject}`, open)) === open) {
        await this.deps.reader.show({ accountId: session.account.id, folder, uid: newest.uid });
      }
    }
  }

  private messageChanged(change: MessageChange): void {
    const { ref } = change;
    if (change.removed) {
      this.post({ type: 'rowsRemoved', accountId: ref.accountId, folder: ref.folder, uids: [ref.uid] });
    } else {
      this.post({ type: 'rowUpdated', accountId: ref.accountId, folder: ref.folder, row: change.row });
    }
    this.scheduleBadgeUpdate();
  }

  /** Badge and status bar show the unread count of the selected folder; debounced, one STATUS. */
  private scheduleBadgeUpdate(): void {
    clearTimeout(this.badgeTimer);
    this.badgeTimer = setTimeout(() => void this.updateBadge(), 300);
  }

  private async updateBadge(): Promise<void> {
    const accountId = this.selectedAccountId;
    if (!accountId) {
      return;
    }
    try {
      const unread = await unreadCount(this.sessionFor(accountId), this.selectedFolder);
      const tooltip = ui`${unread} unread in ${this.selectedFolder}`;
      if (this.view) {
        this.view.badge = unread > 0 ? { value: unread, tooltip: tooltip.value } : undefined;
      }
      // The picker's count came from the connection's folder listing: keep it in step with the badge.
      const shown = this.shownFolders;
      if (shown && shown.accountId === accountId) {
        const folders = shown.folders.map((folder) => (folder.path === this.selectedFolder ? { ...folder, unread } : folder));
        this.shownFolders = { accountId, folders };
        this.post({ type: 'folders', accountId, folders });
      }
      if (unread > 0) {
        this.statusBar.show('mail', ui`${unread}`, tooltip);
      } else {
        this.statusBar.hide();
      }
    } catch (error) {
      this.deps.logger.debug(`Unread count not updated: ${describeError(error)}`);
    }
  }

  /** Who is signed in, and the settings the view reads (sent again when one changes). */
  public sendAccounts(): void {
    const accounts = this.deps.accounts.list();
    if (!accounts.some((account) => account.id === this.selectedAccountId)) {
      this.selectedAccountId = accounts[0]?.id;
      this.selectedFolder = 'INBOX';
    }
    this.post({
      type: 'accounts',
      accounts: accounts.map((account) => ({ id: account.id, email: account.email })),
      pageSize: inboxSettings().pageSize,
      singleKeyShortcuts: inboxSettings().singleKeyShortcuts,
      ...(this.selectedAccountId === undefined ? {} : { selectedAccountId: this.selectedAccountId, selectedFolder: this.selectedFolder }),
    });
    if (accounts.length === 0) {
      this.statusBar.hide();
      if (this.view) {
        this.view.badge = undefined;
      }
    }
  }

  private async sendFolders(refresh: boolean): Promise<void> {
    const accountId = this.selectedAccountId;
    if (!accountId) {
      return;
    }
    try {
      const folders = summarizeFolders(await this.sessionFor(accountId).folders({ refresh }));
      this.shownFolders = { accountId, folders };
      this.post({ type: 'folders', accountId, folders });
    } catch (error) {
      this.deps.logger.warn(`Folder list not refreshed: ${describeError(error)}`);
    }
  }

  /** Accounts removed in any window: forget them here too. */
  private async accountsChanged(): Promise<void> {
    const current = new Set(this.deps.accounts.list().map((account) => account.id));
    for (const id of this.knownAccountIds) {
      if (!current.has(id)) {
        await this.forgetAccount(id);
      }
    }
    this.knownAccountIds = current;
    this.sendAccounts();
  }

  /** Sign-out: close the account's connections, stop its timers and delete its cached mail. */
  public async forgetAccount(accountId: string): Promise<void> {
    this.sessionSubscriptions.get(accountId)?.forEach((subscription) => subscription.dispose());
    this.sessionSubscriptions.delete(accountId);
    for (const key of [...this.searches.keys()]) {
      if ((JSON.parse(key) as string[])[0] === accountId) {
        this.searches.delete(key);
      }
    }
    await this.deps.sessions.close(accountId);
    await this.deps.cache.deleteAccount(accountId);
  }
}

function searchKey(accountId: string, folder: string, query: string): string {
  return JSON.stringify([accountId, folder, query]);
}
