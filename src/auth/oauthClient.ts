import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { BackoffGate } from '../util/backoff';
import { MailroomError } from '../util/errors';
import { loadIssuerMetadata } from './issuerDiscovery';
import { throwIfTransient, toMailroomError } from './oauthErrors';
import type { OAuthClientOptions, OAuthModule, RequestOptions } from './oauthRequests';
import { clientAuthentication, loadOAuth, requestOptions } from './oauthRequests';
import type { PendingSignIn } from './pendingSignIn';
import type { ProviderConfig } from './providerConfig';
import type { SignedInIdentity, TokenGrant } from './tokenResponse';
import type { DeviceAuthorization, DevicePollResult } from './deviceGrant';
import { DEFAULT_DEVICE_POLL_INTERVAL_SECONDS, devicePollAnswer } from './deviceGrant';
import { issuerForTokenResponse, signedInIdentity, toGrant } from './tokenResponse';
import { ui } from '../ui/text';

/** What the token endpoint said to a refresh token that cannot exist (see {@link OAuthClient.probeTokenEndpoint}). */
export interface TokenEndpointAnswer {
  readonly status: number;
  /** The OAuth `error` (`invalid_grant` means the issuer knows this client). */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  /** The server's `Date` header, for comparing clocks. */
  readonly serverDate: string | undefined;
  /** The local time the answer arrived. */
  readonly receivedAtMs: number;
}

/** Made up, so no grant anywhere is touched by the probe. */
const PROBE_REFRESH_TOKEN = 'mailroom-check-account-probe';

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
      throw new MailroomError(
        'IssuerUnavailable',
        ui`${this.issuerName} was unavailable or asked Mailroom to slow down; Mailroom waits ${Math.ceil(waitMs / 1000)} s before asking again.`,
        { retryAfterMs: waitMs },
      );
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

  private requestOptions(oauth: OAuthModule): RequestOptions {
    return requestOptions(oauth, this.options);
  }

  private clientAuthentication(oauth: OAuthModule): Promise<OAuth.ClientAuth> {
    return clientAuthentication(oauth, this.config, this.options);
  }

  private get client(): OAuth.Client {
    return { client_id: this.config.clientId };
  }

  /**
   * Runs one request against the issuer's endpoints with the library and the metadata loaded, and turns
   * whatever it throws into Mailroom's vocabulary. `interpret` may answer an OAuth error body itself
   * (the device grant's "keep polling").
   */
  private async atIssuer<T>(
    request: (oauth: OAuthModule, metadata: OAuth.AuthorizationServer) => Promise<T>,
    interpret?: (error: unknown) => T | undefined,
  ): Promise<T> {
    const oauth = await loadOAuth();
    try {
      return await request(oauth, await this.metadata());
    } catch (error) {
      const answer = interpret?.(error);
      if (answer !== undefined) {
        return answer;
      }
      throw toMailroomError(error, this.issuerName);
    }
  }

  /**
   * One token-endpoint request: sent with the client's authentication, an answer saying "later" turned into a
   * back-off error, and the metadata to check the answer with (a templated issuer pinned to the answer's).
   */
  private async atTokenEndpoint(
    oauth: OAuthModule,
    metadata: OAuth.AuthorizationServer,
    send: (authentication: OAuth.ClientAuth, options: RequestOptions) => Promise<Response>,
  ): Promise<{ response: Response; issuerMetadata: OAuth.AuthorizationServer }> {
    const response = await send(await this.clientAuthentication(oauth), this.requestOptions(oauth));
    throwIfTransient(response, this.issuerName, this.now());
    return { response, issuerMetadata: await issuerForTokenResponse(this.config, metadata, response) };
  }

  /**
   * The issuer's metadata: fixed for Google and Microsoft, discovered for custom issuers. A
   * discovered `issuer` must equal the configured one and every endpoint must be https (RFC 8414 §3.3).
   */
  public metadata(): Promise<OAuth.AuthorizationServer> {
    if (!this.metadataPromise) {
      const loading = this.withBackoff('discovery', () => loadIssuerMetadata(this.config, this.options, this.now));
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

  /** Exchanges a validated callback's code for tokens; the ID token's iss, aud, exp, iat and nonce are checked. */
  public exchangeCode(pending: PendingSignIn, callbackParameters: URLSearchParams): Promise<{ grant: TokenGrant; identity: SignedInIdentity }> {
    return this.atIssuer(async (oauth, metadata) => {
      const iss = callbackParameters.get('iss');
      // callback.ts has already matched a templated (Microsoft) issuer against `iss`; here it is pinned.
      const asForCallback = iss && metadata.issuer.includes('{tenantid}') ? { ...metadata, issuer: iss } : metadata;
      const validated = oauth.validateAuthResponse(asForCallback, this.client, callbackParameters, pending.state);
      const requestedAtMs = this.now();
      const { response, issuerMetadata } = await this.atTokenEndpoint(oauth, metadata, (authentication, options) =>
        oauth.authorizationCodeGrantRequest(metadata, this.client, authentication, validated, pending.redirectUri, pending.codeVerifier, options),
      );
      const result = await oauth.processAuthorizationCodeResponse(issuerMetadata, this.client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      const grant = toGrant(result, requestedAtMs);
      return { grant, identity: await signedInIdentity(oauth, this.config, issuerMetadata, result, this.requestOptions(oauth)) };
    });
  }

  /** Uses a refresh token. A rotated refresh token comes back in the grant; the caller persists it before use. */
  public refresh(refreshToken: string): Promise<TokenGrant> {
    return this.atIssuer(async (oauth, metadata) => {
      const requestedAtMs = this.now();
      const { response, issuerMetadata } = await this.atTokenEndpoint(oauth, metadata, (authentication, options) =>
        oauth.refreshTokenGrantRequest(metadata, this.client, authentication, refreshToken, options),
      );
      const result = await oauth.processRefreshTokenResponse(issuerMetadata, this.client, response);
      return toGrant(result, requestedAtMs);
    });
  }

  /**
   * Check Account: offers the token endpoint a refresh token that cannot exist, with this client's ID (and
   * secret where the preset needs one). `invalid_grant` means the endpoint answers and knows the client;
   * `invalid_client` means it does not. The answer is returned as it came; nothing is stored.
   */
  public probeTokenEndpoint(): Promise<TokenEndpointAnswer> {
    return this.atIssuer(async (oauth, metadata) => {
      const response = await oauth.refreshTokenGrantRequest(
        metadata,
        this.client,
        await this.clientAuthentication(oauth),
        PROBE_REFRESH_TOKEN,
        this.requestOptions(oauth),
      );
      const body = (await response.json().catch(() => ({}))) as { error?: unknown; error_description?: unknown };
      const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
      return {
        status: response.status,
        error: text(body.error),
        errorDescription: text(body.error_description),
        serverDate: response.headers.get('date') ?? undefined,
        receivedAtMs: this.now(),
      };
    });
  }

  /** RFC 7009 revocation with `token_type_hint=refresh_token`; `unsupported` when the issuer has no endpoint. */
  public revokeRefreshToken(refreshToken: string): Promise<'revoked' | 'unsupported'> {
    return this.atIssuer(async (oauth, metadata) => {
      if (!metadata.revocation_endpoint) {
        return 'unsupported';
      }
      const authentication = await this.clientAuthentication(oauth);
      await this.withBackoff('revocation', async () => {
        const response = await oauth.revocationRequest(metadata, this.client, authentication, refreshToken, {
          ...this.requestOptions(oauth),
          additionalParameters: { token_type_hint: 'refresh_token' },
        });
        throwIfTransient(response, this.issuerName, this.now());
        await oauth.processRevocationResponse(response);
      });
      return 'revoked';
    });
  }

  /** Starts the device authorization grant (RFC 8628 §3.1). */
  public startDeviceAuthorization(scopes: readonly string[]): Promise<DeviceAuthorization> {
    return this.atIssuer(async (oauth, metadata) => {
      const response = await oauth.deviceAuthorizationRequest(
        metadata,
        this.client,
        await this.clientAuthentication(oauth),
        { scope: scopes.join(' ') },
        this.requestOptions(oauth),
      );
      throwIfTransient(response, this.issuerName, this.now());
      const result = await oauth.processDeviceAuthorizationResponse(metadata, this.client, response);
      return {
        deviceCode: result.device_code,
        userCode: result.user_code,
        verificationUri: result.verification_uri,
        verificationUriComplete: result.verification_uri_complete,
        expiresInSeconds: result.expires_in,
        intervalSeconds: result.interval ?? DEFAULT_DEVICE_POLL_INTERVAL_SECONDS,
      };
    });
  }

  /** Polls the token endpoint once for a device code (RFC 8628 §3.4–3.5). */
  public pollDeviceAuthorization(deviceCode: string): Promise<DevicePollResult> {
    return this.atIssuer(
      async (oauth, metadata): Promise<DevicePollResult> => {
        const requestedAtMs = this.now();
        const { response, issuerMetadata } = await this.atTokenEndpoint(oauth, metadata, (authentication, options) =>
          oauth.deviceCodeGrantRequest(metadata, this.client, authentication, deviceCode, options),
        );
        const result = await oauth.processDeviceCodeResponse(issuerMetadata, this.client, response);
        if (!oauth.getValidatedIdTokenClaims(result)) {
          throw new MailroomError('InvalidResponse', ui`${this.issuerName} did not say who signed in (no ID token). Add the "openid" scope.`);
        }
        const grant = toGrant(result, requestedAtMs);
        return { kind: 'granted', grant, identity: await signedInIdentity(oauth, this.config, issuerMetadata, result, this.requestOptions(oauth)) };
      },
      (error) => devicePollAnswer(error),
    );
  }
}
