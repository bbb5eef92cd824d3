import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { MailroomError } from '../util/errors';
import type { OAuthModule, RequestOptions } from './oauthRequests';
import type { ProviderConfig } from './providerConfig';
import { canonicalIssuer, hasVariableIdTokenIssuer, resolveIdTokenIssuer } from './idTokenIssuer';

/** What a token endpoint gave us, with the request time needed to turn `expires_in` into a deadline. */
export interface TokenGrant {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInSeconds: number | undefined;
  /** Space-separated `scope` of the response split up; undefined when the server did not say (= as requested). */
  grantedScopes: string[] | undefined;
  requestedAtMs: number;
}

/** Who signed in, from a validated ID token (and userinfo where the ID token has no email). */
export interface SignedInIdentity {
  issuer: string;
  subject: string;
  email: string;
}

/** Decodes the payload of a JWT without trusting it; used only to pick the Microsoft tenant before validation. */
function unverifiedJwtPayload(jwt: unknown): Record<string, unknown> {
  if (typeof jwt !== 'string') {
    return {};
  }
  const part = jwt.split('.')[1];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Microsoft's multi-tenant issuer is a template (the ID token names its tenant in `tid`) and Google
 * has two spellings. The claims are read (unverified) only to pick the exact issuer that
 * oauth4webapi then enforces, together with audience, expiry and nonce.
 */
export async function issuerForTokenResponse(
  config: ProviderConfig,
  metadata: OAuth.AuthorizationServer,
  response: Response,
): Promise<OAuth.AuthorizationServer> {
  if (!hasVariableIdTokenIssuer(config) || response.status !== 200) {
    return metadata;
  }
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => ({}));
  const idToken = typeof body === 'object' && body !== null ? (body as { id_token?: unknown }).id_token : undefined;
  if (idToken === undefined) {
    return metadata;
  }
  return { ...metadata, issuer: resolveIdTokenIssuer(config, unverifiedJwtPayload(idToken)) };
}

export function toGrant(result: OAuth.TokenEndpointResponse, requestedAtMs: number): TokenGrant {
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    expiresInSeconds: typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in : undefined,
    grantedScopes: typeof result.scope === 'string' ? result.scope.split(' ').filter(Boolean) : undefined,
    requestedAtMs,
  };
}

/** Who signed in, from the validated ID token; the email comes from userinfo when the ID token has none. */
export async function signedInIdentity(
  oauth: OAuthModule,
  config: ProviderConfig,
  metadata: OAuth.AuthorizationServer,
  result: OAuth.TokenEndpointResponse,
  request: RequestOptions,
): Promise<SignedInIdentity> {
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) {
    throw new MailroomError('InvalidResponse', `${config.displayName} did not say who signed in (no ID token).`);
  }
  let email = typeof claims.email === 'string' ? claims.email : undefined;
  if (!email && metadata.userinfo_endpoint) {
    // Some issuers keep the email out of the ID token and hand it out at userinfo only.
    const client: OAuth.Client = { client_id: config.clientId };
    const response = await oauth.userInfoRequest(metadata, client, result.access_token, request);
    const info = await oauth.processUserInfoResponse(metadata, client, claims.sub, response).catch(() => undefined);
    email = typeof info?.email === 'string' ? info.email : undefined;
  }
  if (!email && typeof claims.preferred_username === 'string' && claims.preferred_username.includes('@')) {
    email = claims.preferred_username;
  }
  if (!email) {
    throw new MailroomError('InvalidResponse', `${config.displayName} did not tell Mailroom your email address. Add the "email" scope.`);
  }
  return { issuer: canonicalIssuer(config, claims.iss), subject: claims.sub, email: email.toLowerCase() };
}
