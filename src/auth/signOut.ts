import type { Logger } from '../util/log';
import type { MailAccount } from './accountApi';
import type { StoredAccount, TokenStore } from './tokenStore';

export type RevocationResult = 'revoked' | 'unsupported' | 'failed' | 'nothing-to-revoke';

/** Revokes a refresh token at the account's issuer (RFC 7009, token_type_hint=refresh_token). */
export type Revoke = (account: StoredAccount, refreshToken: string) => Promise<'revoked' | 'unsupported'>;

/** Revokes where the issuer can; a failure is logged (without the token) and reported, never thrown. */
export async function revokeQuietly(account: StoredAccount, refreshToken: string | undefined, revoke: Revoke, logger: Logger): Promise<RevocationResult> {
  if (!refreshToken) {
    return 'nothing-to-revoke';
  }
  try {
    return await revoke(account, refreshToken);
  } catch (error) {
    logger.warn(`Could not revoke the sign-in of ${account.email} at its issuer: ${error instanceof Error ? error.message : 'unknown error'}`);
    return 'failed';
  }
}

export interface SignOutDependencies {
  store: TokenStore;
  logger: Logger;
  revoke: Revoke;
  /** The mail layer's hooks: close connections, cancel timers, delete cached mail. */
  hooks: readonly ((account: MailAccount) => Promise<void> | void)[];
  toMailAccount(account: StoredAccount): MailAccount;
}

/**
 * Signs one account out: revoke where the issuer can, then close connections and delete cached
 * data, then delete the secrets. Every step runs whatever the previous one answered, so a dead
 * issuer or a failing hook never leaves tokens behind.
 */
export async function signOutAccount(account: StoredAccount, deps: SignOutDependencies): Promise<RevocationResult> {
  const revocation = await revokeQuietly(account, account.tokens?.refreshToken, deps.revoke, deps.logger);
  const mailAccount = deps.toMailAccount(account);
  for (const hook of deps.hooks) {
    try {
      await hook(mailAccount);
    } catch (error) {
      deps.logger.warn(`A sign-out step for ${account.email} failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  }
  await deps.store.remove(account.id);
  deps.logger.info(`Signed out ${account.email} (revocation: ${revocation})`);
  return revocation;
}
