import type { MailAccount } from './accountApi';
import type { StoredAccount } from './tokenStore';

/** What one re-reading of secret storage changed, as the AuthenticationProviders announce it. */
export interface AccountChanges {
  added: StoredAccount[];
  removed: StoredAccount[];
  changed: StoredAccount[];
}

/** The account as the mail layer sees it: where and who, no tokens. */
export function toMailAccount(account: StoredAccount): MailAccount {
  return {
    id: account.id,
    provider: account.provider,
    email: account.email,
    imap: account.imap,
    smtp: account.smtp,
    serverSavesSent: account.serverSavesSent,
  };
}

/** Signed in with tokens, and not waiting for a new sign-in. */
export function isUsable(account: StoredAccount): boolean {
  return account.tokens !== undefined && account.signInRequired === undefined;
}

/**
 * Compares two readings of storage: an account that became usable is added, one that stopped being
 * usable (or is gone) is removed, and a usable one whose tokens changed (a refresh) is changed.
 */
export function accountChanges(before: ReadonlyMap<string, StoredAccount>, accounts: readonly StoredAccount[]): AccountChanges {
  const changes: AccountChanges = { added: [], removed: [], changed: [] };
  const ids = new Set(accounts.map((account) => account.id));
  for (const account of accounts) {
    const previous = before.get(account.id);
    if (!previous || (!isUsable(previous) && isUsable(account))) {
      if (isUsable(account)) {
        changes.added.push(account);
      }
    } else if (isUsable(previous) && !isUsable(account)) {
      changes.removed.push(previous);
    } else if (JSON.stringify(previous.tokens) !== JSON.stringify(account.tokens)) {
      changes.changed.push(account);
    }
  }
  for (const [id, previous] of before) {
    if (!ids.has(id) && isUsable(previous)) {
      changes.removed.push(previous);
    }
  }
  return changes;
}
