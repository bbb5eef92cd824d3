/**
 * Makes an account's token refresh single-flight across every window of the editor profile: the
 * task runs while this window holds the account's lease, so no two windows present the same
 * refresh token (an issuer with reuse detection would revoke the whole grant). The extension's
 * lease lives in global storage (src/windows/refreshLeaseFiles.ts).
 */
export interface RefreshLease {
  /**
   * Runs `task` holding the account's lease. Rejects with MailroomError 'Timeout' without running
   * it when another window kept the lease too long; `task`'s own failures pass through.
   */
  hold<T>(accountId: string, task: () => Promise<T>): Promise<T>;
}

/** For one window alone (and the tests of one window): refreshing in this host is already single-flight. */
export const thisWindowOnly: RefreshLease = { hold: (_accountId, task) => task() };
