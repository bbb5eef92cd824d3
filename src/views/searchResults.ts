/** Which search a list of results belongs to. */
export interface SearchKey {
  readonly accountId: string;
  readonly folder: string;
  readonly query: string;
}

/** The UIDs each search found, by account, folder and query: the view pages through them. */
export class SearchResults {
  private readonly byAccount = new Map<string, Map<string, Map<string, readonly number[]>>>();

  public set(key: SearchKey, uids: readonly number[]): void {
    const folders = this.byAccount.get(key.accountId) ?? new Map<string, Map<string, readonly number[]>>();
    const queries = folders.get(key.folder) ?? new Map<string, readonly number[]>();
    queries.set(key.query, uids);
    folders.set(key.folder, queries);
    this.byAccount.set(key.accountId, folders);
  }

  public get(key: SearchKey): readonly number[] | undefined {
    return this.byAccount.get(key.accountId)?.get(key.folder)?.get(key.query);
  }

  public forgetAccount(accountId: string): void {
    this.byAccount.delete(accountId);
  }

  public clear(): void {
    this.byAccount.clear();
  }
}
