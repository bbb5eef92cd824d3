// An OAuth 2.0 / OpenID Connect issuer in memory, reached through the OAuthClient's test-only fetch.
// It checks PKCE, redirect URIs and codes like a real one and lets tests script failures.
import { createHash, randomBytes } from 'node:crypto';

export interface RecordedRequest {
  url: string;
  method: string;
  body: URLSearchParams;
}

type TokenOverride = (parameters: URLSearchParams) => Response | undefined;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function unsignedJwt(claims: Record<string, unknown>): string {
  // oauth4webapi does not verify the signature of an ID token received directly from the token
  // endpoint over TLS (OpenID Connect Core §3.1.3.7), so a placeholder signature is enough here.
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.c2lnbmF0dXJl`;
}

export class FakeIssuer {
  public readonly requests: RecordedRequest[] = [];
  public readonly clientId = 'mailroom-test';
  public subject = 'subject-alice';
  public email = 'alice@mailroom.test';
  public expiresIn: number | undefined = 3600;
  public rotateRefreshTokens = true;
  public grantedScope: string | undefined;
  /** Changes the ID token claims (e.g. a wrong audience). */
  public idTokenClaims: (claims: Record<string, unknown>) => Record<string, unknown> = (claims) => claims;
  /** Scripted token endpoint answers, used in order before the normal behaviour. */
  public readonly tokenOverrides: TokenOverride[] = [];
  public metadataOverrides: Record<string, unknown> = {};
  /** When set, the revocation endpoint answers with this status and revokes nothing. */
  public revocationFailure: number | undefined;
  public readonly activeRefreshTokens = new Set<string>();
  public readonly issuedAccessTokens: string[] = [];
  public deviceScript: ('pending' | 'slow_down' | 'granted' | 'expired_token' | 'access_denied')[] = [];
  public verificationUri: string;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; nonce: string | null; scope: string }>();
  private refreshCounter = 0;

  public constructor(public readonly issuer = 'https://issuer.test') {
    this.verificationUri = `${issuer}/device`;
  }

  public get metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/auth`,
      token_endpoint: `${this.issuer}/token`,
      revocation_endpoint: `${this.issuer}/token/revocation`,
      device_authorization_endpoint: `${this.issuer}/device/auth`,
      jwks_uri: `${this.issuer}/jwks`,
      id_token_signing_alg_values_supported: ['RS256'],
      authorization_response_iss_parameter_supported: true,
      ...this.metadataOverrides,
    };
  }

  public tokenRequests(grantType?: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => new URL(request.url).pathname.endsWith('/token') && (grantType === undefined || request.body.get('grant_type') === grantType),
    );
  }

  /** Plays the user in the browser: approves the request and returns the redirect with code, state and iss. */
  public authorize(authorizationUrl: string, options: { deny?: boolean } = {}): string {
    const url = new URL(authorizationUrl);
    const parameters = url.searchParams;
    const redirect = new URL(parameters.get('redirect_uri') ?? '');
    redirect.searchParams.set('state', parameters.get('state') ?? '');
    redirect.searchParams.set('iss', this.issuer);
    if (options.deny) {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'The [user](command:evil) said no');
      return redirect.href;
    }
    const code = randomBytes(16).toString('base64url');
    this.codes.set(code, {
      challenge: parameters.get('code_challenge') ?? '',
      redirectUri: parameters.get('redirect_uri') ?? '',
      nonce: parameters.get('nonce'),
      scope: parameters.get('scope') ?? '',
    });
    redirect.searchParams.set('code', code);
    return redirect.href;
  }

  public readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const body = new URLSearchParams(typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : '');
    this.requests.push({ url, method: init?.method ?? 'GET', body });
    const path = new URL(url).pathname;
    if (path === '/.well-known/openid-configuration') {
      return json(200, this.metadata);
    }
    if (path.endsWith('/token')) {
      const override = this.tokenOverrides.shift()?.(body);
      return override ?? this.token(body);
    }
    if (path.endsWith('/revocation') || path.endsWith('/revoke')) {
      if (this.revocationFailure !== undefined) {
        return new Response('unavailable', { status: this.revocationFailure });
      }
      this.activeRefreshTokens.delete(body.get('token') ?? '');
      return new Response(null, { status: 200 });
    }
    if (path.endsWith('/device/auth') || path.endsWith('/devicecode')) {
      return json(200, { device_code: 'DEVICE-CODE-SENTINEL-1', user_code: 'WDJB-MJHT', verification_uri: this.verificationUri, expires_in: 600, interval: 5 });
    }
    return json(404, { error: 'not_found' });
  };

  private tokens(scope: string, nonce: string | null): Response {
    const accessToken = `AT-SENTINEL-${randomBytes(12).toString('hex')}`;
    const refreshToken = `RT-SENTINEL-${++this.refreshCounter}-${randomBytes(12).toString('hex')}`;
    this.issuedAccessTokens.push(accessToken);
    this.activeRefreshTokens.add(refreshToken);
    const now = Math.floor(Date.now() / 1000);
    const claims = this.idTokenClaims({
      iss: this.issuer,
      aud: this.clientId,
      sub: this.subject,
      email: this.email,
      iat: now,
      exp: now + 600,
      ...(nonce ? { nonce } : {}),
    });
    return json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      refresh_token: refreshToken,
      ...(this.expiresIn === undefined ? {} : { expires_in: this.expiresIn }),
      ...(this.grantedScope === undefined ? { scope } : { scope: this.grantedScope }),
      id_token: unsignedJwt(claims),
    });
  }

  private token(body: URLSearchParams): Response {
    switch (body.get('grant_type')) {
      case 'authorization_code': {
        const record = this.codes.get(body.get('code') ?? '');
        this.codes.delete(body.get('code') ?? '');
        const challenge = createHash('sha256')
          .update(body.get('code_verifier') ?? '')
          .digest('base64url');
        if (!record || record.challenge !== challenge || record.redirectUri !== body.get('redirect_uri')) {
          return json(400, { error: 'invalid_grant' });
        }
        return this.tokens(record.scope, record.nonce);
      }
      case 'refresh_token': {
        const presented = body.get('refresh_token') ?? '';
        if (!this.activeRefreshTokens.has(presented)) {
          return json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
        }
        const response = this.tokens('openid email offline_access mail', null);
        if (this.rotateRefreshTokens) {
          this.activeRefreshTokens.delete(presented);
        }
        return response;
      }
      case 'urn:ietf:params:oauth:grant-type:device_code': {
        const step = this.deviceScript.shift() ?? 'pending';
        if (step === 'granted') {
          return this.tokens('openid email offline_access mail', null);
        }
        return json(400, { error: step === 'pending' ? 'authorization_pending' : step });
      }
      default:
        return json(400, { error: 'unsupported_grant_type' });
    }
  }
}
