import type { ImapFlow, ListResponse } from 'imapflow';

/**
 * The folder list of each command connection, listed with unread counts once per connection, when
 * first asked for (the folder picker asks after the first screen): on a big folder the unread
 * count is the costliest part of connecting.
 */
export class FolderListCache {
  private readonly lists = new WeakMap<ImapFlow, ListResponse[]>();

  /** The list `client` has already fetched, if it has. */
  public known(client: ImapFlow): ListResponse[] | undefined {
    return this.lists.get(client);
  }

  /** Lists the folders on `client` now and remembers the answer for that connection. */
  public async list(client: ImapFlow): Promise<ListResponse[]> {
    const list = await client.list({ statusQuery: { messages: true, unseen: true } });
    this.lists.set(client, list);
    return list;
  }
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
