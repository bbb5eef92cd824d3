import type * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { MailroomError } from '../util/errors';
import { Emitter } from '../util/event';
import type { ProviderKind } from './accountApi';
import type { AccountChanges } from './accountChanges';
import type { AccountService } from './accountService';
import { IDENTITY_SCOPES } from './scopes';
import type { StoredAccount } from './tokenStore';

/**
 * Stands in for `session.accessToken`. Mailroom's tokens may go only to the account's own mail
 * hosts [SEC-19], and a session is visible to any extension the user lets ask for it,
 * so the session carries an opaque, non-secret handle; the mail layer gets real tokens from
 * MailAccounts.getAccessToken with a host check.
 */
export function sessionHandle(accountId: string): string {
  return `mailroom-session-${createHash('sha256').update(accountId).digest('hex').slice(0, 24)}`;
}

function toSession(account: StoredAccount): vscode.AuthenticationSession {
  return {
    id: account.id,
    accessToken: sessionHandle(account.id),
    account: { id: account.id, label: account.email },
    scopes: account.grantedScopes,
  };
}

/** One AuthenticationProvider per provider kind, over the shared account service. */
export class MailroomAuthenticationProvider implements vscode.AuthenticationProvider {
  private readonly changes = new Emitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  public readonly onDidChangeSessions = this.changes.event;
  private readonly subscription: vscode.Disposable;

  public constructor(
    private readonly kind: ProviderKind,
    private readonly service: AccountService,
  ) {
    this.subscription = service.onDidChangeAccountDetails((changes) => this.announce(changes));
  }

  public dispose(): void {
    this.subscription.dispose();
    this.changes.dispose();
  }

  private announce(changes: AccountChanges): void {
    const mine = (accounts: StoredAccount[]): vscode.AuthenticationSession[] => accounts.filter((account) => account.provider === this.kind).map(toSession);
    const event = { added: mine(changes.added), removed: mine(changes.removed), changed: mine(changes.changed) };
    if (event.added.length + event.removed.length + event.changed.length > 0) {
      this.changes.fire(event);
    }
  }

  public async getSessions(
    scopes: readonly string[] | undefined,
    options?: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession[]> {
    // Every account was signed in with an ID token, so identity scopes hold even where the token
    // response did not repeat them; only the other scopes tell accounts apart.
    const wanted = (scopes ?? []).filter((scope) => !IDENTITY_SCOPES.has(scope));
    return this.service
      .storedAccounts(this.kind)
      .filter((account) => wanted.every((scope) => account.grantedScopes.includes(scope)))
      .filter((account) => options?.account === undefined || options.account.id === account.id)
      .map(toSession);
  }

  public async createSession(): Promise<vscode.AuthenticationSession> {
    try {
      return toSession(await this.service.signInOrThrow(this.kind));
    } catch (error) {
      this.service.showFailure(error, this.kind);
      throw error instanceof MailroomError ? new Error(error.message) : error;
    }
  }

  public async removeSession(sessionId: string): Promise<void> {
    await this.service.signOut(sessionId);
  }
}
