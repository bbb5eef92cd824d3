import type { ImapFlow, ListResponse } from 'imapflow';

/** At most this many folders are counted again (STATUS) in one refresh: the oldest counts first. */
export const MAX_COUNTS_PER_REFRESH = 50;

interface ListedFolders {
  list: ListResponse[];
  /** When each folder's unread count was last read from the server (the listing, or a STATUS since). */
  countedAt: Map<string, number>;
}

/**
 * The folder list of each command connection, listed with unread counts once per connection, when
 * first asked for (the folder picker asks after the first screen): on a big folder the unread
 * count is the costliest part of connecting. The counts are kept current without listing again:
 * every STATUS of a folder (the badge's) is written into the list, and a refresh counts again only
 * the folders whose count is older than the caller allows.
 */
export class FolderListCache {
  private readonly lists = new WeakMap<ImapFlow, ListedFolders>();

  public constructor(private readonly now: () => number) {}

  /** The list `client` has already fetched, if it has. */
  public known(client: ImapFlow): ListResponse[] | undefined {
    return this.lists.get(client)?.list;
  }

  /** Lists the folders on `client` now and remembers the answer for that connection. */
  public async list(client: ImapFlow): Promise<ListResponse[]> {
    const list = await client.list({ statusQuery: { messages: true, unseen: true } });
    const countedAt = this.now();
    this.lists.set(client, { list, countedAt: new Map(list.filter(isCounted).map((folder) => [folder.path, countedAt])) });
    return list;
  }

  /** Reads the unread count of `path` (STATUS) and writes it into the connection's list, if listed. */
  public async countUnseen(client: ImapFlow, path: string): Promise<number> {
    const status = await client.status(path, { unseen: true });
    const unseen = status && typeof status.unseen === 'number' ? status.unseen : 0;
    const listed = this.lists.get(client);
    if (listed) {
      listed.list = withUnseen(listed.list, path, unseen);
      listed.countedAt.set(path, this.now());
    }
    return unseen;
  }

  /** Mailroom changed what `paths` hold: their counts are read again by the next refresh, whatever their age. */
  public markStale(client: ImapFlow, paths: readonly string[]): void {
    const countedAt = this.lists.get(client)?.countedAt;
    paths.forEach((path) => countedAt?.delete(path));
  }

  /**
   * The connection's list with every count older than `maxAgeMs` read again (STATUS UNSEEN, at most
   * {@link MAX_COUNTS_PER_REFRESH}). A folder that went meanwhile keeps its last count.
   */
  public async refreshCounts(client: ImapFlow, maxAgeMs: number): Promise<ListResponse[]> {
    const listed = this.lists.get(client);
    if (!listed) {
      return this.list(client);
    }
    for (const path of staleCounts(listed.list, listed.countedAt, this.now() - maxAgeMs, MAX_COUNTS_PER_REFRESH)) {
      try {
        await this.countUnseen(client, path);
      } catch (error) {
        if (!client.usable) {
          throw error;
        }
      }
    }
    return listed.list;
  }
}

/** A folder the listing counted: selectable (a \Noselect parent has no count). */
function isCounted(folder: ListResponse): boolean {
  return typeof folder.status?.unseen === 'number';
}

/** The counted folders whose count was read before `countedBefore`, oldest first, at most `limit` of them. */
export function staleCounts(list: readonly ListResponse[], countedAt: ReadonlyMap<string, number>, countedBefore: number, limit: number): string[] {
  return list
    .filter((folder) => isCounted(folder) && (countedAt.get(folder.path) ?? -Infinity) < countedBefore)
    .map((folder) => ({ path: folder.path, at: countedAt.get(folder.path) ?? -Infinity }))
    .sort((a, b) => a.at - b.at)
    .slice(0, limit)
    .map((folder) => folder.path);
}

/** `list` with the unread count of `path` set to `unseen` (a new array: callers may hold the old one). */
export function withUnseen(list: readonly ListResponse[], path: string, unseen: number): ListResponse[] {
  return list.map((folder) => (folder.path === path ? { ...folder, status: { ...folder.status, path, unseen } } : folder));
}

/**
 * Lets imapflow select `path` without first looking it up (LIST + LSUB: two round trips before the
 * first screen). Its SELECT reads nothing from that look-up but a few names for the mailbox object,
 * which Mailroom does not use; a folder it has listed keeps its entry.
 */
export function selectWithoutLookup(client: ImapFlow, path: string): void {
  const folders = (client as unknown as { folders?: unknown }).folders;
  const key = path.toUpperCase() === 'INBOX' ? 'INBOX' : path;
  if (folders instanceof Map && !folders.has(key)) {
    folders.set(key, { path: key });
  }
}
