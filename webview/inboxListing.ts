// What the message list shows (one account's folder, or a search in it) and loading it: the first
// page, more pages as the list scrolls, and again when the folder changes on the server. Each load
// belongs to a generation; an answer for an older one (another folder, another search) is dropped.
import type { InboxProtocol, MessageRow, RowsPage } from '../src/shared/protocol';
import type { InboxStatus } from './inboxStatus';
import type { LoadedRows, PageRequest } from './inboxRows';
import type { VirtualList } from './virtualList';
import type { WebviewClient } from './webviewClient';

/** How long after a page failed to load the list asks for its rows again (if they are still in view). */
const FAILED_PAGE_RETRY_MS = 2_000;

/** A folder's first load while it is on its way, with a change the server reported meanwhile (its count, when known). */
interface FirstLoad {
  change?: { total: number | undefined };
}

/** The parts of the Inbox a listing loads into. */
interface ListingParts {
  client: WebviewClient<InboxProtocol>;
  rows: LoadedRows;
  list: VirtualList;
  status: InboxStatus;
  /** Opens a loaded row's message. */
  open(row: MessageRow): void;
}

export class InboxListing {
  public accountId: string | undefined;
  public folder = 'INBOX';
  /** The search shown, or undefined for the whole folder. */
  public search: string | undefined;
  private generation = 0;
  /** A row opened (Enter, click) while it was still a placeholder: opened when its page arrives. */
  private openWhenLoaded: { index: number; generation: number } | undefined;
  private firstLoad: FirstLoad | undefined;

  public constructor(private readonly parts: ListingParts) {}

  public async openFolder(): Promise<void> {
    const { client, rows, list, status } = this.parts;
    const firstLoad: FirstLoad = {};
    const outcome = await this.load(
      (accountId) => client.request('openFolder', { accountId, folder: this.folder }),
      () => {
        rows.clear();
        status.show('loading');
        this.firstLoad = firstLoad;
      },
    );
    if (!outcome) {
      return;
    }
    this.firstLoad = undefined;
    if ('error' in outcome) {
      status.showError(outcome.error);
      return;
    }
    const { page } = outcome;
    rows.accept(page);
    status.setConnection(page.fromCache ? 'offline' : page.reconciling ? 'connecting' : 'online');
    status.show(page.total === 0 ? 'empty' : 'list');
    list.reset();
    if (firstLoad.change && firstLoad.change.total !== page.total) {
      void this.reloadAfterChange();
    }
  }

  /** The server says the folder changed; `total` is its message count, when known. */
  public folderChanged(total: number | undefined): void {
    if (this.firstLoad) {
      // The load on its way may already hold this change: compare once it is back.
      this.firstLoad.change = { total };
    } else if (total === undefined || total !== this.parts.rows.total) {
      void this.reloadAfterChange();
    }
  }

  public async runSearch(query: string): Promise<void> {
    const { client, rows, list, status } = this.parts;
    const outcome = await this.load(
      (accountId) => client.request('search', { accountId, folder: this.folder, query }),
      () => {
        this.firstLoad = undefined;
        this.search = query;
        rows.clear();
        status.show('loading');
      },
    );
    if (!outcome) {
      return;
    }
    if ('error' in outcome) {
      status.showError(outcome.error);
      return;
    }
    rows.accept(outcome.page);
    status.show(outcome.page.total === 0 ? 'noResults' : 'list', query);
    list.reset();
  }

  /** Asks for the pages that hold rows [start, end) and are not on their way yet. */
  public requestRows(start: number, end: number): void {
    const { rows } = this.parts;
    const accountId = this.accountId;
    if (!accountId || rows.fromCache) {
      return;
    }
    for (const page of rows.pagesToRequest(start, end)) {
      this.requestPage(accountId, page);
    }
  }

  /** Opens the row's message, or, while the row is a placeholder, as soon as its page arrives. */
  public open(index: number): void {
    const row = this.parts.rows.get(index);
    if (!row) {
      if (!this.parts.rows.fromCache) {
        // Offline (cached rows only) nothing more arrives to open.
        this.openWhenLoaded = { index, generation: this.generation };
        this.requestRows(index, index + 1);
      }
      return;
    }
    this.openWhenLoaded = undefined;
    this.parts.open(row);
  }

  /** Removes rows locally (archive, delete, move) so the list answers at once. */
  public removeRows(uids: Set<number>): void {
    const { rows, list, status } = this.parts;
    if (rows.remove(uids) === 0) {
      return;
    }
    status.show(rows.total === 0 ? 'empty' : 'list');
    list.reset(true);
    list.focusRow(list.focused);
  }

  private async reloadAfterChange(): Promise<void> {
    const { client, rows } = this.parts;
    const previousTotal = rows.total;
    const outcome = await this.load(
      (accountId) => client.request('openFolder', { accountId, folder: this.folder }),
      () => undefined,
    );
    if (!outcome || 'error' in outcome) {
      // Stay on what is shown; the connection banner tells what is going on.
      return;
    }
    this.showReloaded(outcome.page, previousTotal);
  }

  /** After a cold start from the cache, the server's page: taken in place, as after new mail. */
  public reconciled(page: RowsPage): void {
    if (this.search === undefined && !this.firstLoad) {
      this.showReloaded(page, this.parts.rows.total);
    }
  }

  private showReloaded(page: RowsPage, previousTotal: number): void {
    const { rows, list, status } = this.parts;
    rows.clear();
    rows.accept(page);
    status.show(page.total === 0 ? 'empty' : 'list');
    if (previousTotal > 0) {
      // Keep the same messages in view and in focus: what is new arrived above them.
      list.shiftBy(Math.max(0, page.total - previousTotal));
      list.reset(true);
    } else {
      // The folder was empty: start at the top, on the newest.
      list.reset();
    }
  }

  /**
   * One load of the list for the account shown, which makes every load before it stale: `start` runs
   * first (nothing runs without an account), and the page or the error comes back only while no newer
   * load has started.
   */
  private async load<T>(request: (accountId: string) => Promise<T>, start: () => void): Promise<{ page: T } | { error: unknown } | undefined> {
    const accountId = this.accountId;
    if (!accountId) {
      return undefined;
    }
    const generation = ++this.generation;
    start();
    try {
      const page = await request(accountId);
      return generation === this.generation ? { page } : undefined;
    } catch (error) {
      return generation === this.generation ? { error } : undefined;
    }
  }

  private requestPage(accountId: string, page: PageRequest): void {
    const { client, rows, list } = this.parts;
    const generation = this.generation;
    void client
      .request('loadRows', {
        accountId,
        folder: this.folder,
        start: page.start,
        count: page.count,
        ...(this.search === undefined ? {} : { search: this.search }),
      })
      .then((loaded) => {
        if (generation === this.generation) {
          rows.accept(loaded);
          list.refresh();
          const waiting = this.openWhenLoaded;
          if (waiting?.generation === generation && rows.has(waiting.index)) {
            this.openWhenLoaded = undefined;
            this.open(waiting.index);
          }
        }
      })
      .catch(() => {
        if (generation === this.generation) {
          // Try again shortly (the rows are still on screen as placeholders), or on the next scroll;
          // a row opened on this page is not opened by surprise when it finally comes.
          rows.pageFailed(page);
          const waiting = this.openWhenLoaded;
          if (waiting && waiting.index >= page.start && waiting.index < page.start + page.count) {
            this.openWhenLoaded = undefined;
          }
          setTimeout(() => list.refresh(), FAILED_PAGE_RETRY_MS);
        }
      });
  }
}
