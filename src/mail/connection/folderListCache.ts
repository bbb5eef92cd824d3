import type { ImapFlow, ListResponse } from 'imapflow';

/**
 * The folder list of each command connection, listed once per connection with unread counts. With
 * the list known, opening a folder never needs imapflow's LIST-before-SELECT.
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
