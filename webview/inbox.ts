// The Inbox view: account/folder pickers, search, the virtual list and its states.
import type { AccountSummary, ConnectionStatus, FolderSummary, InboxProtocol, MessageAction, MessageRow, RowsPage } from '../src/shared/protocol';
import type { NotificationToWebview } from '../src/shared/webviewProtocol';
import { VirtualList } from './virtualList';
import type { WebviewClient } from './webviewClient';
import { codicon, element, loadingIndicator } from './dom';
import { connect } from './vscodeApi';

interface SelectElement extends HTMLElement {
  value: string;
}

export class InboxApp {
  private accounts: AccountSummary[] = [];
  private accountId: string | undefined;
  private folder = 'INBOX';
  private folders: FolderSummary[] = [];
  private total = 0;
  private rows = new Map<number, MessageRow>();
  private readonly pendingPages = new Set<number>();
  private search: string | undefined;
  private generation = 0;
  /** Rows per request: the `mailroom.inbox.pageSize` setting, which comes with the accounts. */
  private pageSize = 50;
  private readonly client: WebviewClient<InboxProtocol>;
  private connection: ConnectionStatus = 'connecting';
  private fromCache = false;
  /** A row opened (Enter, click) while it was still a placeholder: opened when its page arrives. */
  private openWhenLoaded: { index: number; generation: number } | undefined;
  /** The folder's first load while it is on its way, with a change reported meanwhile (its count, when known). */
  private firstLoad: { change?: { total: number | undefined } } | undefined;

  private readonly accountSelect = element('vscode-single-select', { attributes: { 'aria-label': 'Account' } }) as SelectElement;
  private readonly folderSelect = element('vscode-single-select', { attributes: { 'aria-label': 'Folder' } }) as SelectElement;
  private readonly searchField = element('vscode-textfield', { attributes: { placeholder: 'Search mail (Enter)', 'aria-label': 'Search mail', type: 'search' } }) as SelectElement;
  private readonly banner = element('div', { className: 'banner', attributes: { role: 'status', 'aria-live': 'polite' } });
  private readonly content = element('div', { className: 'content' });
  private readonly toolbar = element('div', { className: 'toolbar' });
  private readonly searchBar = element('div', { className: 'searchbar', attributes: { role: 'search' } });
  private readonly list: VirtualList;

  public constructor(private readonly root: HTMLElement) {
    this.list = new VirtualList(
      { total: () => this.total, row: (index) => this.rows.get(index), request: (start, end) => this.requestRows(start, end) },
      {
        open: (index) => this.open(index),
        command: (index, command) => this.command(index, command),
        escape: () => this.clearSearch(),
      },
    );
    this.build();
    const receive = (message: NotificationToWebview<InboxProtocol>): void => this.receive(message);
    this.client = connect<InboxProtocol>({ accounts: receive, folders: receive, connection: receive, folderChanged: receive, rowUpdated: receive, rowsRemoved: receive, focusSearch: receive });
    this.client.ready();
  }

  private build(): void {
    this.accountSelect.classList.add('account-select');
    this.folderSelect.classList.add('folder-select');
    this.toolbar.append(this.accountSelect, this.folderSelect);
    this.searchBar.append(this.searchField);
    this.root.append(this.toolbar, this.searchBar, this.banner, this.content);
    this.accountSelect.addEventListener('change', () => {
      if (this.accountSelect.value && this.accountSelect.value !== this.accountId) {
        this.accountId = this.accountSelect.value;
        this.folder = 'INBOX';
        void this.loadFolders();
        void this.openFolder();
      }
    });
    this.folderSelect.addEventListener('change', () => {
      if (this.folderSelect.value && this.folderSelect.value !== this.folder) {
        this.folder = this.folderSelect.value;
        this.search = undefined;
        this.searchField.value = '';
        void this.openFolder();
      }
    });
    this.searchField.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        const query = this.searchField.value.trim();
        if (query) {
          void this.runSearch(query);
        } else {
          this.clearSearch();
        }
      } else if (event.key === 'Escape') {
        this.clearSearch();
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.list.element.focus();
      }
    });
    this.showState('loading');
  }

  private receive(message: NotificationToWebview<InboxProtocol>): void {
    switch (message.type) {
      case 'accounts':
        this.accounts = message.accounts;
        if (message.pageSize !== this.pageSize) {
          // Pages on their way were counted in the old size.
          this.pageSize = message.pageSize;
          this.pendingPages.clear();
        }
        this.renderAccounts();
        if (this.accounts.length === 0) {
          this.accountId = undefined;
          this.showState('signIn');
          return;
        }
        // A different account, or a folder the extension asks for (Show in Sent), is opened here.
        if (message.selectedAccountId !== this.accountId || (message.selectedFolder !== undefined && message.selectedFolder !== this.folder) || this.total === 0) {
          this.accountId = message.selectedAccountId ?? this.accounts[0]?.id;
          this.folder = message.selectedFolder ?? 'INBOX';
          this.renderAccounts();
          void this.loadFolders();
          void this.openFolder();
        }
        return;
      case 'folders':
        if (message.accountId === this.accountId) {
          this.folders = message.folders;
          this.renderFolders();
        }
        return;
      case 'connection':
        if (message.accountId === this.accountId) {
          this.connection = message.status;
          this.renderBanner(message.message);
        }
        return;
      case 'folderChanged':
        if (message.accountId === this.accountId && message.folder === this.folder && this.search === undefined) {
          this.folderChanged(message.total);
        }
        return;
      case 'rowUpdated':
        if (message.accountId === this.accountId && message.folder === this.folder) {
          for (const [index, row] of this.rows) {
            if (row.uid === message.row.uid) {
              this.rows.set(index, message.row);
            }
          }
          this.list.refresh();
        }
        return;
      case 'rowsRemoved':
        if (message.accountId === this.accountId && message.folder === this.folder) {
          this.removeRows(new Set(message.uids));
        }
        return;
      case 'focusSearch':
        this.searchField.focus();
        return;
    }
  }

  private async loadFolders(): Promise<void> {
    const accountId = this.accountId;
    if (!accountId) {
      return;
    }
    try {
      const folders = await this.client.request('listFolders', { accountId });
      if (accountId === this.accountId) {
        this.folders = folders;
        this.renderFolders();
      }
    } catch {
      // The folder picker keeps what it had; openFolder reports the connection problem.
    }
  }

  private async openFolder(): Promise<void> {
    const accountId = this.accountId;
    if (!accountId) {
      return;
    }
    const generation = ++this.generation;
    this.rows = new Map();
    this.pendingPages.clear();
    this.total = 0;
    this.showState('loading');
    const load: { change?: { total: number | undefined } } = {};
    this.firstLoad = load;
    try {
      const page = await this.client.request('openFolder', { accountId, folder: this.folder });
      if (generation !== this.generation) {
        return;
      }
      this.firstLoad = undefined;
      this.acceptPage(page);
      this.connection = page.fromCache ? 'offline' : 'online';
      this.renderBanner();
      this.showState(page.total === 0 ? 'empty' : 'list');
      this.list.reset();
      if (load.change && load.change.total !== page.total) {
        void this.reloadAfterChange();
      }
    } catch (error) {
      if (generation === this.generation) {
        this.firstLoad = undefined;
        this.showError(error);
      }
    }
  }

  private folderChanged(total: number | undefined): void {
    if (this.firstLoad) {
      // The load on its way may already hold this change: compare once it is back.
      this.firstLoad.change = { total };
    } else if (total === undefined || total !== this.total) {
      void this.reloadAfterChange();
    }
  }

  private async reloadAfterChange(): Promise<void> {
    const accountId = this.accountId;
    if (!accountId) {
      return;
    }
    const generation = ++this.generation;
    const previousTotal = this.total;
    try {
      const page = await this.client.request('openFolder', { accountId, folder: this.folder });
      if (generation !== this.generation) {
        return;
      }
      this.rows = new Map();
      this.pendingPages.clear();
      this.acceptPage(page);
      this.showState(page.total === 0 ? 'empty' : 'list');
      if (previousTotal > 0) {
        // Keep the same messages in view and in focus: what is new arrived above them.
        this.list.shiftBy(Math.max(0, page.total - previousTotal));
        this.list.reset(true);
      } else {
        // The folder was empty: start at the top, on the newest.
        this.list.reset();
      }
    } catch {
      // Stay on what is shown; the connection banner tells what is going on.
    }
  }

  private acceptPage(page: RowsPage): void {
    this.total = page.total;
    this.fromCache = page.fromCache;
    page.rows.forEach((row, offset) => this.rows.set(page.start + offset, row));
  }

  private requestRows(start: number, end: number): void {
    const accountId = this.accountId;
    if (!accountId || this.fromCache) {
      return;
    }
    const pageSize = this.pageSize;
    const firstPage = Math.floor(start / pageSize);
    const lastPage = Math.floor((end - 1) / pageSize);
    for (let pageIndex = firstPage; pageIndex <= lastPage; pageIndex++) {
      if (this.pendingPages.has(pageIndex)) {
        continue;
      }
      this.pendingPages.add(pageIndex);
      const generation = this.generation;
      void this.client.request('loadRows', { accountId, folder: this.folder, start: pageIndex * pageSize, count: pageSize, ...(this.search === undefined ? {} : { search: this.search }) })
        .then((page) => {
          if (generation === this.generation) {
            this.acceptPage(page);
            this.list.refresh();
            const waiting = this.openWhenLoaded;
            if (waiting?.generation === generation && this.rows.has(waiting.index)) {
              this.openWhenLoaded = undefined;
              this.open(waiting.index);
            }
          }
        })
        .catch(() => {
          if (generation === this.generation) {
            // Try again shortly (the rows are still on screen as placeholders), or on the next scroll;
            // a row opened on this page is not opened by surprise when it finally comes.
            this.pendingPages.delete(pageIndex);
            if (this.openWhenLoaded && Math.floor(this.openWhenLoaded.index / pageSize) === pageIndex) {
              this.openWhenLoaded = undefined;
            }
            setTimeout(() => this.list.refresh(), 2_000);
          }
        });
    }
  }

  private async runSearch(query: string): Promise<void> {
    const accountId = this.accountId;
    if (!accountId) {
      return;
    }
    const generation = ++this.generation;
    this.firstLoad = undefined;
    this.search = query;
    this.rows = new Map();
    this.pendingPages.clear();
    this.total = 0;
    this.showState('loading');
    try {
      const page = await this.client.request('search', { accountId, folder: this.folder, query });
      if (generation !== this.generation) {
        return;
      }
      this.acceptPage(page);
      this.showState(page.total === 0 ? 'noResults' : 'list');
      this.list.reset();
    } catch (error) {
      if (generation === this.generation) {
        this.showError(error);
      }
    }
  }

  private clearSearch(): void {
    if (this.search !== undefined) {
      this.search = undefined;
      this.searchField.value = '';
      void this.openFolder();
    }
  }

  private open(index: number): void {
    const row = this.rows.get(index);
    if (!row) {
      if (!this.fromCache) {
        // Offline (cached rows only) nothing more arrives to open.
        this.openWhenLoaded = { index, generation: this.generation };
        this.requestRows(index, index + 1);
      }
      return;
    }
    this.openWhenLoaded = undefined;
    if (this.accountId) {
      this.client.post({ type: 'openMessage', message: { accountId: this.accountId, folder: this.folder, uid: row.uid } });
    }
  }

  private command(index: number, command: 'reply' | 'archive' | 'delete' | 'toggleRead' | 'toggleFlag'): void {
    const row = this.rows.get(index);
    if (!row || !this.accountId) {
      return;
    }
    const action: MessageAction = command === 'toggleRead' ? (row.unread ? 'markRead' : 'markUnread') : command === 'toggleFlag' ? (row.flagged ? 'unflag' : 'flag') : command;
    this.client.post({ type: 'action', action, message: { accountId: this.accountId, folder: this.folder, uid: row.uid } });
  }

  /** Removes rows locally (archive, delete, move) so the list answers at once. */
  private removeRows(uids: Set<number>): void {
    const kept: MessageRow[] = [];
    const ordered = [...this.rows.entries()].sort(([a], [b]) => a - b);
    let removed = 0;
    const next = new Map<number, MessageRow>();
    for (const [index, row] of ordered) {
      if (uids.has(row.uid)) {
        removed++;
        continue;
      }
      kept.push(row);
      next.set(index - removed, row);
    }
    if (removed === 0) {
      return;
    }
    this.rows = next;
    this.pendingPages.clear();
    this.total = Math.max(0, this.total - removed);
    this.showState(this.total === 0 ? 'empty' : 'list');
    this.list.reset(true);
    this.list.focusRow(this.list.focused);
  }

  private renderAccounts(): void {
    this.accountSelect.replaceChildren(...this.accounts.map((account) => {
      const option = element('vscode-option', { text: account.email, attributes: { value: account.id } });
      if (account.id === this.accountId) {
        option.setAttribute('selected', '');
      }
      return option;
    }));
    this.accountSelect.hidden = this.accounts.length <= 1;
    if (this.accountId) {
      this.accountSelect.value = this.accountId;
    }
  }

  private renderFolders(): void {
    this.folderSelect.replaceChildren(...this.folders.map((folder) => {
      const label = folder.unread ? `${folder.name} (${folder.unread})` : folder.name;
      const option = element('vscode-option', { text: label, attributes: { value: folder.path } });
      if (folder.path === this.folder) {
        option.setAttribute('selected', '');
      }
      return option;
    }));
    this.folderSelect.value = this.folder;
  }

  private renderBanner(detail?: string): void {
    let text = '';
    if (this.connection === 'offline') {
      text = this.fromCache ? 'Offline: showing saved messages. Reconnecting…' : 'Offline. Reconnecting…';
    } else if (this.connection === 'signInRequired') {
      text = detail ?? 'Sign-in required for this account.';
    } else if (this.connection === 'connecting' && this.total > 0) {
      text = 'Connecting…';
    }
    this.banner.replaceChildren();
    this.banner.hidden = text === '';
    if (text) {
      this.banner.append(codicon(this.connection === 'signInRequired' ? 'account' : 'debug-disconnect'), element('span', { text }));
      if (this.connection === 'signInRequired') {
        this.banner.append(this.button('Sign In', 'sign-in', () => this.client.post({ type: 'signIn' })));
      }
    }
  }

  private showError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    if (code === 'SignInRequired') {
      this.connection = 'signInRequired';
      this.renderBanner(message);
    }
    const box = element('div', { className: 'state error', attributes: { role: 'alert' } });
    box.append(codicon('error'), element('p', { text: message }), this.button('Try Again', 'refresh', () => void this.openFolder()));
    this.content.replaceChildren(box);
  }

  private button(label: string, icon: string, onClick: () => void): HTMLElement {
    const button = element('vscode-button', { text: label, attributes: { icon } });
    button.addEventListener('click', onClick);
    return button;
  }

  private showState(state: 'loading' | 'list' | 'empty' | 'noResults' | 'signIn'): void {
    // Pickers and search mean nothing until someone is signed in.
    this.toolbar.hidden = state === 'signIn';
    this.searchBar.hidden = state === 'signIn';
    switch (state) {
      case 'list':
        if (this.list.element.parentElement !== this.content) {
          this.content.replaceChildren(this.list.element);
        }
        return;
      case 'loading':
        this.content.replaceChildren(loadingIndicator('Loading messages'));
        return;
      case 'empty':
      case 'noResults': {
        const box = element('div', { className: 'state empty' });
        box.append(codicon(state === 'empty' ? 'inbox' : 'search'), element('p', { text: state === 'empty' ? 'No messages in this folder.' : `No messages match “${this.search ?? ''}”.` }));
        this.content.replaceChildren(box);
        return;
      }
      case 'signIn': {
        const box = element('div', { className: 'state sign-in' });
        box.append(codicon('mail'), element('p', { text: 'Sign in to read your mail here.' }), this.button('Sign In', 'sign-in', () => this.client.post({ type: 'signIn' })));
        this.content.replaceChildren(box);
        this.banner.hidden = true;
        return;
      }
    }
  }
}
