import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { BackoffGate } from '../util/backoff';
import { MailroomError } from '../util/errors';
import type { PendingSignIn } from './pendingSignIn';
import type { ProviderConfig } from './presets';
import { canonicalIssuer, hasVariableIdTokenIssuer, resolveIdTokenIssuer } from './presets';
import { throwIfTransient, toMailroomError } from './oauthErrors';
import { testFetchFor } from '../util/testTransport';

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

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | undefined;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export type DevicePollResult =
  | { kind: 'granted'; grant: TokenGrant; identity: SignedInIdentity }
  | { kind: 'pending' }
  | { kind: 'slowDown' };

export interface OAuthClientOptions {
  /** Google desktop clients: the (non-secret) client secret from SecretStorage. */
  readClientSecret?: () => Promise<string | undefined>;
  now?: () => number;
  /** Per-request time limit. */
  requestTimeoutMs?: number;
}

type OAuthModule = typeof OAuth;
let oauthModule: Promise<OAuthModule> | undefined;
/** oauth4webapi loads on the first sign-in or refresh, not during activation. */
function loadOAuth(): Promise<OAuthModule> {
  oauthModule ??= import('oauth4webapi');
  return oauthModule;
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
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
 * One provider's OAuth 2.0 / OpenID Connect client, on oauth4webapi: metadata, PKCE authorization
 * URLs, code exchange with ID token validation, refresh, revocation and the device grant.
 */
export class OAuthClient {
  private metadataPromise: Promise<OAuth.AuthorizationServer> | undefined;
  private readonly now: () => number;
  /**
   * Discovery and revocation back off after the issuer said "later" (429, 5xx; `Retry-After` honoured) [SEC-30]:
   * until the wait is over they fail at once without a request. The token endpoint's back-off is per account,
   * in TokenManager.
   */
  private readonly backoff: BackoffGate;

  public constructor(
    public readonly config: ProviderConfig,
    private readonly options: OAuthClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.backoff = new BackoffGate(() => this.now());
  }

  /** Runs one call to `endpoint` unless it is backing off, and starts or ends its back-off by the outcome. */
  private async withBackoff<T>(endpoint: 'discovery' | 'revocation', call: () => Promise<T>): Promise<T> {
    const waitMs = this.backoff.waitMs(endpoint);
    if (waitMs > 0) {
      throw new MailroomError('IssuerUnavailable', `${this.issuerName} was unavailable or asked Mailroom to slow down; Mailroom waits ${Math.ceil(waitMs / 1000)} s before asking again.`, { retryAfterMs: waitMs });
    }
    try {
      const result = await call();
      this.backoff.recordSuccess(endpoint);
      return result;
    } catch (error) {
      const failure = toMailroomError(error, this.issuerName);
      if (failure.code === 'Throttled' || failure.code === 'IssuerUnavailable') {
        this.backoff.recordFailure(endpoint, failure.retryAfterMs);
      }
      throw failure;
    }
  }

  private get issuerName(): string {
    return this.config.displayName;
  }

  private requestOptions(oauth: OAuthModule): { signal: AbortSignal; [key: symbol]: unknown } {
    const options: { signal: AbortSignal; [key: symbol]: unknown } = {
      signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
    };
    const testFetch = testFetchFor(this.options);
    if (testFetch) {
      options[oauth.customFetch] = testFetch;
    }
    return options;
  }

  private get client(): OAuth.Client {
    return { client_id: this.config.clientId };
  }

  private async clientAuthentication(oauth: OAuthModule): Promise<OAuth.ClientAuth> {
    if (!this.config.requiresClientSecret) {
      return oauth.None();
    }
    const secret = await this.options.readClientSecret?.();
    if (!secret) {
      throw new MailroomError('MissingClientSecret', `${this.issuerName} needs the client secret of your OAuth client. Run "Mailroom: Set Google Client Secret…" first.`);
    }
    return oauth.ClientSecretPost(secret);
  }

  /**
   * The issuer's metadata: fixed for Google and Microsoft, discovered for custom issuers. A
   * discovered `issuer` must equal the configured one and every endpoint must be https (RFC 8414 §3.3).
   */
  public metadata(): Promise<OAuth.AuthorizationServer> {
    if (!this.metadataPromise) {
      const loading = this.withBackoff('discovery', () => this.loadMetadata());
      this.metadataPromise = loading;
      loading.catch(() => {
        // A failed discovery is retried on the next attempt instead of being cached.
        if (this.metadataPromise === loading) {
          this.metadataPromise = undefined;
        }
      });
    }
    return this.metadataPromise;
  }

  private async loadMetadata(): Promise<OAuth.AuthorizationServer> {
    if (this.config.staticMetadata) {
      return { ...this.config.staticMetadata };
    }
    const oauth = await loadOAuth();
    const issuer = new URL(this.config.issuer);
    if (issuer.protocol !== 'https:') {
      throw new MailroomError('InsecureEndpoint', 'The issuer must use https://.');
    }
    try {
      const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.requestOptions(oauth) });
      throwIfTransient(response, this.issuerName, this.now());
      const metadata = await oauth.processDiscoveryResponse(issuer, response);
      const endpoints = ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'device_authorization_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const;
      for (const name of endpoints) {
        if (metadata[name] !== undefined && !isHttpsUrl(metadata[name])) {
          throw new MailroomError('InsecureEndpoint', `${this.issuerName} published an endpoint (${name}) that is not https://. Mailroom never sends credentials over plain HTTP.`);
        }
      }
      if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
        throw new MailroomError('InvalidResponse', `${this.issuerName} does not publish the endpoints Mailroom needs for sign-in.`);
      }
      return metadata;
    } catch (error) {
      throw toMailroomError(error, this.issuerName);
    }
  }

  /** The authorization URL for one attempt: code flow, PKCE S256, state, nonce. */
  public async authorizationUrl(pending: PendingSignIn): Promise<string> {
    const oauth = await loadOAuth();
    const metadata = await this.metadata();
    const url = new URL(metadata.authorization_endpoint ?? '');
    const parameters: Record<string, string> = {
      ...this.config.extraAuthorizationParameters,
      client_id: this.config.clientId,
      response_type: 'code',
      redirect_uri: pending.redirectUri,
      scope: pending.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(parameters)) {
      url.searchParams.set(name, value);
    }
    return url.href;
  }

  /** Whether the issuer requires `iss` in authorization responses (RFC 9207). */
  public async requiresIssParameter(): Promise<boolean> {
    return (await this.metadata()).authorization_response_iss_parameter_supported === true;
  }

  public async supportsDeviceAuthorization(): Promise<boolean> {
    return (await this.metadata()).device_authorization_endpoint !== undefined;
  }

  public async hasRevocationEndpoint(): Promise<boolean> {
    return (await this.metadata()).revocation_endpoint !== undefined;
  }

  /** Exchanges a validated callback's code for tokens; the ID token's iss, aud, exp, iat and nonce are checked. */
  public async exchangeCode(pending: PendingSignIn, callbackParameters: URLSearchParams): Promise<{ grant: TokenGrant; identity: SignedInIdentity }> {
    const oauth = await loadOAuth();
    try {
      const metadata = await this.metadata();
      const iss = callbackParameters.get('iss');
      // callback.ts has already matched a templated (Microsoft) issuer against `iss`; here it is pinned.
      const asForCallback = iss && metadata.issuer.includes('{tenantid}') ? { ...metadata, issuer: iss } : metadata;
      const validated = oauth.validateAuthResponse(asForCallback, this.client, callbackParameters, pending.state);
      const requestedAtMs = this.now();
      const response = await oauth.authorizationCodeGrantRequest(
        metadata,
        this.client,
        await this.clientAuthentication(oauth),
        validated,
        pending.redirectUri,
        pending.codeVerifier,
        this.requestOptions(oauth),
      );
      throwIfTransient(response, this.issuerName, this.now());
      const issuerMetadata = await this.issuerForTokenResponse(metadata, response);
      const result = await oauth.processAuthorizationCodeResponse(issuerMetadata, this.client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      const grant = this.toGrant(result, requestedAtMs);
      return { grant, identity: await this.identity(oauth, issuerMetadata, result, grant.accessToken) };
    } catch (error) {
      throw toMailroomError(error, this.issuerName);
    }
  }

  /** Uses a refresh token. A rotated refresh token comes back in the grant; the caller persists it before use. */
  public async refresh(refreshToken: string): Promise<TokenGrant> {
    const oauth = await loadOAuth();
    try {
      const metadata = await this.metadata();
      const requestedAtMs = this.now();
      const response = await oauth.refreshTokenGrantRequest(metadata, this.client, await this.clientAuthentication(oauth), refreshToken, this.requestOptions(oauth));
      throwIfTransient(response, this.issuerName, this.now());
      const result = await oauth.processRefreshTokenResponse(await this.issuerForTokenResponse(metadata, response), this.client, response);
      return this.toGrant(result, requestedAtMs);
    } catch (error) {
      throw toMailroomError(error, this.issuerName);
    }
  }

  /** RFC 7009 revocation with `token_type_hint=refresh_token`; `unsupported` when the issuer has no endpoint. */
  public async revokeRefreshToken(refreshToken: string): Promise<'revoked' | 'unsupported'> {
    const oauth = await loadOAuth();
    try {
      const metadata = await this.metadata();
      if (!metadata.revocation_endpoint) {
        return 'unsupported';
      }
      const clientAuthentication = await this.clientAuthentication(oauth);
      await this.withBackoff('revocation', async () => {
        const response = await oauth.revocationRequest(metadata, this.client, clientAuthentication, refreshToken, {
          ...this.requestOptions(oauth),
          additionalParameters: { token_type_hint: 'refresh_token' },
        });
        throwIfTransient(response, this.issuerName, this.now());
        await oauth.processRevocationResponse(response);
      });
      return 'revoked';
    } catch (error) {
      throw toMailroomError(error, this.issuerName);
    }
  }

  /** Starts the device authorization grant (RFC 8628 §3.1). */
  public async startDeviceAuthorization(scopes: readonly string[]): Promise<DeviceAuthorization> {
    const oauth = await loadOAuth();
    try {
      const metadata = await this.metadata();
      const response = await oauth.deviceAuthorizationRequest(metadata, this.client, await this.clientAuthentication(oauth), { scope: scopes.join(' ') }, this.requestOptions(oauth));
      throwIfTransient(response, this.issuerName, this.now());
      const result = await oauth.processDeviceAuthorizationResponse(metadata, this.client, response);
      return {
        deviceCode: result.device_code,
        userCode: result.user_code,
        verificationUri: result.verification_uri,
        verificationUriComplete: result.verification_uri_complete,
        expiresInSeconds: result.expires_in,
        intervalSeconds: result.interval ?? 5,
      };
    } catch (error) {
      throw toMailroomError(error, this.issuerName);
    }
  }

  /** Polls the token endpoint once for a device code (RFC 8628 §3.4–3.5). */
  public async pollDeviceAuthorization(deviceCode: string): Promise<DevicePollResult> {
    const oauth = await loadOAuth();
    try {
      const metadata = await this.metadata();
      const requestedAtMs = this.now();
      const response = await oauth.deviceCodeGrantRequest(metadata, this.client, await this.clientAuthentication(oauth), deviceCode, this.requestOptions(oauth));
      throwIfTransient(response, this.issuerName, this.now());
      const issuerMetadata = await this.issuerForTokenResponse(metadata, response);
      const result = await oauth.processDeviceCodeResponse(issuerMetadata, this.client, response);
      if (!oauth.getValidatedIdTokenClaims(result)) {
        throw new MailroomError('InvalidResponse', `${this.issuerName} did not say who signed in (no ID token). Add the "openid" scope.`);
      }
      const grant = this.toGrant(result, requestedAtMs);
      return { kind: 'granted', grant, identity: await this.identity(oauth, issuerMetadata, result, grant.accessToken) };
    } catch (error) {
      const body = error as { code?: unknown; error?: unknown };
      if (body.code === 'OAUTH_RESPONSE_BODY_ERROR' && body.error === 'authorization_pending') {
        return { kind: 'pending' };
      }
      if (body.code === 'OAUTH_RESPONSE_BODY_ERROR' && body.error === 'slow_down') {
        return { kind: 'slowDown' };
      }
      throw toMailroomError(error, this.issuerName);
    }
  }

  /**
   * Microsoft's multi-tenant issuer is a template (the ID token names its tenant in `tid`) and Google
   * has two spellings. The claims are read (unverified) only to pick the exact issuer that
   * oauth4webapi then enforces, together with audience, expiry and nonce.
   */
  private async issuerForTokenResponse(metadata: OAuth.AuthorizationServer, response: Response): Promise<OAuth.AuthorizationServer> {
    if (!hasVariableIdTokenIssuer(this.config) || response.status !== 200) {
      return metadata;
    }
    const body: unknown = await response.clone().json().catch(() => ({}));
    const idToken = typeof body === 'object' && body !== null ? (body as { id_token?: unknown }).id_token : undefined;
    if (idToken === undefined) {
      return metadata;
    }
    return { ...metadata, issuer: resolveIdTokenIssuer(this.config, unverifiedJwtPayload(idToken)) };
  }

  private toGrant(result: OAuth.TokenEndpointResponse, requestedAtMs: number): TokenGrant {
    return {
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      expiresInSeconds: typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in : undefined,
      grantedScopes: typeof result.scope === 'string' ? result.scope.split(' ').filter(Boolean) : undefined,
      requestedAtMs,
    };
  }

  private async identity(oauth: OAuthModule, metadata: OAuth.AuthorizationServer, result: OAuth.TokenEndpointResponse, accessToken: string): Promise<SignedInIdentity> {
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (!claims) {
      throw new MailroomError('InvalidResponse', `${this.issuerName} did not say who signed in (no ID token).`);
    }
    let email = typeof claims.email === 'string' ? claims.email : undefined;
    if (!email && metadata.userinfo_endpoint) {
      // Some issuers keep the email out of the ID token and hand it out at userinfo only.
      const response = await oauth.userInfoRequest(metadata, this.client, accessToken, this.requestOptions(oauth));
      const info = await oauth.processUserInfoResponse(metadata, this.client, claims.sub, response).catch(() => undefined);
      email = typeof info?.email === 'string' ? info.email : undefined;
    }
    if (!email && typeof claims.preferred_username === 'string' && claims.preferred_username.includes('@')) {
      email = claims.preferred_username;
    }
    if (!email) {
      throw new MailroomError('InvalidResponse', `${this.issuerName} did not tell Mailroom your email address. Add the "email" scope.`);
    }
    return { issuer: canonicalIssuer(this.config, claims.iss), subject: claims.sub, email: email.toLowerCase() };
  }
}
