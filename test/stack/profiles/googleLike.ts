// The Google-like issuer's rules, from Google's documentation for installed apps and the facts DESIGN.md
// lists: a "Desktop app" client that accepts loopback redirects only (any port, any path) and must send its
// client secret to the token endpoint; ID tokens whose `iss` is `https://accounts.google.com` or
// `accounts.google.com` (alternating here, so a client must accept both); a refresh token only with
// `access_type=offline`; refresh tokens that never rotate and, while the app is in "Testing", expire after a
// set time (7 days at Google, seconds here); a revocation endpoint that ends the whole grant.
import { IssuerRefusal } from './profileIssuer';
import type { IssuerRules } from './profileIssuer';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const GOOGLE_ISSUER_WITHOUT_SCHEME = 'accounts.google.com';
export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';
/** How Google names the `email` scope in token responses. */
const GOOGLE_EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
const KNOWN_SCOPES = new Set(['openid', 'email', 'profile', GOOGLE_MAIL_SCOPE]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface GoogleLikeOptions {
  clientId: string;
  clientSecret: string;
  /** "Testing" mode: refresh tokens stop working this long after they were issued. */
  refreshTokenLifetimeSeconds: number;
}

function isLoopbackRedirect(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !url.username && !url.password && !url.hash;
  } catch {
    return false;
  }
}

export function googleLikeRules(options: GoogleLikeOptions): IssuerRules {
  let idTokenCount = 0;
  return {
    authorizationPath: (pathname) => (pathname === '/o/oauth2/v2/auth' ? '' : undefined),
    tokenPath: (pathname) => (pathname === '/token' ? '' : undefined),
    revocationPath: '/revoke',
    discovery: (origin, pathname) =>
      pathname === '/.well-known/openid-configuration'
        ? {
            issuer: GOOGLE_ISSUER,
            authorization_endpoint: `${origin}/o/oauth2/v2/auth`,
            token_endpoint: `${origin}/token`,
            revocation_endpoint: `${origin}/revoke`,
            response_types_supported: ['code'],
            code_challenge_methods_supported: ['plain', 'S256'],
            token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
            id_token_signing_alg_values_supported: ['RS256'],
          }
        : undefined,
    checkClient: (clientId, redirectUri) => {
      if (clientId !== options.clientId) throw new IssuerRefusal('invalid_client', 'The OAuth client was not found.', 401);
      if (!isLoopbackRedirect(redirectUri)) {
        throw new IssuerRefusal(
          'redirect_uri_mismatch',
          `Error 400: redirect_uri_mismatch. You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy (${redirectUri}).`,
        );
      }
    },
    checkAuthorization: (request) => {
      const unknown = request.scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
      if (request.scopes.length === 0 || unknown.length > 0)
        throw new IssuerRefusal('invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ')}`);
      return request.scopes;
    },
    grantsRefreshToken: (request) => request.params.get('access_type') === 'offline',
    authenticateClient: (clientId, secret) => {
      if (clientId !== options.clientId) throw new IssuerRefusal('invalid_client', 'The OAuth client was not found.', 401);
      if (secret === undefined) throw new IssuerRefusal('invalid_request', 'client_secret is missing.');
      if (secret !== options.clientSecret) throw new IssuerRefusal('invalid_client', 'Unauthorized', 401);
    },
    rotatesRefreshTokens: false,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
    idTokenClaims: (user) => {
      idTokenCount += 1;
      return {
        iss: idTokenCount % 2 === 1 ? GOOGLE_ISSUER : GOOGLE_ISSUER_WITHOUT_SCHEME,
        azp: options.clientId,
        sub: user.subject,
        email: user.email,
        email_verified: true,
      };
    },
    responseScope: (granted) =>
      granted
        .filter((scope) => scope !== 'openid')
        .map((scope) => (scope === 'email' ? GOOGLE_EMAIL_SCOPE : scope))
        .concat(granted.includes('openid') ? ['openid'] : [])
        .join(' '),
    audience: GOOGLE_MAIL_SCOPE,
  };
}
