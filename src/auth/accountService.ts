import type * as vscode from 'vscode';
import { MailroomError, isMailroomError } from '../util/errors';
import { Emitter } from '../util/event';
import type { Logger } from '../util/log';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';
import type { MailAccount, MailAccounts, ProviderKind, SignOutHooks } from './accountApi';
import type { OAuthClient } from './oauthClient';
import type { ProviderConfig } from './providerConfig';
import { allowedMailHosts, isAllowedMailHost } from './hostAllowLists';
import type { RevocationResult } from './signOut';
import { revokeQuietly, signOutAccount } from './signOut';
import type { SignInRunner } from './signInRunner';
import type { TokenManager } from './tokenManager';
import { tokensFromGrant } from './tokenLifetime';
import type { AccountChanges } from './accountChanges';
import { accountChanges, isUsable, toMailAccount } from './accountChanges';
import type { StoredAccount, TokenStore } from './tokenStore';
import { accountIdFor } from './tokenStore';

/** The notifications and pickers the account service shows; injected so it runs in plain Node tests. */
export interface AccountUi {
  pickProvider(): Promise<ProviderKind | undefined>;
  /** With `checkProvider`, the failure may have a cause Check Account names: offer it for that provider. */
  showError(message: UiText, checkProvider?: ProviderKind): void;
  /** A sign-in failure, with the buttons that fix it; `retry` starts the same sign-in again; with `checkProvider`, Check Account too. */
  showFailure(failure: MailroomError, provider: ProviderKind | undefined, retry: () => void, checkProvider: ProviderKind | undefined): void;
  showInfo(message: UiText): void;
  /** "<email> needs to sign in again" with a "Sign in again" button; resolves true when chosen. */
  offerSignInAgain(email: string, reason: string): Promise<boolean>;
}

export interface AccountServiceOptions {
  store: TokenStore;
  tokenManager: TokenManager;
  runner: SignInRunner;
  logger: Logger;
  ui: AccountUi;
  /** The provider's configuration from presets + settings; throws a MailroomError when settings are missing. */
  configFor(kind: ProviderKind): ProviderConfig;
  /** An OAuth client for a configuration (cached by the caller as it likes). */
  clientFor(config: ProviderConfig): OAuthClient;
}

/**
 * Mailroom's accounts: sign-in (storing the result), access tokens for the account's own mail
 * hosts only, "sign-in required", and sign-out. Keeps a snapshot of SecretStorage that is
 * re-read whenever any window changes it, and reports what changed.
 */
export class AccountService implements MailAccounts, SignOutHooks {
  private snapshot = new Map<string, StoredAccount>();
  private readonly accountsChanged = new Emitter<void>();
  private readonly detailedChanges = new Emitter<AccountChanges>();
  private readonly signOutHooks = new Set<(account: MailAccount) => Promise<void> | void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private reloading: Promise<void> = Promise.resolve();
  /** Set while reading the accounts fails, so a locked keychain is reported once, not on every change. */
  private readFailureShown = false;

  public readonly onDidChangeAccounts = this.accountsChanged.event;
  /** Added, removed and changed (refreshed) accounts, for `onDidChangeSessions`. */
  public readonly onDidChangeAccountDetails = this.detailedChanges.event;

  public constructor(private readonly options: AccountServiceOptions) {
    this.subscriptions.push(options.store.onDidChange(() => void this.reload()));
    this.subscriptions.push(options.tokenManager.onDidRequireSignIn((event) => void this.announceSignInRequired(event.accountId, event.email, event.reason)));
  }

  public dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.accountsChanged.dispose();
    this.detailedChanges.dispose();
  }

  /**
   * Re-reads SecretStorage and announces the differences. Calls are serialized. When storage
   * cannot be read, the accounts stay as last read (an unreadable keychain is not an empty one)
   * and the person is told once.
   */
  public reload(): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.reloadNow())
      .then(
        () => void (this.readFailureShown = false),
        (error: unknown) => {
          this.options.logger.error('Reading accounts failed', error);
          if (!this.readFailureShown && isMailroomError(error, 'StorageUnavailable')) {
            this.readFailureShown = true;
            this.options.ui.showError(ui`${error.message}`);
          }
        },
      );
    return this.reloading;
  }

  private async reloadNow(): Promise<void> {
    const accounts = await this.options.store.list();
    for (const account of accounts) {
      this.options.tokenManager.rememberSecrets(account.tokens);
    }
    const changes = accountChanges(this.snapshot, accounts);
    this.snapshot = new Map(accounts.map((account) => [account.id, account]));
    if (changes.added.length + changes.removed.length + changes.changed.length > 0) {
      this.detailedChanges.fire(changes);
    }
    if (changes.added.length + changes.removed.length > 0) {
      this.accountsChanged.fire();
    }
  }

  /** Signed-in accounts as stored (tokens included): for the AuthenticationProviders only. */
  public storedAccounts(kind?: ProviderKind): StoredAccount[] {
    return [...this.snapshot.values()].filter((account) => isUsable(account) && (kind === undefined || account.provider === kind));
  }

  /** Every stored account, including those that must sign in again (for "Sign Out…"). */
  public allStoredAccounts(): StoredAccount[] {
    return [...this.snapshot.values()];
  }

  /** Stores a provider's client secret (Google desktop clients) in SecretStorage, never in settings. */
  public async setClientSecret(kind: ProviderKind, secret: string): Promise<void> {
    this.options.logger.redactor.register(secret);
    await this.options.store.setClientSecret(kind, secret);
  }

  public list(): readonly MailAccount[] {
    return this.storedAccounts().map(toMailAccount);
  }

  public async getAccessToken(accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string> {
    const account = this.snapshot.get(accountId) ?? (await this.options.store.get(accountId));
    if (!account) {
      throw new MailroomError('SignInRequired', 'This account is signed out.', { accountId });
    }
    const mailHosts = allowedMailHosts(account);
    if (!isAllowedMailHost({ mailHosts }, host)) {
      this.options.logger.warn(`Refused to hand a token of ${account.email} to ${host}: not one of its mail hosts`);
      throw new MailroomError('HostNotAllowed', `Mailroom sends the sign-in of ${account.email} only to ${mailHosts.join(' and ')}, not to ${host}.`, {
        accountId,
      });
    }
    return this.options.tokenManager.getAccessToken(accountId, options);
  }

  public requireSignIn(accountId: string, reason: string): void {
    this.options.tokenManager.requireSignIn(accountId, reason).catch((error: unknown) => this.showFailure(error));
  }

  public onWillSignOut(hook: (account: MailAccount) => Promise<void> | void): vscode.Disposable {
    this.signOutHooks.add(hook);
    return { dispose: () => void this.signOutHooks.delete(hook) };
  }

  /** Runs a sign-in and stores the account. Throws MailroomError (code 'Cancelled' when the person stopped). */
  public async signInOrThrow(kind: ProviderKind, accountHint?: string): Promise<StoredAccount> {
    const config = this.options.configFor(kind);
    const client = this.options.clientFor(config);
    const result = await this.options.runner.signIn(config, client, accountHint);
    const tokens = tokensFromGrant(result.grant);
    this.options.tokenManager.rememberSecrets(tokens);
    const account: StoredAccount = {
      version: 1,
      id: accountIdFor(result.identity.issuer, result.identity.subject),
      provider: kind,
      issuer: result.identity.issuer,
      subject: result.identity.subject,
      email: result.identity.email,
      clientId: config.clientId,
      // The runner has checked that every mail scope was granted; identity scopes come with the ID token.
      // Keeping the requested list makes the session's scopes match the Accounts menu request.
      grantedScopes: [...config.scopes],
      imap: config.imap,
      smtp: config.smtp,
      mailHosts: [...config.mailHosts],
      serverSavesSent: config.serverSavesSent,
      tokens,
      signedInAtMs: tokens.issuedAtMs,
      signInRequired: undefined,
    };
    try {
      await this.options.store.put(account);
    } catch (error) {
      // Nobody would hold the new grant: end it at the issuer rather than leave it alive.
      await revokeQuietly(account, tokens.refreshToken, (_account, refreshToken) => client.revokeRefreshToken(refreshToken), this.options.logger);
      throw error;
    }
    await this.reload();
    return account;
  }

  /** Sign-in for commands and the mail layer: errors are shown, and the result is undefined when it did not work. */
  public async signIn(provider?: ProviderKind, accountHint?: string): Promise<MailAccount | undefined> {
    const kind = provider ?? (await this.options.ui.pickProvider());
    if (!kind) {
      return undefined;
    }
    try {
      return toMailAccount(await this.signInOrThrow(kind, accountHint));
    } catch (error) {
      this.showFailure(error, kind, accountHint);
      return undefined;
    }
  }

  /** Shows a failure with the buttons that fix it; a failed sign-in with `provider` also offers Check Account, unless the person declined or the keychain failed. */
  public showFailure(error: unknown, provider?: ProviderKind, accountHint?: string): void {
    if (isMailroomError(error, 'Cancelled')) {
      return;
    }
    this.options.logger.error(isMailroomError(error, 'StorageUnavailable') ? 'Secret storage failed' : 'Sign-in failed', error);
    const checkProvider =
      provider !== undefined && !isMailroomError(error, 'AccessDenied') && !isMailroomError(error, 'StorageUnavailable') ? provider : undefined;
    if (isMailroomError(error)) {
      this.options.ui.showFailure(error, provider, () => void this.signIn(provider, accountHint), checkProvider);
    } else {
      this.options.ui.showError(ui`Sign-in failed unexpectedly. See "Mailroom: Show Log" for details.`, checkProvider);
    }
  }

  /**
   * Signs an account out (see {@link signOutAccount}) and tells the person where else to look if
   * needed. Undefined when there was no such account, or when secret storage failed (said so).
   */
  public async signOut(accountId: string): Promise<RevocationResult | undefined> {
    try {
      return await this.signOutOrThrow(accountId);
    } catch (error) {
      this.showFailure(error);
      return undefined;
    }
  }

  private async signOutOrThrow(accountId: string): Promise<RevocationResult | undefined> {
    const stored = (await this.options.store.get(accountId)) ?? this.snapshot.get(accountId);
    if (!stored) {
      return undefined;
    }
    const account = { ...stored, tokens: this.options.tokenManager.releaseTokens(stored) };
    const revocation = await signOutAccount(account, {
      store: this.options.store,
      logger: this.options.logger,
      revoke: (stored, refreshToken) => this.clientForAccount(stored).revokeRefreshToken(refreshToken),
      hooks: [...this.signOutHooks],
      toMailAccount,
    });
    await this.reload();
    if (revocation === 'unsupported' || revocation === 'failed') {
      this.options.ui.showInfo(ui`Signed out of ${account.email}. ${this.removeAccessHelp(account.provider)}`);
    }
    return revocation;
  }

  private removeAccessHelp(kind: ProviderKind): string {
    try {
      return this.options.configFor(kind).removeAccessHelp;
    } catch {
      return "Your provider's account settings list the apps that have access to your mail.";
    }
  }

  /** The OAuth client the current settings make for a provider (Check Account on a provider without an account). */
  public clientForProvider(kind: ProviderKind): OAuthClient {
    return this.options.clientFor(this.options.configFor(kind));
  }

  /** The OAuth client that issued this account's tokens (its client ID and, for custom issuers, its issuer). */
  public clientForAccount(account: StoredAccount): OAuthClient {
    const config = this.options.configFor(account.provider);
    const sameIssuer = account.provider !== 'oidc' || config.issuer === account.issuer;
    if (config.clientId === account.clientId && sameIssuer) {
      return this.options.clientFor(config);
    }
    return this.options.clientFor({ ...config, clientId: account.clientId, issuer: account.provider === 'oidc' ? account.issuer : config.issuer });
  }

  private async announceSignInRequired(accountId: string, email: string, reason: string): Promise<void> {
    await this.reload();
    const account = this.snapshot.get(accountId);
    if (account && (await this.options.ui.offerSignInAgain(email, reason))) {
      await this.signIn(account.provider, email);
    }
  }
}
