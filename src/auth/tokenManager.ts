import { MailroomError, isMailroomError } from '../util/errors';
import { BackoffGate } from '../util/backoff';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { Emitter } from '../util/event';
import type { Logger } from '../util/log';
import type { TokenGrant } from './oauthClient';
import type { StoredAccount, StoredTokens, TokenStore } from './tokenStore';

/** The one call the token manager needs from an OAuth client. */
export interface TokenRefresher {
  refresh(refreshToken: string): Promise<TokenGrant>;
}

/** Refresh at most this long before expiry… */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
/** …but never earlier than this share of the lifetime, so short-lived tokens are not refreshed on every use. */
const REFRESH_MARGIN_SHARE = 0.2;

const TRANSIENT_CODES = new Set(['NetworkError', 'IssuerUnavailable', 'Throttled']);

export function tokensFromGrant(grant: TokenGrant, previousRefreshToken?: string): StoredTokens {
  return {
    accessToken: grant.accessToken,
    // Issuers that do not rotate omit refresh_token on refresh: the old one stays valid.
    refreshToken: grant.refreshToken ?? previousRefreshToken,
    expiresAtMs: grant.expiresInSeconds === undefined ? undefined : grant.requestedAtMs + grant.expiresInSeconds * 1000,
    issuedAtMs: grant.requestedAtMs,
  };
}

/** When a token should be replaced: a margin before expiry, scaled down for short lifetimes. */
export function refreshDueAtMs(tokens: StoredTokens): number | undefined {
  if (tokens.expiresAtMs === undefined) {
    return undefined;
  }
  const lifetime = Math.max(0, tokens.expiresAtMs - tokens.issuedAtMs);
  return tokens.expiresAtMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetime * REFRESH_MARGIN_SHARE);
}

/**
 * Hands out access tokens and keeps them fresh: expiry from `expires_in`, refresh ahead of
 * expiry, one refresh in flight per account, storage re-read before refreshing (another window may
 * have done it), rotated refresh tokens persisted before the new access token is used,
 * `invalid_grant` → "sign-in required", transient failures → back off (full jitter, Retry-After).
 */
export class TokenManager {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly refreshed = new Emitter<string>();
  private readonly signInRequired = new Emitter<{ accountId: string; email: string; reason: string }>();
  /** Fires with the account id after its tokens were refreshed and stored. */
  public readonly onDidRefresh = this.refreshed.event;
  /** Fires once when an account's grant is gone. */
  public readonly onDidRequireSignIn = this.signInRequired.event;

  public constructor(
    private readonly store: TokenStore,
    private readonly refresherFor: (account: StoredAccount) => TokenRefresher,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
    private readonly backoff: BackoffGate = new BackoffGate(() => clock.now()),
  ) {}

  public dispose(): void {
    this.refreshed.dispose();
    this.signInRequired.dispose();
  }

  /** Registers stored secrets with the log redactor so they are masked wherever they appear. */
  public rememberSecrets(tokens: StoredTokens | undefined): void {
    this.logger.redactor.register(tokens?.accessToken);
    this.logger.redactor.register(tokens?.refreshToken);
  }

  private isFresh(tokens: StoredTokens): boolean {
    const due = refreshDueAtMs(tokens);
    return due === undefined || this.clock.now() < due;
  }

  private isUnexpired(tokens: StoredTokens): boolean {
    return tokens.expiresAtMs === undefined || this.clock.now() < tokens.expiresAtMs;
  }

  private async readUsable(accountId: string): Promise<StoredAccount> {
    const account = await this.store.get(accountId);
    if (!account) {
      throw new MailroomError('SignInRequired', 'This account is signed out.', { accountId });
    }
    if (account.signInRequired !== undefined || !account.tokens) {
      throw new MailroomError('SignInRequired', `Sign in to ${account.email} again to keep using it.`, { accountId });
    }
    this.rememberSecrets(account.tokens);
    return account;
  }

  /**
   * A valid access token for the account. `forceRefresh` (after a server rejected the token)
   * refreshes unless another caller or window already replaced that token.
   */
  public async getAccessToken(accountId: string, options?: { forceRefresh?: boolean }): Promise<string> {
    const account = await this.readUsable(accountId);
    const tokens = account.tokens as StoredTokens;
    if (!options?.forceRefresh && this.isFresh(tokens)) {
      return tokens.accessToken;
    }
    let flight = this.inFlight.get(accountId);
    if (!flight) {
      flight = this.refresh(accountId, options?.forceRefresh ? tokens.accessToken : undefined).finally(() => this.inFlight.delete(accountId));
      this.inFlight.set(accountId, flight);
    }
    return flight;
  }

  private async refresh(accountId: string, rejectedAccessToken: string | undefined): Promise<string> {
    // Re-read: another window may have refreshed (and rotated the refresh token) in the meantime.
    const account = await this.readUsable(accountId);
    const tokens = account.tokens as StoredTokens;
    if (tokens.accessToken !== rejectedAccessToken && this.isFresh(tokens)) {
      return tokens.accessToken;
    }
    const canStillUseCurrent = rejectedAccessToken === undefined && this.isUnexpired(tokens);
    if (!tokens.refreshToken) {
      if (canStillUseCurrent) {
        return tokens.accessToken;
      }
      await this.requireSignIn(accountId, 'The sign-in has expired and the issuer gave no way to renew it.');
      throw new MailroomError('SignInRequired', `Sign in to ${account.email} again to keep using it.`, { accountId });
    }
    const waitMs = this.backoff.waitMs(accountId);
    if (waitMs > 0) {
      if (canStillUseCurrent) {
        return tokens.accessToken;
      }
      throw new MailroomError('IssuerUnavailable', `Mailroom could not renew the sign-in of ${account.email} and will try again in ${Math.ceil(waitMs / 1000)} s.`, { accountId, retryAfterMs: waitMs });
    }
    let grant: TokenGrant;
    try {
      this.logger.debug(`Refreshing the access token of ${account.email}`);
      grant = await this.refresherFor(account).refresh(tokens.refreshToken);
    } catch (error) {
      return this.handleRefreshFailure(account, tokens, canStillUseCurrent, error);
    }
    this.backoff.recordSuccess(accountId);
    const next = tokensFromGrant(grant, tokens.refreshToken);
    this.rememberSecrets(next);
    const latest = await this.store.get(accountId);
    if (!latest) {
      // Signed out while the refresh was on the wire: do not bring the account back.
      throw new MailroomError('SignInRequired', 'This account is signed out.', { accountId });
    }
    // Persist first: a rotated refresh token must be safe before the new access token is used.
    await this.store.put({ ...latest, tokens: next, signInRequired: undefined });
    this.refreshed.fire(accountId);
    return next.accessToken;
  }

  private async handleRefreshFailure(account: StoredAccount, tokens: StoredTokens, canStillUseCurrent: boolean, error: unknown): Promise<string> {
    const failure = isMailroomError(error) ? error : new MailroomError('InvalidResponse', 'Renewing the sign-in failed unexpectedly.');
    if (failure.code === 'SignInRequired') {
      await this.requireSignIn(account.id, failure.message);
      throw new MailroomError('SignInRequired', failure.message, { accountId: account.id });
    }
    const waitMs = this.backoff.recordFailure(account.id, failure.retryAfterMs);
    this.logger.warn(`Refreshing the token of ${account.email} failed (${failure.code}); next attempt in ${Math.ceil(waitMs / 1000)} s`);
    if (TRANSIENT_CODES.has(failure.code) && canStillUseCurrent) {
      return tokens.accessToken;
    }
    throw new MailroomError(failure.code, failure.message, { accountId: account.id, retryAfterMs: waitMs });
  }

  /**
   * Deletes the account's tokens and marks it "sign-in required". Announces it once: a second call
   * for an account already marked does nothing.
   */
  public async requireSignIn(accountId: string, reason: string): Promise<void> {
    const account = await this.store.get(accountId);
    if (!account || account.signInRequired !== undefined) {
      return;
    }
    await this.store.put({ ...account, tokens: undefined, signInRequired: reason });
    this.logger.warn(`${account.email} needs to sign in again`);
    this.signInRequired.fire({ accountId, email: account.email, reason });
  }
}
