import { MailroomError, isMailroomError } from '../util/errors';
import { BackoffGate } from '../util/backoff';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { Emitter } from '../util/event';
import type { Logger } from '../util/log';
import type { TokenGrant } from './tokenResponse';
import type { RevocationResult } from './signOut';
import { revokeQuietly } from './signOut';
import type { RefreshLease } from './refreshLease';
import { thisWindowOnly } from './refreshLease';
import { UnsavedRenewals } from './unsavedRenewals';
import { refreshDueAtMs, tokensFromGrant } from './tokenLifetime';
import type { StoredAccount, StoredTokens, TokenStore } from './tokenStore';
import { ui } from '../ui/text';

/** The calls the token manager needs from the OAuth client that issued an account's tokens. */
export interface TokenIssuerClient {
  refresh(refreshToken: string): Promise<TokenGrant>;
  /** RFC 7009 with token_type_hint=refresh_token; 'unsupported' when the issuer has no revocation endpoint. */
  revokeRefreshToken(refreshToken: string): Promise<'revoked' | 'unsupported'>;
}

export interface SignInRequiredEvent {
  accountId: string;
  email: string;
  reason: string;
  /** What became of the refresh token at the issuer before it was deleted here. */
  revocation: RevocationResult;
}

const TRANSIENT_CODES = new Set(['NetworkError', 'IssuerUnavailable', 'Throttled']);

/**
 * Hands out access tokens and keeps them fresh: expiry from `expires_in`, refresh ahead of
 * expiry, one refresh in flight per account in this window and, through the refresh lease, across
 * windows; storage re-read under the lease (another window may have rotated the tokens: then they
 * are used as they are), rotated refresh tokens persisted before the new access token is used,
 * `invalid_grant` → "sign-in required" unless storage holds a newer refresh token, transient
 * failures → back off (full jitter, Retry-After).
 * A renewal that secret storage will not take is kept in memory and saved again until it is:
 * the refresh token it replaced is already spent at the issuer.
 */
export class TokenManager {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly unsaved: UnsavedRenewals;
  private readonly signInRequests = new Map<string, Promise<void>>();
  private readonly signInRequired = new Emitter<SignInRequiredEvent>();
  /** Fires once when an account's grant is gone. */
  public readonly onDidRequireSignIn = this.signInRequired.event;

  public constructor(
    private readonly store: TokenStore,
    private readonly clientFor: (account: StoredAccount) => TokenIssuerClient,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
    private readonly backoff: BackoffGate = new BackoffGate(() => clock.now()),
    private readonly lease: RefreshLease = thisWindowOnly,
  ) {
    this.unsaved = new UnsavedRenewals(store, this.revoke, logger, backoff);
  }

  private readonly revoke = (account: StoredAccount, refreshToken: string): Promise<'revoked' | 'unsupported'> =>
    this.clientFor(account).revokeRefreshToken(refreshToken);

  public dispose(): void {
    this.unsaved.dispose();
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
      throw new MailroomError('SignInRequired', ui`Sign in to ${account.email} again to keep using it.`, { accountId });
    }
    this.rememberSecrets(account.tokens);
    return account;
  }

  /**
   * A valid access token for the account. `forceRefresh` (after a server rejected the token)
   * refreshes unless another caller or window already replaced that token.
   */
  public async getAccessToken(accountId: string, options?: { forceRefresh?: boolean }): Promise<string> {
    // A renewal storage refused comes first: the stored refresh token is spent, and using it would end the grant.
    await this.unsaved.save(accountId);
    const account = await this.readUsable(accountId);
    const tokens = account.tokens as StoredTokens;
    if (!options?.forceRefresh && this.isFresh(tokens)) {
      return tokens.accessToken;
    }
    let flight = this.inFlight.get(accountId);
    if (!flight) {
      flight = this.refreshAcrossWindows(account, tokens, options?.forceRefresh ? tokens.accessToken : undefined).finally(() =>
        this.inFlight.delete(accountId),
      );
      this.inFlight.set(accountId, flight);
    }
    return flight;
  }

  /** Refreshes holding the account's lease, so no other window presents the same refresh token meanwhile. */
  private async refreshAcrossWindows(seenAccount: StoredAccount, seen: StoredTokens, rejectedAccessToken: string | undefined): Promise<string> {
    let leaseHeld = false;
    try {
      return await this.lease.hold(seenAccount.id, () => {
        leaseHeld = true;
        return this.refresh(seenAccount.id, seen, rejectedAccessToken, 'first');
      });
    } catch (error) {
      if (leaseHeld) {
        throw error;
      }
      if (!isMailroomError(error)) {
        // The lease folder is out of reach (global storage unwritable): refreshing alone beats never refreshing.
        this.logger.warn(`The refresh lease could not be taken (${error instanceof Error ? error.message : 'unknown error'}); refreshing without it`);
        return this.refresh(seenAccount.id, seen, rejectedAccessToken, 'first');
      }
      if (error.code !== 'Timeout') {
        throw error;
      }
      // Another window kept the lease too long: refreshing anyway could present a refresh token it is rotating.
      this.logger.warn(`Another window has been renewing the sign-in of ${seenAccount.email} for too long`);
      if (rejectedAccessToken === undefined && this.isUnexpired(seen)) {
        return seen.accessToken;
      }
      throw new MailroomError('IssuerUnavailable', ui`Mailroom could not renew the sign-in of ${seenAccount.email} yet; try again in a moment.`, {
        accountId: seenAccount.id,
      });
    }
  }

  /**
   * `seen`: the tokens this window found before it took the lease. `attempt`: 'retry' once a newer
   * refresh token found in storage after `invalid_grant` is being tried.
   */
  private async refresh(accountId: string, seen: StoredTokens, rejectedAccessToken: string | undefined, attempt: 'first' | 'retry'): Promise<string> {
    // Re-read under the lease: another window may have refreshed (and rotated the refresh token) in the meantime.
    const account = await this.readUsable(accountId);
    const tokens = account.tokens as StoredTokens;
    if (tokens.accessToken !== rejectedAccessToken && this.isFresh(tokens)) {
      return tokens.accessToken;
    }
    const renewedElsewhere = tokens.refreshToken !== seen.refreshToken || tokens.accessToken !== seen.accessToken;
    if (renewedElsewhere && tokens.accessToken !== rejectedAccessToken && this.isUnexpired(tokens)) {
      return tokens.accessToken;
    }
    const canStillUseCurrent = rejectedAccessToken === undefined && this.isUnexpired(tokens);
    if (!tokens.refreshToken) {
      if (canStillUseCurrent) {
        return tokens.accessToken;
      }
      await this.markSignInRequired(accountId, 'The sign-in has expired and the issuer gave no way to renew it.', { revokeFirst: false });
      throw new MailroomError('SignInRequired', ui`Sign in to ${account.email} again to keep using it.`, { accountId });
    }
    const waitMs = this.backoff.waitMs(accountId);
    if (waitMs > 0) {
      if (canStillUseCurrent) {
        return tokens.accessToken;
      }
      throw new MailroomError(
        'IssuerUnavailable',
        ui`Mailroom could not renew the sign-in of ${account.email} and will try again in ${Math.ceil(waitMs / 1000)} s.`,
        { accountId, retryAfterMs: waitMs },
      );
    }
    let grant: TokenGrant;
    try {
      this.logger.debug(`Refreshing the access token of ${account.email}`);
      grant = await this.clientFor(account).refresh(tokens.refreshToken);
    } catch (error) {
      if (attempt === 'first' && isMailroomError(error, 'SignInRequired')) {
        // invalid_grant: a window that refreshed without the lease (or lost it) may have stored a newer refresh token.
        const latest = (await this.store.get(accountId))?.tokens;
        if (latest?.refreshToken !== undefined && latest.refreshToken !== tokens.refreshToken) {
          this.logger.info(`The issuer refused a refresh token of ${account.email} that another window had already renewed; using the renewed one`);
          return this.refresh(accountId, tokens, rejectedAccessToken, 'retry');
        }
      }
      return this.handleRefreshFailure(account, tokens, canStillUseCurrent, error);
    }
    this.backoff.recordSuccess(accountId);
    const next = tokensFromGrant(grant, tokens.refreshToken);
    this.rememberSecrets(next);
    // Persist first: a rotated refresh token must be safe before the new access token is used.
    // Until storage has it, it is kept in memory, whatever storage answers.
    await this.unsaved.keepAndSave(account, next);
    return next.accessToken;
  }

  /**
   * For sign-out: the tokens that hold the account's grant right now (an unsaved renewal wins over
   * the spent token in storage). Mailroom stops keeping and saving them.
   */
  public releaseTokens(account: StoredAccount): StoredTokens | undefined {
    return this.unsaved.release(account);
  }

  private async handleRefreshFailure(account: StoredAccount, tokens: StoredTokens, canStillUseCurrent: boolean, error: unknown): Promise<string> {
    const failure = isMailroomError(error) ? error : new MailroomError('InvalidResponse', 'Renewing the sign-in failed unexpectedly.');
    if (failure.code === 'SignInRequired') {
      // The issuer itself said the refresh token is dead: nothing left to revoke.
      await this.markSignInRequired(account.id, failure.message, { revokeFirst: false });
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
   * A mail server rejected a fresh token: the grant is of no use to Mailroom but still valid at the
   * issuer. Revokes it there first (RFC 7009, where the issuer can), then deletes the tokens and
   * marks the account "sign-in required". Announced once. Throws 'StorageUnavailable' when storage
   * cannot be read (then nothing is revoked or changed) or written.
   */
  public requireSignIn(accountId: string, reason: string): Promise<void> {
    return this.markSignInRequired(accountId, reason, { revokeFirst: true });
  }

  /** Deletes the account's tokens and marks it "sign-in required", one request per account at a time; an account already marked is left alone. */
  private markSignInRequired(accountId: string, reason: string, options: { revokeFirst: boolean }): Promise<void> {
    let request = this.signInRequests.get(accountId);
    if (!request) {
      request = this.markNow(accountId, reason, options).finally(() => this.signInRequests.delete(accountId));
      this.signInRequests.set(accountId, request);
    }
    return request;
  }

  private async markNow(accountId: string, reason: string, options: { revokeFirst: boolean }): Promise<void> {
    const account = await this.store.get(accountId);
    if (!account || account.signInRequired !== undefined) {
      return;
    }
    const liveRefreshToken = this.unsaved.refreshToken(accountId) ?? account.tokens?.refreshToken;
    const revocation = options.revokeFirst ? await revokeQuietly(account, liveRefreshToken, this.revoke, this.logger) : 'nothing-to-revoke';
    await this.store.put({ ...account, tokens: undefined, signInRequired: reason });
    this.releaseTokens(account);
    this.logger.warn(`${account.email} needs to sign in again (revocation: ${revocation})`);
    this.signInRequired.fire({ accountId, email: account.email, reason, revocation });
  }
}
