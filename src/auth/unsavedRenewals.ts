import { MailroomError, isMailroomError } from '../util/errors';
import type { BackoffGate } from '../util/backoff';
import type { Logger } from '../util/log';
import type { Revoke } from './signOut';
import { revokeQuietly } from './signOut';
import type { StoredAccount, StoredTokens, TokenStore } from './tokenStore';

/** The shortest wait before trying again to save renewed tokens that secret storage refused. */
const MIN_SAVE_RETRY_MS = 500;

function saveRetryKey(accountId: string): string {
  return `save:${accountId}`;
}

/**
 * Renewed tokens that secret storage has not taken yet [SEC-21]. The refresh token they replaced is
 * already spent at the issuer, so they are kept in memory and saved again (backing off while storage
 * refuses) until storage takes them, the account signs out, or the window closes.
 */
export class UnsavedRenewals {
  /** Renewals storage has not taken yet (the write, or the re-read before it, failed), with the account they belong to. */
  private readonly unsaved = new Map<string, { account: StoredAccount; tokens: StoredTokens }>();
  private readonly saving = new Map<string, Promise<void>>();
  private readonly saveRetries = new Map<string, ReturnType<typeof setTimeout>>();
  private disposed = false;

  public constructor(
    private readonly store: TokenStore,
    private readonly revoke: Revoke,
    private readonly logger: Logger,
    /** Shared with the refreshes; save retries use their own keys. */
    private readonly backoff: BackoffGate,
  ) {}

  public dispose(): void {
    this.disposed = true;
    for (const timer of this.saveRetries.values()) {
      clearTimeout(timer);
    }
    this.saveRetries.clear();
    for (const { account } of this.unsaved.values()) {
      this.logger.warn(`The renewed sign-in of ${account.email} was never saved; it may have to sign in again`);
    }
  }

  /** Keeps a renewal until storage has it, whatever storage answers, and saves it. */
  public keepAndSave(account: StoredAccount, tokens: StoredTokens): Promise<void> {
    this.unsaved.set(account.id, { account, tokens });
    return this.save(account.id);
  }

  /** The refresh token that holds the account's grant if a renewal is unsaved. */
  public refreshToken(accountId: string): string | undefined {
    return this.unsaved.get(accountId)?.tokens.refreshToken;
  }

  /** Saves the account's unsaved renewal, if any; one save at a time per account. Throws 'StorageUnavailable' while storage refuses. */
  public save(accountId: string): Promise<void> {
    if (!this.unsaved.has(accountId)) {
      return Promise.resolve();
    }
    let saving = this.saving.get(accountId);
    if (!saving) {
      saving = this.trySave(accountId).finally(() => this.saving.delete(accountId));
      this.saving.set(accountId, saving);
    }
    return saving;
  }

  private async trySave(accountId: string): Promise<void> {
    const entry = this.unsaved.get(accountId);
    if (!entry) {
      return;
    }
    clearTimeout(this.saveRetries.get(accountId));
    this.saveRetries.delete(accountId);
    try {
      // Re-read: the account may have changed or gone while the refresh was on the wire.
      const latest = await this.store.get(accountId);
      if (!latest) {
        // Signed out meanwhile (here or in another window): do not bring the account back, and do
        // not leave the new grant alive at the issuer with nobody holding it.
        this.unsaved.delete(accountId);
        await revokeQuietly(entry.account, entry.tokens.refreshToken, this.revoke, this.logger);
        throw new MailroomError('SignInRequired', 'This account is signed out.', { accountId });
      }
      await this.store.put({ ...latest, tokens: entry.tokens, signInRequired: undefined });
    } catch (error) {
      if (isMailroomError(error, 'StorageUnavailable')) {
        this.logger.warn(`Keeping the renewed sign-in of ${entry.account.email} in memory until secret storage takes it`);
        this.scheduleSaveRetry(accountId);
      }
      throw error;
    }
    if (this.unsaved.get(accountId) === entry) {
      this.unsaved.delete(accountId);
    }
    this.backoff.recordSuccess(saveRetryKey(accountId));
  }

  /** Tries again later even if nobody asks for a token meanwhile, backing off while storage keeps refusing. */
  private scheduleSaveRetry(accountId: string): void {
    if (this.disposed || this.saveRetries.has(accountId)) {
      return;
    }
    const delay = Math.max(MIN_SAVE_RETRY_MS, this.backoff.recordFailure(saveRetryKey(accountId)));
    this.saveRetries.set(
      accountId,
      setTimeout(() => {
        this.saveRetries.delete(accountId);
        // A failure logs and schedules the next attempt itself.
        this.save(accountId).catch(() => undefined);
      }, delay),
    );
  }

  /**
   * For sign-out and "sign-in required": the tokens that hold the account's grant right now (an
   * unsaved renewal wins over the spent token in storage). Mailroom stops keeping and saving them.
   */
  public release(account: StoredAccount): StoredTokens | undefined {
    const unsaved = this.unsaved.get(account.id);
    this.unsaved.delete(account.id);
    clearTimeout(this.saveRetries.get(account.id));
    this.saveRetries.delete(account.id);
    return unsaved?.tokens ?? account.tokens;
  }
}
