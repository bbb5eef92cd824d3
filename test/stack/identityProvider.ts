// One OpenID Connect provider (oidc-provider) over HTTPS on an ephemeral loopback port, configured like a
// real provider a mail app signs in with: public PKCE clients, opaque access tokens for a `mail` resource,
// rotating refresh tokens, revocation, introspection, device flow, and a sign-in page of its own.
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Account, AccessToken, ClientCredentials, ClientMetadata, Configuration, KoaContextWithOIDC, ProviderModule } from './oidcProviderTypes';
import { handleForwarder } from './forwarder';
import { handleInteraction } from './interactionRoutes';
import { renderDeviceSuccessPage, renderMessagePage, renderUserCodeConfirmPage, renderUserCodeInputPage } from './loginPages';
import { createMemoryStore } from './memoryAdapter';
import type { IssuedCredential, MemoryStore } from './memoryAdapter';
import { findUserBySubject } from './testUsers';
import { loadTlsFixtures, signingKeyPem } from './tlsFixtures';
import type { SigningKeyRole } from './tlsFixtures';

export const MAIL_SCOPE = 'mail';
/** The resource (RFC 8707) that the `mail` scope belongs to; IMAP and SMTP act as this resource server. */
export const MAIL_RESOURCE = 'urn:mailroom:mail';
export const CLIENT_ID = 'mailroom-test';
export const SHORT_LIVED_CLIENT_ID = 'mailroom-test-short';
/** Confidential client used only by the mail servers to introspect tokens. */
export const INTROSPECTION_CLIENT_ID = 'mailroom-mail-servers';
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';

/**
 * The providers listen on another loopback address than the editor: code-server rewrites links to
 * 127.0.0.1, localhost and 0.0.0.0 (with a port) that the editor opens into its own port proxy, dropping
 * path and query, so an authorization URL on 127.0.0.1 could never be opened from the editor. The test
 * certificate covers this address (fixtures/README.md).
 */
export const IDENTITY_PROVIDER_HOST = '127.0.0.2';

const NATIVE_CLIENT_IDS = new Set([CLIENT_ID, SHORT_LIVED_CLIENT_ID]);
const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface IdentityProviderOptions {
  shortLivedTokenTtlSeconds: number;
  /** Which committed signing key to use; the attacker provider must not share the real one. */
  role: SigningKeyRole;
}

export interface IdentityProvider {
  issuer: string;
  /** Settles once the provider answers requests (before that, requests get 503). */
  ready: Promise<void>;
  port: number;
  introspectionClientSecret: string;
  revokeGrantsOfAccount(accountId: string): void;
  /** Every code and token this provider issued so far (test-only). */
  issuedCredentials(): IssuedCredential[];
  stop(): Promise<void>;
}

let providerModule: Promise<ProviderModule> | undefined;

/**
 * oidc-provider 9 warns on every load that Node 20 is not a supported runtime; it works here (DESIGN §5),
 * so exactly that one warning is swallowed while the module loads. Loading is lazy so that importing the
 * stack module stays cheap.
 */
function loadProviderModule(): Promise<ProviderModule> {
  providerModule ??= (async () => {
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]): void => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      originalWarn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = originalWarn;
    }
  })();
  return providerModule;
}

function loadSigningKey(role: SigningKeyRole): crypto.JsonWebKey {
  const privateKey = crypto.createPrivateKey(signingKeyPem(role));
  return { ...privateKey.export({ format: 'jwk' }), kid: `mailroom-test-${role}`, use: 'sig', alg: 'RS256' };
}

function nativeClient(clientId: string, clientName: string): ClientMetadata {
  return {
    client_id: clientId,
    client_name: clientName,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
    redirect_uris: [LOOPBACK_REDIRECT_URI],
    // Only OpenID scopes are listed: `mail` belongs to the resource server (see getResourceServerInfo).
    scope: 'openid email profile offline_access',
  };
}

function listen(server: https.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, IDENTITY_PROVIDER_HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function accessTokenTtl(clientId: string | undefined, shortLivedSeconds: number): number {
  return clientId === SHORT_LIVED_CLIENT_ID ? shortLivedSeconds : ACCESS_TOKEN_TTL_SECONDS;
}

function emailClaimOf(token: AccessToken | ClientCredentials): Record<string, string> | undefined {
  const user = 'accountId' in token ? findUserBySubject(token.accountId) : undefined;
  return user ? { email: user.email } : undefined;
}

/**
 * Builds the configured provider and returns the request handler for its HTTPS server: the provider's
 * own endpoints, plus the sign-in pages and the forwarder.
 */
async function createRequestHandler(
  options: IdentityProviderOptions,
  issuer: string,
  store: MemoryStore,
  introspectionClientSecret: string,
): Promise<http.RequestListener> {
  const { Provider: ProviderClass, errors } = await loadProviderModule();
  const signingKey = loadSigningKey(options.role);
  const forwarderUrl = `${issuer}/redirect`;
  const shortTtl = options.shortLivedTokenTtlSeconds;

  const configuration: Configuration = {
    adapter: store.adapterFactory,
    clients: [
      nativeClient(CLIENT_ID, 'Mailroom (test)'),
      nativeClient(SHORT_LIVED_CLIENT_ID, 'Mailroom (test, short-lived tokens)'),
      {
        client_id: INTROSPECTION_CLIENT_ID,
        client_secret: introspectionClientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    findAccount: (_ctx, subject): Account | undefined => {
      const user = findUserBySubject(subject);
      if (!user) return undefined;
      return {
        accountId: user.subject,
        claims: () => ({ sub: user.subject, email: user.email, email_verified: true, name: user.name }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // The ID token carries the email even in the code flow: the access token is for the mail resource,
    // so it cannot be used at the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    rotateRefreshToken: true,
    clientBasedCORS: () => false,
    extraTokenClaims: (_ctx, token) => emailClaimOf(token),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: (_ctx, _token, client) => accessTokenTtl(client.clientId, shortTtl),
      AuthorizationCode: 60,
      ClientCredentials: 600,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderMessagePage('Sign-in error', `${out.error}: ${out.error_description ?? ''}`);
    },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // The mail servers may introspect any token; a public client only its own.
        allowedPolicy: (_ctx, client, token) => client.clientId === INTROSPECTION_CLIENT_ID || token.clientId === client.clientId,
      },
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx: KoaContextWithOIDC, form: string, out?: { error: string; error_description?: string }) => {
          ctx.body = renderUserCodeInputPage(form, out ? `${out.error}: ${out.error_description ?? ''}` : undefined);
        },
        userCodeConfirmSource: (ctx: KoaContextWithOIDC, form: string, client, _deviceInfo, userCode: string) => {
          ctx.body = renderUserCodeConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx: KoaContextWithOIDC) => {
          ctx.body = renderDeviceSuccessPage();
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = `${renderMessagePage('Sign out', 'Sign out of the test identity provider?')}${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`;
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.body = renderMessagePage('Signed out', 'You are signed out.');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => MAIL_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator, client) => {
          if (resourceIndicator !== MAIL_RESOURCE) {
            throw new errors.InvalidTarget();
          }
          return {
            scope: MAIL_SCOPE,
            audience: MAIL_RESOURCE,
            accessTokenFormat: 'opaque',
            accessTokenTTL: accessTokenTtl(client.clientId, shortTtl),
          };
        },
      },
    },
  };

  const provider = new ProviderClass(issuer, configuration);
  // Native clients may only register loopback http or custom-scheme redirect URIs, but the forwarding page
  // lives on the issuer (https://127.0.0.2). Allow it for the two test clients explicitly.
  const originalRedirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(this: InstanceType<typeof provider.Client>, value: string): boolean {
    return (value === forwarderUrl && NATIVE_CLIENT_IDS.has(this.clientId)) || originalRedirectUriAllowed.call(this, value);
  };
  const providerCallback = provider.callback();

  return (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/redirect') {
      handleForwarder(request, response, url.searchParams);
      return;
    }
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    if (interaction) {
      handleInteraction(provider, request, response, interaction[1], interaction[2]).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
          response.end(renderMessagePage('Sign-in error', error instanceof Error ? error.message : String(error)));
        }
      });
      return;
    }
    void providerCallback(request, response);
  };
}

/**
 * Listens first (so the issuer URL is known at once and Dovecot can be configured in parallel), then
 * loads and configures oidc-provider; `ready` settles when it answers requests.
 */
export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  const tls = loadTlsFixtures();
  const store = createMemoryStore();
  const introspectionClientSecret = crypto.randomBytes(24).toString('hex');

  let handleRequest: http.RequestListener = (_request, response) => {
    response.writeHead(503).end();
  };
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (request, response) => handleRequest(request, response));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  const issuer = `https://${IDENTITY_PROVIDER_HOST}:${port}`;
  const ready = createRequestHandler(options, issuer, store, introspectionClientSecret).then((handler) => {
    handleRequest = handler;
  });
  // Observed by the caller through `ready`; this keeps an early stop() from reporting it as unhandled.
  ready.catch(() => undefined);

  return {
    issuer,
    port,
    introspectionClientSecret,
    ready,
    revokeGrantsOfAccount: (accountId) => store.revokeGrantsOfAccount(accountId),
    issuedCredentials: () => store.issuedCredentials(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
