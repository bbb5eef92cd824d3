/** A change in the watched folder, reported by the IDLE connection. */
export interface FolderChange {
  accountId: string;
  folder: string;
  /**
   * 'exists': the message count changed (new mail); 'expunge' / 'flags': messages went or changed;
   * 'watching': the IDLE connection has (re)opened the folder and `exists` is its count then, so
   * mail that arrived before IDLE was listening is not missed.
   */
  kind: 'exists' | 'expunge' | 'flags' | 'watching';
  exists?: number;
}
