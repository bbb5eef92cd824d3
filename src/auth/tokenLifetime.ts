import type { TokenGrant } from './tokenResponse';
import type { StoredTokens } from './tokenStore';

/** When tokens expire and when to renew them, from `expires_in` and the request time [SEC-16]. */

/** Refresh at most this long before expiry… */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
/** …but never earlier than this share of the lifetime, so short-lived tokens are not refreshed on every use. */
const REFRESH_MARGIN_SHARE = 0.2;

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
