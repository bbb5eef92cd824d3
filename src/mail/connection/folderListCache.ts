import type { ImapFlow, ListResponse } from 'imapflow';

/**
 * At most this many folders are counted again (STATUS) in one refresh, the oldest counts first: the
 * picker waits for the last of them, and the next approach counts the ones left out.
 */
export const MAX_COUNTS_PER_REFRESH = 15;

/** Runs `task` on the connection once the tasks queued before it are done (CommandConnection.run). */
export type InTurn = <T>(task: (client: ImapFlow) => Promise<T>) => Promise<T>;

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
   * {@link MAX_COUNTS_PER_REFRESH}), each STATUS a task of its own on the connection: the picker asks
   * as the pointer comes near, just before a folder is picked, and that folder's switch must not wait
   * behind all of them. A folder that went meanwhile keeps its last count; a connection opened
   * meanwhile has a list of its own and is not counted here.
   */
  public async refreshCounts(inTurn: InTurn, maxAgeMs: number): Promise<ListResponse[]> {
    const { client, list, stale } = await inTurn(async (client) => {
      const listed = this.lists.get(client);
      return listed
        ? { client, list: listed.list, stale: staleCounts(listed.list, listed.countedAt, this.now() - maxAgeMs, MAX_COUNTS_PER_REFRESH) }
        : { client, list: await this.list(client), stale: [] };
    });
    for (const path of stale) {
      await inTurn((current) => (current === client ? this.countQuietly(client, path) : Promise.resolve()));
    }
    return this.known(client) ?? list;
  }

  /** Counts `path` again; a folder that went meanwhile (the connection still fine) keeps its last count. */
  private async countQuietly(client: ImapFlow, path: string): Promise<void> {
    try {
      await this.countUnseen(client, path);
    } catch (error) {
      if (!client.usable) {
        throw error;
      }
    }
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
