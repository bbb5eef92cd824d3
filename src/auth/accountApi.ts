import type * as vscode from 'vscode';
import { MailroomError } from '../util/errors';

/** Which kind of issuer an account signed in with; one AuthenticationProvider per kind. */
export type ProviderKind = 'google' | 'microsoft' | 'oidc';

export interface MailEndpoint {
  host: string;
  port: number;
  /** true: implicit TLS; false: STARTTLS, which is then required (never plaintext). */
  implicitTls: boolean;
}

/** A signed-in mail account as the mail layer sees it: no tokens, only where and who. */
export interface MailAccount {
  /** Stable key: issuer + subject (never the email address, which can change hands). */
  readonly id: string;
  readonly provider: ProviderKind;
  /** The mailbox address; also the Accounts menu label. */
  readonly email: string;
  readonly imap: MailEndpoint;
  readonly smtp: MailEndpoint;
  /** The provider files sent mail into Sent by itself (Gmail does), so Mailroom must not append a copy. */
  readonly serverSavesSent: boolean;
}

/**
 * What the mail layer needs from sign-in. Implemented in src/auth; consumed by src/mail and
 * src/views. Access tokens go only to the account's own mail hosts.
 */
export interface MailAccounts {
  /** Every signed-in account, in sign-in order. */
  list(): readonly MailAccount[];
  readonly onDidChangeAccounts: vscode.Event<void>;
  /**
   * An access token for IMAP/SMTP on `host`. Refreshes ahead of expiry (single-flight). With
   * `forceRefresh`, refreshes even if the current token looks valid: use it once after the mail
   * server rejected a token. Throws MailroomError 'SignInRequired' when the grant is gone,
   * 'HostNotAllowed' when `host` is not one of the account's mail hosts, and 'StorageUnavailable'
   * when the editor's secret storage fails (the account stays signed in).
   */
  getAccessToken(accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string>;
  /** Starts the Accounts sign-in flow (consent first). Resolves with the new account or undefined if cancelled. */
  signIn(provider?: ProviderKind): Promise<MailAccount | undefined>;
  /** A fresh token was rejected: revokes the refresh token at the issuer, then marks the account as needing a new sign-in and tells the user, once. */
  requireSignIn(accountId: string, reason: string): void;
}

/**
 * How the mail layer takes part in sign-out: each hook runs after the refresh token was revoked
 * and before the account's secrets are deleted. Close connections, cancel timers and delete
 * cached mail of that account here. Failures are logged and do not stop the sign-out.
 */
export interface SignOutHooks {
  onWillSignOut(hook: (account: MailAccount) => Promise<void> | void): vscode.Disposable;
}

/** The signed-in account with this id, or undefined when it is not (or no longer) signed in. */
export function findAccount(accounts: Pick<MailAccounts, 'list'>, accountId: string): MailAccount | undefined {
  return accounts.list().find((account) => account.id === accountId);
}

/** The signed-in account with this id; throws the one 'SignInRequired' error every feature shows when it is gone. */
export function requireAccount(accounts: Pick<MailAccounts, 'list'>, accountId: string): MailAccount {
  const account = findAccount(accounts, accountId);
  if (!account) {
    throw new MailroomError('SignInRequired', 'That account is no longer signed in. Sign in again from the Accounts menu.', { accountId });
  }
  return account;
}
