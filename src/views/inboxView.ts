import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { actionTargets } from '../mail/conversationGrouping';
import { summarizeFolders } from '../mail/mailbox';
import type { FolderChange, MailSession, SessionState } from '../mail/connection';
import type { InboxNavigation } from '../services/inboxNavigation';
import type { AccountChecking } from '../services/accountChecking';
import { inboxViewId } from '../services/inboxNavigation';
import type { MailLayer } from '../services/mailLayer';
import type { MessageActions, MessageChange } from '../services/messageActions';
import { inboxSettings, setInboxViewMode } from '../services/settings';
import type { ConnectionStatus, FolderSummary, InboxProtocol, MessageAction, MessageRef, RowsPage } from '../shared/protocol';
import { isInboxToExtension } from '../shared/protocolChecks';
import type { NotificationToWebview } from '../shared/webviewProtocol';
import type { Subscription } from '../util/event';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import { FolderRows } from './folderRows';
import type { OpenedFolder } from './folderRows';
import { notifyNewMail } from './newMailNotifier';
import type { ReaderPanel } from './readerPanel';
import { UnreadBadge } from './unreadBadge';
import { WebviewFocus } from './webviewFocus';
import { WebviewHost } from './webviewHost';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { ui } from '../ui/text';

/** Unread counts older than this are read again (STATUS) when the folder picker opens; the badge's folder is counted on every change. */
const pickerCountsMaxAgeMs = 15_000;

export interface InboxDependencies {
  accounts: MailAccounts;
  mail: MailLayer;
  actions: MessageActions;
  checking: AccountChecking;
  reader: ReaderPanel;
  logger: Logger;
  extensionUri: vscode.Uri;
}

/**
 * The "Inbox" webview view: account and folder picker, the virtualized list (rows paged on
 * demand), search, live updates from IDLE; the selected folder's unread count on its badge.
 */
export class InboxViewProvider implements vscode.WebviewViewProvider, InboxNavigation, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** The Inbox's document has the keyboard focus (the `mailroom.inboxFocused` context key). */
  public readonly focus = new WebviewFocus();
  private host: WebviewHost<InboxProtocol> | undefined;
  private selectedAccountId: string | undefined;
  private selectedFolder = 'INBOX';
  private readonly rows: FolderRows;
  private readonly badge: UnreadBadge;
  private readonly sessionSubscriptions = new Map<string, Subscription[]>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The folder list last sent to the view, so a fresh unread count can be patched into it. */
  private shownFolders: { accountId: string; folders: FolderSummary[] } | undefined;

  public constructor(private readonly deps: InboxDependencies) {
    this.rows = new FolderRows(deps.mail.cache);
    this.badge = new UnreadBadge({
      logger: deps.logger,
      selection: () => (this.selectedAccountId === undefined ? undefined : { accountId: this.selectedAccountId, folder: this.selectedFolder }),
      session: (accountId) => this.sessionFor(accountId),
      setBadge: (badge) => {
        if (this.view) {
          this.view.badge = badge;
        }
      },
      counted: (accountId, folder, unread) => this.patchUnread(accountId, folder, unread),
    });
    const subscriptions = [
      deps.actions.onDidChangeMessage((change) => this.messageChanged(change)),
      deps.mail.onWillForgetAccount((accountId) => this.forgetAccount(accountId)),
    ];
    this.disposables.push(
      this.badge,
      // Accounts signed in or removed in any window.
      deps.accounts.onDidChangeAccounts(() => this.sendAccounts()),
      { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) },
    );
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
        checkAccount: ({ accountId, failure }) => this.deps.checking.check({ accountId, earlierFailure: failure }),
        openMessage: (message) => this.deps.reader.show(message.message),
        openConversation: ({ message }) => this.openConversation(message),
        setViewMode: ({ mode }) => setInboxViewMode(mode),
        action: (message) => this.act(message.message, message.action),
      },
      requests: {
        listFolders: async ({ accountId, freshCounts }) => {
          const folders = summarizeFolders(await this.sessionFor(accountId).folders(freshCounts ? { countsMaxAgeMs: pickerCountsMaxAgeMs } : {}));
          this.shownFolders = { accountId, folders };
          return folders;
        },
        openFolder: async ({ accountId, folder }) => ({ accountId, folder, ...(await this.openFolder(this.sessionFor(accountId), folder)) }),
        loadRows: ({ accountId, folder, start, count, search }) => this.rows.load(this.sessionFor(accountId), folder, start, count, search),
        search: ({ accountId, folder, query }) => this.rows.search(this.sessionFor(accountId), folder, query, inboxSettings().pageSize),
      },
    });
    this.host = host;
    view.webview.options = webviewOptions(this.deps.extensionUri, vscode.Uri.joinPath);
    view.webview.html = renderWebviewHtml(view.webview, this.deps.extensionUri, vscode.Uri.joinPath, {
      view: 'inbox',
      title: ui`Inbox`.value,
      language: vscode.env.language,
    });
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

  public refresh(): void {
    void this.sendFolders(true);
    this.post({ type: 'folderChanged', accountId: this.selectedAccountId ?? '', folder: this.selectedFolder });
  }

  public async showFolder(accountId: string, folder: string): Promise<void> {
    this.selectedAccountId = accountId;
    this.selectedFolder = folder;
    await this.reveal();
    this.sendAccounts();
  }

  public async reveal(): Promise<void> {
    // The editor's own command for a contributed view: it resolves the view first if need be.
    await vscode.commands.executeCommand(`${inboxViewId}.focus`);
  }

  public async focusSearch(): Promise<void> {
    await this.reveal();
    this.post({ type: 'focusSearch' });
  }

  public dispose(): void {
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
    const settings = inboxSettings();
    const opened = await this.rows.open(session, folder, settings.pageSize, settings.viewMode);
    const accountId = session.account.id;
    opened.reconciled?.then(
      (reconciled) => {
        this.post({ type: 'folderReconciled', accountId, folder, page: reconciled.page });
        this.followFirstScreen(accountId, folder, reconciled);
      },
      (error: unknown) => this.deps.logger.warn(`${folder} not reconciled with the server: ${describeError(error)}`),
    );
    this.followFirstScreen(accountId, folder, opened);
    return opened.page;
  }

  /** The badge once the server answered, and the rows' previews when they follow. */
  private followFirstScreen(accountId: string, folder: string, { page, details }: OpenedFolder): void {
    if (!page.fromCache && !page.reconciling) {
      this.badge.schedule();
    }
    details?.then(
      (rows) =>
        rows === 'regrouped' ? this.post({ type: 'folderChanged', accountId, folder }) : rows && this.post({ type: 'rowsDetailed', accountId, folder, rows }),
      (error: unknown) => this.deps.logger.warn(`Previews of ${folder} not loaded: ${describeError(error)}`),
    );
  }

  /** A conversation's row: all its messages in the reader (a row no longer threaded opens as a message). */
  private async openConversation(ref: MessageRef): Promise<void> {
    const members = this.rows.conversationOf(ref.accountId, ref.folder, ref.uid);
    await (members ? this.deps.reader.showConversation(ref, members) : this.deps.reader.show(ref));
  }

  /** An action on a row: on a conversation's, some take all its messages in the folder (see actionTargets). */
  private async act(ref: MessageRef, action: MessageAction): Promise<void> {
    for (const target of actionTargets(ref, action, this.rows.conversationOf(ref.accountId, ref.folder, ref.uid))) {
      await this.deps.actions.run(target, action);
    }
  }

  private sessionFor(accountId: string): MailSession {
    const session = this.deps.mail.session(accountId);
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
    this.badge.schedule();
    // Every window's list follows the change; one window of the profile announces it.
    if (change.kind === 'exists' && inboxSettings().notifyNewMail && this.deps.mail.announcesNewMail(session)) {
      await notifyNewMail(session, change.folder, (ref) => this.deps.reader.show(ref));
    }
  }

  private messageChanged(change: MessageChange): void {
    const { ref } = change;
    if (change.removed) {
      this.post({ type: 'rowsRemoved', accountId: ref.accountId, folder: ref.folder, uids: [ref.uid] });
    } else {
      this.post({ type: 'rowUpdated', accountId: ref.accountId, folder: ref.folder, row: change.row });
    }
    this.badge.schedule();
  }

  /** The picker's count came from the connection's folder listing: keep it in step with the badge. */
  private patchUnread(accountId: string, folder: string, unread: number): void {
    const shown = this.shownFolders;
    if (shown && shown.accountId === accountId) {
      const folders = shown.folders.map((candidate) => (candidate.path === folder ? { ...candidate, unread } : candidate));
      this.shownFolders = { accountId, folders };
      this.post({ type: 'folders', accountId, folders });
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
      viewMode: inboxSettings().viewMode,
      ...(this.selectedAccountId === undefined ? {} : { selectedAccountId: this.selectedAccountId, selectedFolder: this.selectedFolder }),
    });
    if (accounts.length === 0) {
      this.badge.clear();
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

  /** The account is going: stop following its session and drop its search results. */
  private forgetAccount(accountId: string): void {
    this.sessionSubscriptions.get(accountId)?.forEach((subscription) => subscription.dispose());
    this.sessionSubscriptions.delete(accountId);
    this.rows.forgetAccount(accountId);
  }
}
