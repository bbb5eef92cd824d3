// The Inbox view: puts the pickers, the search box, the status and the virtual list on the page, and
// carries what the extension says and what the person does to the part it concerns.
import type { InboxProtocol, InboxShortcut, MessageAction, MessageRow } from '../src/shared/protocol';
import type { NotificationToWebview } from '../src/shared/webviewProtocol';
import { InboxListing } from './inboxListing';
import { InboxPickers } from './inboxPickers';
import { LoadedRows } from './inboxRows';
import { InboxSearchBox } from './inboxSearch';
import { InboxStatus } from './inboxStatus';
import { InboxViewToggle } from './inboxViewToggle';
import { VirtualList } from './virtualList';
import type { WebviewClient } from './webviewClient';
import { connect } from './vscodeApi';
import { reportFocusChanges } from './focusReport';

export class InboxApp {
  private readonly client: WebviewClient<InboxProtocol>;
  private readonly rows = new LoadedRows();
  private readonly list: VirtualList;
  private readonly listing: InboxListing;
  private readonly pickers: InboxPickers;
  private readonly searchBox: InboxSearchBox;
  private readonly status: InboxStatus;
  private readonly viewToggle: InboxViewToggle;

  public constructor(root: HTMLElement) {
    const receive = (message: NotificationToWebview<InboxProtocol>): void => this.receive(message);
    this.client = connect<InboxProtocol>({
      accounts: receive,
      folders: receive,
      connection: receive,
      folderChanged: receive,
      rowUpdated: receive,
      rowsDetailed: receive,
      folderReconciled: receive,
      rowsRemoved: receive,
      focusSearch: receive,
      shortcut: receive,
    });
    this.list = new VirtualList(
      { total: () => this.rows.total, row: (index) => this.rows.get(index), request: (start, end) => this.listing.requestRows(start, end) },
      { open: (index) => this.listing.open(index), escape: () => this.clearSearch() },
    );
    this.pickers = new InboxPickers(() => this.listing, {
      account: (accountId) => this.pickAccount(accountId),
      folder: (path) => this.pickFolder(path),
      openingFolders: () => void this.loadFolders(true),
    });
    this.searchBox = new InboxSearchBox({
      search: (query) => void this.listing.runSearch(query),
      clear: () => this.clearSearch(),
      leave: () => this.list.element.focus(),
    });
    this.status = new InboxStatus({ toolbar: this.pickers.toolbar, searchBar: this.searchBox.bar, list: this.list.element }, this.rows, {
      signIn: () => this.client.post({ type: 'signIn' }),
      tryAgain: () => void this.listing.openFolder(),
      checkAccount: (failure) => {
        const accountId = this.listing.accountId;
        if (accountId) {
          this.client.post({ type: 'checkAccount', accountId, failure });
        }
      },
    });
    this.listing = new InboxListing({ client: this.client, rows: this.rows, list: this.list, status: this.status, open: (row) => this.openMessage(row) });
    this.viewToggle = new InboxViewToggle((mode) => this.client.post({ type: 'setViewMode', mode }));
    this.pickers.toolbar.append(this.viewToggle.element);
    root.append(this.pickers.toolbar, this.searchBox.bar, this.status.banner, this.status.content);
    this.status.show('loading');
    this.client.ready();
    reportFocusChanges((focused) => this.client.post({ type: 'focusChanged', focused }));
  }

  private receive(message: NotificationToWebview<InboxProtocol>): void {
    const listing = this.listing;
    const aboutWhatIsShown = (about: { accountId: string; folder?: string }): boolean =>
      about.accountId === listing.accountId && (about.folder === undefined || about.folder === listing.folder);
    switch (message.type) {
      case 'accounts': {
        const accounts = message.accounts;
        this.rows.setPageSize(message.pageSize);
        this.list.singleKeyShortcuts = message.singleKeyShortcuts;
        this.pickers.showAccounts(accounts, listing.accountId);
        const viewModeChanged = message.viewMode !== this.viewToggle.mode;
        this.viewToggle.show(message.viewMode);
        if (accounts.length === 0) {
          listing.accountId = undefined;
          this.status.show('signIn');
          return;
        }
        // A different account, or a folder the extension asks for (Show in Sent), is opened here.
        if (
          message.selectedAccountId !== listing.accountId ||
          (message.selectedFolder !== undefined && message.selectedFolder !== listing.folder) ||
          this.rows.total === 0
        ) {
          listing.accountId = message.selectedAccountId ?? accounts[0]?.id;
          listing.folder = message.selectedFolder ?? 'INBOX';
          this.pickers.showAccounts(accounts, listing.accountId);
          this.openFolderThenListFolders();
        } else if (viewModeChanged && listing.search === undefined) {
          // The same folder, listed the other way (a search's results stay messages).
          void listing.openFolder();
        }
        return;
      }
      case 'folders':
        if (aboutWhatIsShown(message)) {
          this.pickers.showFolders(message.folders, listing.folder);
        }
        return;
      case 'connection':
        if (aboutWhatIsShown(message)) {
          this.status.setConnection(message.status, message.message);
        }
        return;
      case 'folderChanged':
        if (aboutWhatIsShown(message) && listing.search === undefined) {
          listing.folderChanged(message.total);
        }
        return;
      case 'rowUpdated':
        if (aboutWhatIsShown(message)) {
          this.rows.update(message.row);
          this.list.refresh();
        }
        return;
      case 'rowsDetailed':
        if (aboutWhatIsShown(message)) {
          message.rows.forEach((row) => this.rows.update(row));
          this.list.refresh();
        }
        return;
      case 'folderReconciled':
        if (aboutWhatIsShown(message)) {
          listing.reconciled(message.page);
        }
        return;
      case 'rowsRemoved':
        if (aboutWhatIsShown(message)) {
          listing.removeRows(new Set(message.uids));
        }
        return;
      case 'focusSearch':
        this.searchBox.focus();
        return;
      case 'shortcut':
        this.command(this.list.focused, message.command);
        return;
    }
  }

  private pickAccount(accountId: string): void {
    this.listing.accountId = accountId;
    this.listing.folder = 'INBOX';
    this.openFolderThenListFolders();
  }

  /**
   * The first screen first: the folder list (with unread counts, the costliest part of connecting to
   * a big folder) is asked for once the folder's rows are in, not before them on the same connection.
   */
  private openFolderThenListFolders(): void {
    void this.listing.openFolder().finally(() => void this.loadFolders());
  }

  private pickFolder(path: string): void {
    this.listing.folder = path;
    this.listing.search = undefined;
    this.searchBox.empty();
    void this.listing.openFolder();
  }

  private clearSearch(): void {
    if (this.listing.search !== undefined) {
      this.listing.search = undefined;
      this.searchBox.empty();
      void this.listing.openFolder();
    }
  }

  /** `freshCounts`: the picker is about to open, so it shows the server's unread counts, not the ones listed at connecting. */
  private async loadFolders(freshCounts = false): Promise<void> {
    const accountId = this.listing.accountId;
    if (!accountId) {
      return;
    }
    try {
      const folders = await this.client.request('listFolders', freshCounts ? { accountId, freshCounts } : { accountId });
      if (accountId === this.listing.accountId) {
        this.pickers.showFolders(folders, this.listing.folder);
      }
    } catch {
      // The folder picker keeps what it had; openFolder reports the connection problem.
    }
  }

  private openMessage(row: MessageRow): void {
    if (this.listing.accountId) {
      const message = { accountId: this.listing.accountId, folder: this.listing.folder, uid: row.uid };
      this.client.post(row.conversation ? { type: 'openConversation', message } : { type: 'openMessage', message });
    }
  }

  /** A contributed keybinding (Keyboard Shortcuts) on the focused row; the toggles act on what the row shows now. */
  private command(index: number, command: InboxShortcut): void {
    const row = this.rows.get(index);
    if (!row || !this.listing.accountId) {
      return;
    }
    const action: MessageAction =
      command === 'toggleRead' ? (row.unread ? 'markRead' : 'markUnread') : command === 'toggleFlag' ? (row.flagged ? 'unflag' : 'flag') : command;
    this.client.post({ type: 'action', action, message: { accountId: this.listing.accountId, folder: this.listing.folder, uid: row.uid } });
  }
}
