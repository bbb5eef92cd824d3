// A small OAuth 2.0 / OpenID Connect issuer over HTTPS whose rules come from a profile (googleLike.ts,
// microsoftLike.ts): the documented behaviour of Google's and Microsoft's identity platforms that Mailroom's
// presets rely on, which oidc-provider (the stack's standards-following issuer) deliberately does not have:
// issuer spellings and templates, a client secret for a desktop client, refresh tokens that do or do not
// rotate and that expire, resource-qualified scopes, no revocation endpoint. The mail servers check its
// access tokens at an internal introspection endpoint, as Dovecot and the stack's SMTP server do elsewhere.
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { IDENTITY_PROVIDER_HOST } from '../identityProvider';
import { escapeHtml, renderMessagePage } from '../loginPages';
import { findUserByLogin } from '../testUsers';
import type { TestUser } from '../testUsers';
import { loadTlsFixtures, signingKeyPem } from '../tlsFixtures';

/** An answer the issuer gives instead of going on: a page (before the redirect URI is trusted) or an OAuth error. */
export class IssuerRefusal extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`);
  }
}

export interface AuthorizationRequest {
  /** The path's tenant segment (Microsoft), or undefined. */
  tenant: string | undefined;
  params: URLSearchParams;
  scopes: string[];
}

/** What a profile decides; everything else (codes, PKCE, token storage, HTTP) is shared. */
export interface IssuerRules {
  /** Matches the authorization endpoint's path; returns the tenant segment (or '' when there is none). */
  authorizationPath(pathname: string): string | undefined;
  /** Matches the token endpoint's path, as above. */
  tokenPath(pathname: string): string | undefined;
  /** The revocation endpoint's path, or undefined when the issuer has none. */
  revocationPath: string | undefined;
  /** Discovery documents by path. */
  discovery(origin: string, pathname: string): Record<string, unknown> | undefined;
  /** Throws an IssuerRefusal with status 400 page when the client or redirect URI is unknown (nothing is redirected). */
  checkClient(clientId: string, redirectUri: string): void;
  /** Throws an IssuerRefusal (sent to the redirect URI) for a request the issuer refuses; returns the scopes granted. */
  checkAuthorization(request: AuthorizationRequest, user: TestUser): string[];
  /** Whether the grant gets a refresh token. */
  grantsRefreshToken(request: AuthorizationRequest): boolean;
  /** Checks client authentication at the token endpoint; throws an IssuerRefusal. */
  authenticateClient(clientId: string, secret: string | undefined): void;
  rotatesRefreshTokens: boolean;
  /** How long a refresh token lives, in seconds (undefined: until revoked). */
  refreshTokenLifetimeSeconds: number | undefined;
  idTokenClaims(user: TestUser, tenant: string | undefined): Record<string, unknown>;
  /** The `scope` value of a token response for the granted scopes. */
  responseScope(granted: string[]): string;
  /** The audience (resource) of access tokens. */
  audience: string;
}

interface Grant {
  id: string;
  user: TestUser;
  clientId: string;
  scopes: string[];
  tenant: string | undefined;
  revoked: boolean;
}

interface PendingCode {
  grant: Grant;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  refreshToken: boolean;
  expiresAtMs: number;
}

interface AccessTokenRecord {
  grant: Grant;
  expiresAtMs: number;
}

interface RefreshTokenRecord {
  grant: Grant;
  expiresAtMs: number | undefined;
}

export interface ProfileIssuerOptions {
  accessTokenTtlSeconds: number;
}

export interface ProfileIssuer {
  /** https://127.0.0.2:<port> */
  origin: string;
  /** Where the mail servers introspect tokens (RFC 7662 answers; a secret path stands in for client authentication). */
  introspectionUrl: string;
  /** Plays the person: posts the sign-in form at the authorization URL and returns the redirect it answers with. */
  authorize(authorizationUrl: string, user: { username: string; password: string }): Promise<string>;
  introspect(token: string): Record<string, unknown>;
  /** Counts of token endpoint calls by grant type, and of revocation calls. */
  readonly calls: { authorization_code: number; refresh_token: number; revocation: number };
  /** Every refresh token handed out, in order (test-only, for rotation checks). */
  readonly refreshTokens: string[];
  /** The redirect URI of every authorization request the person signed in to, in order (test-only). */
  readonly authorizationRedirects: string[];
  /** The claims of every ID token handed out, in order (test-only). */
  readonly idTokenClaims: Record<string, unknown>[];
  stop(): Promise<void>;
}

const CODE_TTL_MS = 60_000;

function randomToken(prefix: string): string {
  return `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
}

function signJwt(claims: Record<string, unknown>, key: crypto.KeyObject): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'profile-issuer' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const [id, secret = ''] = Buffer.from(match[1], 'base64').toString('utf8').split(':');
  return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
}

function signInPage(actionUrl: string): string {
  return `${renderMessagePage('Sign in', 'Sign in to continue to Mailroom.')}<form method="post" action="${escapeHtml(actionUrl)}">
<label>Email or user name <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>`;
}

export async function startProfileIssuer(rules: IssuerRules, options: ProfileIssuerOptions): Promise<ProfileIssuer> {
  const tls = loadTlsFixtures();
  const signingKey = crypto.createPrivateKey(signingKeyPem('issuer'));
  const introspectionSecret = crypto.randomBytes(16).toString('hex');
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const calls = { authorization_code: 0, refresh_token: 0, revocation: 0 };
  const issuedRefreshTokens: string[] = [];
  const issuedIdTokenClaims: Record<string, unknown>[] = [];
  const authorizationRedirects: string[] = [];
  let origin = '';

  const tokenResponse = (grant: Grant, withRefreshToken: boolean, nonce: string | undefined): Record<string, unknown> => {
    const now = Date.now();
    const accessToken = randomToken('profile-at-');
    accessTokens.set(accessToken, { grant, expiresAtMs: now + options.accessTokenTtlSeconds * 1000 });
    const seconds = Math.floor(now / 1000);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: options.accessTokenTtlSeconds,
      scope: rules.responseScope(grant.scopes),
    };
    if (grant.scopes.includes('openid')) {
      const claims = { ...rules.idTokenClaims(grant.user, grant.tenant), aud: grant.clientId, iat: seconds, exp: seconds + 3600, ...(nonce ? { nonce } : {}) };
      issuedIdTokenClaims.push(claims);
      body.id_token = signJwt(claims, signingKey);
    }
    if (withRefreshToken) {
      const refreshToken = randomToken('profile-rt-');
      const lifetime = rules.refreshTokenLifetimeSeconds;
      refreshTokens.set(refreshToken, { grant, expiresAtMs: lifetime === undefined ? undefined : now + lifetime * 1000 });
      issuedRefreshTokens.push(refreshToken);
      body.refresh_token = refreshToken;
    }
    return body;
  };

  const authenticate = (request: http.IncomingMessage, form: URLSearchParams): string => {
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? form.get('client_id') ?? '';
    rules.authenticateClient(clientId, basic?.secret ?? form.get('client_secret') ?? undefined);
    return clientId;
  };

  const exchangeCode = (clientId: string, form: URLSearchParams): Record<string, unknown> => {
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.expiresAtMs < Date.now() || pending.grant.clientId !== clientId || pending.redirectUri !== form.get('redirect_uri')) {
      throw new IssuerRefusal('invalid_grant', 'The authorization code is invalid, expired or was issued to another client or redirect URI.');
    }
    const verifier = form.get('code_verifier') ?? '';
    if (crypto.createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
      throw new IssuerRefusal('invalid_grant', 'The code verifier does not match the code challenge.');
    }
    return tokenResponse(pending.grant, pending.refreshToken, pending.nonce);
  };

  const refresh = (clientId: string, form: URLSearchParams): Record<string, unknown> => {
    const token = form.get('refresh_token') ?? '';
    const record = refreshTokens.get(token);
    if (!record || record.grant.revoked || record.grant.clientId !== clientId || (record.expiresAtMs !== undefined && record.expiresAtMs < Date.now())) {
      throw new IssuerRefusal('invalid_grant', 'Token has been expired or revoked.');
    }
    // Without rotation the response carries no refresh token: the client keeps the one it has.
    return tokenResponse(record.grant, rules.rotatesRefreshTokens, undefined);
  };

  const handleToken = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await readBody(request));
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code' || grantType === 'refresh_token') calls[grantType] += 1;
    try {
      const clientId = authenticate(request, form);
      if (grantType === 'authorization_code') return sendJson(response, 200, exchangeCode(clientId, form));
      if (grantType === 'refresh_token') return sendJson(response, 200, refresh(clientId, form));
      throw new IssuerRefusal('unsupported_grant_type', `Grant type ${grantType ?? '(none)'} is not supported.`);
    } catch (error) {
      if (!(error instanceof IssuerRefusal)) throw error;
      sendJson(response, error.status, { error: error.error, error_description: error.description });
    }
  };

  const handleAuthorization = async (request: http.IncomingMessage, response: http.ServerResponse, url: URL, tenant: string): Promise<void> => {
    const params = url.searchParams;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    try {
      rules.checkClient(clientId, redirectUri);
    } catch (error) {
      if (!(error instanceof IssuerRefusal)) throw error;
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderMessagePage('Sign-in error', `${error.error}: ${error.description}`));
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(signInPage(url.href));
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    const user = findUserByLogin(form.get('login') ?? '');
    if (!user || user.password !== form.get('password')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<p role="alert">Wrong email or password.</p>${signInPage(url.href)}`);
      return;
    }
    authorizationRedirects.push(redirectUri);
    const target = new URL(redirectUri);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    const authorization: AuthorizationRequest = { tenant: tenant || undefined, params, scopes: (params.get('scope') ?? '').split(' ').filter(Boolean) };
    try {
      if (params.get('response_type') !== 'code') throw new IssuerRefusal('unsupported_response_type', 'Only the code flow is supported.');
      const challenge = params.get('code_challenge');
      if (!challenge || params.get('code_challenge_method') !== 'S256') throw new IssuerRefusal('invalid_request', 'PKCE with S256 is required.');
      const scopes = rules.checkAuthorization(authorization, user);
      const grant: Grant = { id: crypto.randomUUID(), user, clientId, scopes, tenant: authorization.tenant, revoked: false };
      const code = randomToken('profile-code-');
      codes.set(code, {
        grant,
        redirectUri,
        challenge,
        nonce: params.get('nonce') ?? undefined,
        refreshToken: rules.grantsRefreshToken(authorization),
        expiresAtMs: Date.now() + CODE_TTL_MS,
      });
      target.searchParams.set('code', code);
    } catch (error) {
      if (!(error instanceof IssuerRefusal)) throw error;
      target.searchParams.set('error', error.error);
      target.searchParams.set('error_description', error.description);
    }
    response.writeHead(302, { location: target.href });
    response.end();
  };

  const handleRevocation = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    calls.revocation += 1;
    const token = new URLSearchParams(await readBody(request)).get('token') ?? '';
    const grant = refreshTokens.get(token)?.grant ?? accessTokens.get(token)?.grant;
    if (!grant) return sendJson(response, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    // Revoking either token ends the whole grant, as Google documents.
    grant.revoked = true;
    sendJson(response, 200, {});
  };

  const introspect = (token: string): Record<string, unknown> => {
    const record = accessTokens.get(token);
    if (!record || record.grant.revoked || record.expiresAtMs < Date.now()) return { active: false };
    const { grant } = record;
    return {
      active: true,
      scope: grant.scopes.join(' '),
      aud: rules.audience,
      client_id: grant.clientId,
      email: grant.user.email,
      sub: grant.user.subject,
      exp: Math.floor(record.expiresAtMs / 1000),
    };
  };

  const route = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    const discovery = request.method === 'GET' ? rules.discovery(origin, url.pathname) : undefined;
    if (discovery) return sendJson(response, 200, discovery);
    const authorizationTenant = rules.authorizationPath(url.pathname);
    if (authorizationTenant !== undefined) return handleAuthorization(request, response, url, authorizationTenant);
    if (request.method === 'POST' && rules.tokenPath(url.pathname) !== undefined) return handleToken(request, response);
    if (request.method === 'POST' && rules.revocationPath !== undefined && url.pathname === rules.revocationPath) return handleRevocation(request, response);
    if (request.method === 'POST' && url.pathname === `/internal/${introspectionSecret}/introspect`) {
      return sendJson(response, 200, introspect(new URLSearchParams(await readBody(request)).get('token') ?? ''));
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  };

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, IDENTITY_PROVIDER_HOST, () => resolve((server.address() as AddressInfo).port));
  });
  origin = `https://${IDENTITY_PROVIDER_HOST}:${port}`;

  return {
    origin,
    introspectionUrl: `${origin}/internal/${introspectionSecret}/introspect`,
    calls,
    refreshTokens: issuedRefreshTokens,
    idTokenClaims: issuedIdTokenClaims,
    authorizationRedirects,
    introspect,
    authorize: async (authorizationUrl, user) => {
      const answer = await fetch(authorizationUrl, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: user.username, password: user.password }).toString(),
      });
      const location = answer.headers.get('location');
      if (answer.status !== 302 || !location) throw new Error(`the issuer did not redirect (${answer.status}): ${(await answer.text()).slice(0, 300)}`);
      return location;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
