// The rows of the list (a folder or a search result) as far as they have arrived, and which pages of
// them are on their way: a page is asked for once, and again only after its request failed.
import type { MessageRow, RowsPage } from '../src/shared/protocol';

/** One page of rows to ask the extension for. */
export interface PageRequest {
  index: number;
  start: number;
  count: number;
}

export class LoadedRows {
  private rows = new Map<number, MessageRow>();
  private readonly pendingPages = new Set<number>();
  /** Rows per request: the `mailroom.inbox.pageSize` setting, which comes with the accounts. */
  private pageSize = 50;
  /** Number of messages in the list, loaded or not. */
  public total = 0;
  /** The rows come from the cache because the server cannot be reached: no more will arrive. */
  public fromCache = false;

  public get(index: number): MessageRow | undefined {
    return this.rows.get(index);
  }

  public has(index: number): boolean {
    return this.rows.has(index);
  }

  public setPageSize(pageSize: number): void {
    if (pageSize !== this.pageSize) {
      // Pages on their way were counted in the old size.
      this.pageSize = pageSize;
      this.pendingPages.clear();
    }
  }

  /** Another list (folder, search) is on its way: nothing of this one is kept. */
  public clear(): void {
    this.rows = new Map();
    this.pendingPages.clear();
    this.total = 0;
  }

  public accept(page: RowsPage): void {
    this.total = page.total;
    this.fromCache = page.fromCache;
    page.rows.forEach((row, offset) => this.rows.set(page.start + offset, row));
  }

  /** The pages that hold rows [start, end) and are not asked for yet, now counted as asked for. */
  public pagesToRequest(start: number, end: number): PageRequest[] {
    const count = this.pageSize;
    const pages: PageRequest[] = [];
    for (let index = Math.floor(start / count); index <= Math.floor((end - 1) / count); index++) {
      if (!this.pendingPages.has(index)) {
        this.pendingPages.add(index);
        pages.push({ index, start: index * count, count });
      }
    }
    return pages;
  }

  /** A page's request failed: it may be asked for again. */
  public pageFailed(page: PageRequest): void {
    this.pendingPages.delete(page.index);
  }

  /**
   * One message's row changed (its flags): every place it is shown takes the new row. A conversation's
   * row keeps what it says of the conversation (count, participants, latest date) with the new flags.
   */
  public update(changed: MessageRow): void {
    for (const [index, row] of this.rows) {
      if (row.uid === changed.uid) {
        this.rows.set(index, row.conversation && !changed.conversation ? { ...changed, conversation: row.conversation, date: row.date } : changed);
      }
    }
  }

  /** Takes the messages out and closes the gaps; returns how many were here. */
  public remove(uids: Set<number>): number {
    const ordered = [...this.rows.entries()].sort(([a], [b]) => a - b);
    let removed = 0;
    const next = new Map<number, MessageRow>();
    for (const [index, row] of ordered) {
      if (uids.has(row.uid)) {
        removed++;
        continue;
      }
      next.set(index - removed, row);
    }
    if (removed > 0) {
      this.rows = next;
      this.pendingPages.clear();
      this.total = Math.max(0, this.total - removed);
    }
    return removed;
  }
}
