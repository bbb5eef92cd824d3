import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import type { PendingSignIn } from '../../../src/auth/pendingSignIn';
import { providerConfig } from '../../../src/auth/presets';
import { isMailroomError } from '../../../src/util/errors';
import type { MailroomErrorCode } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { oidcConfig, oidcSettings } from '../../support/auth/fakes';

function clientFor(issuer: FakeIssuer): OAuthClient {
  return new OAuthClient(oidcConfig(issuer.issuer, issuer.clientId), withTestTransport({}, { fetchForTests: issuer.fetch }));
}

function pendingFor(issuer: FakeIssuer, pendingSignIns = new PendingSignIns()): PendingSignIn {
  return pendingSignIns.create({
    provider: 'oidc',
    flow: 'loopback',
    issuer: issuer.issuer,
    issRequired: true,
    issuerName: 'issuer.test',
    clientId: issuer.clientId,
    redirectUri: 'http://127.0.0.1:4000/callback',
    callbackPath: '/callback',
    scopes: ['openid', 'email', 'offline_access', 'mail'],
  });
}

async function rejectsWith(promise: Promise<unknown>, code: MailroomErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isMailroomError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  });
}

describe('OAuth client (oauth4webapi) against an in-memory issuer', () => {
  it('[SEC-1] [SEC-2] builds code-flow URLs with a fresh S256 challenge of each verifier', async () => {
    const issuer = new FakeIssuer();
    const client = clientFor(issuer);
    const challenges = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const pending = pendingFor(issuer);
      const url = new URL(await client.authorizationUrl(pending));
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      const expected = createHash('sha256').update(pending.codeVerifier).digest('base64url');
      assert.equal(url.searchParams.get('code_challenge'), expected);
      assert.ok(pending.codeVerifier.length >= 43);
      assert.equal(url.searchParams.get('state'), pending.state);
      assert.equal(url.searchParams.get('nonce'), pending.nonce);
      challenges.add(expected);
    }
    assert.equal(challenges.size, 20);
  });

  it('exchanges a code, validating the ID token, and reads who signed in', async () => {
    const issuer = new FakeIssuer();
    const client = clientFor(issuer);
    const pending = pendingFor(issuer);
    const callback = new URL(issuer.authorize(await client.authorizationUrl(pending)));
    const { grant, identity } = await client.exchangeCode(pending, callback.searchParams);
    assert.match(grant.accessToken, /^AT-SENTINEL-/);
    assert.match(grant.refreshToken ?? '', /^RT-SENTINEL-/);
    assert.equal(grant.expiresInSeconds, 3600);
    assert.deepEqual(identity, { issuer: issuer.issuer, subject: 'subject-alice', email: 'alice@mailroom.test' });
  });

  it('[SEC-13] sends no client secret for a public client', async () => {
    const issuer = new FakeIssuer();
    const client = clientFor(issuer);
    const pending = pendingFor(issuer);
    await client.exchangeCode(pending, new URL(issuer.authorize(await client.authorizationUrl(pending))).searchParams);
    const [request] = issuer.tokenRequests('authorization_code');
    assert.equal(request.body.get('client_secret'), null);
    assert.equal(request.body.get('client_id'), issuer.clientId);
  });

  it('[SEC-13] asks for the Google client secret instead of sending a request without it', async () => {
    const issuer = new FakeIssuer();
    const google = new OAuthClient(
      providerConfig('google', oidcSettings(issuer.issuer, issuer.clientId)),
      withTestTransport({ readClientSecret: async () => undefined }, { fetchForTests: issuer.fetch }),
    );
    await rejectsWith(google.refresh('RT-SENTINEL-x'), 'MissingClientSecret');
    assert.equal(issuer.requests.length, 0);
  });

  describe('[SEC-12] discovery', () => {
    it('[SEC-12] rejects metadata whose issuer differs from the configured issuer', async () => {
      const issuer = new FakeIssuer();
      issuer.metadataOverrides = { issuer: 'https://other.test' };
      await rejectsWith(clientFor(issuer).metadata(), 'IssuerMismatch');
    });

    it('[SEC-12] rejects metadata with a plain-http endpoint', async () => {
      for (const endpoint of ['token_endpoint', 'authorization_endpoint', 'revocation_endpoint']) {
        const issuer = new FakeIssuer();
        issuer.metadataOverrides = { [endpoint]: 'http://issuer.test/x' };
        await rejectsWith(clientFor(issuer).metadata(), 'InsecureEndpoint');
      }
    });

    it('[SEC-12] never sends anything to an http issuer', async () => {
      const issuer = new FakeIssuer('http://issuer.test');
      const client = new OAuthClient(
        { ...oidcConfig('https://issuer.test', 'c'), issuer: 'http://issuer.test' },
        withTestTransport({}, { fetchForTests: issuer.fetch }),
      );
      await rejectsWith(client.metadata(), 'InsecureEndpoint');
      assert.equal(issuer.requests.length, 0);
    });
  });

  describe('[SEC-14] ID token validation', () => {
    const now = (): number => Math.floor(Date.now() / 1000);
    const cases: [string, (claims: Record<string, unknown>) => Record<string, unknown>][] = [
      ['wrong iss', (claims) => ({ ...claims, iss: 'https://attacker.test' })],
      ['wrong aud', (claims) => ({ ...claims, aud: 'someone-else' })],
      ['expired', (claims) => ({ ...claims, iat: now() - 7200, exp: now() - 3600 })],
      ['wrong nonce', (claims) => ({ ...claims, nonce: 'replayed' })],
      ['missing nonce', ({ nonce: _nonce, ...claims }) => claims],
    ];
    for (const [name, change] of cases) {
      it(`[SEC-14] rejects an ID token with ${name}`, async () => {
        const issuer = new FakeIssuer();
        issuer.idTokenClaims = change;
        const client = clientFor(issuer);
        const pending = pendingFor(issuer);
        const callback = new URL(issuer.authorize(await client.authorizationUrl(pending)));
        await rejectsWith(client.exchangeCode(pending, callback.searchParams), 'InvalidResponse');
      });
    }
  });

  describe('issuers whose ID-token issuer varies', () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';

    async function signInWith(
      issuer: FakeIssuer,
      client: OAuthClient,
      kind: 'microsoft' | 'google',
    ): Promise<Awaited<ReturnType<OAuthClient['exchangeCode']>>> {
      const pending = new PendingSignIns().create({
        provider: kind,
        flow: 'loopback',
        issuer: client.config.issuer,
        issRequired: false,
        issuerName: client.config.displayName,
        clientId: issuer.clientId,
        redirectUri: 'http://127.0.0.1:4000/callback',
        callbackPath: '/callback',
        scopes: client.config.scopes,
      });
      const callback = new URL(issuer.authorize(await client.authorizationUrl(pending)));
      return client.exchangeCode(pending, callback.searchParams);
    }

    function microsoftClient(issuer: FakeIssuer, tenantSetting = 'common'): OAuthClient {
      const settings = oidcSettings('https://issuer.test', 'c');
      return new OAuthClient(
        providerConfig('microsoft', { ...settings, microsoft: { clientId: issuer.clientId, tenant: tenantSetting } }),
        withTestTransport({}, { fetchForTests: issuer.fetch }),
      );
    }

    it("[SEC-14] accepts Microsoft's templated issuer only as the tenant the token names", async () => {
      const issuer = new FakeIssuer(`https://login.microsoftonline.com/${tenant}/v2.0`);
      issuer.idTokenClaims = (claims) => ({ ...claims, tid: tenant });
      const { identity } = await signInWith(issuer, microsoftClient(issuer), 'microsoft');
      assert.equal(identity.issuer, `https://login.microsoftonline.com/${tenant}/v2.0`);
      const lying = new FakeIssuer(`https://login.microsoftonline.com/${tenant}/v2.0`);
      lying.idTokenClaims = (claims) => ({ ...claims, tid: '9188040d-6c67-4c5b-b112-36a304b66dad' });
      await rejectsWith(signInWith(lying, microsoftClient(lying), 'microsoft'), 'InvalidResponse');
      const personalOnly = new FakeIssuer(`https://login.microsoftonline.com/${tenant}/v2.0`);
      personalOnly.idTokenClaims = (claims) => ({ ...claims, tid: tenant });
      await rejectsWith(signInWith(personalOnly, microsoftClient(personalOnly, 'consumers'), 'microsoft'), 'InvalidResponse');
    });

    it("[SEC-14] accepts Google's issuer without scheme and keys the account on the canonical one", async () => {
      const issuer = new FakeIssuer('https://accounts.google.com');
      issuer.idTokenClaims = (claims) => ({ ...claims, iss: 'accounts.google.com' });
      const settings = { ...oidcSettings('https://issuer.test', 'c'), google: { clientId: issuer.clientId } };
      const client = new OAuthClient(
        providerConfig('google', settings),
        withTestTransport({ readClientSecret: async () => 'CS-SENTINEL-google' }, { fetchForTests: issuer.fetch }),
      );
      const { identity } = await signInWith(issuer, client, 'google');
      assert.equal(identity.issuer, 'https://accounts.google.com');
      assert.equal(issuer.tokenRequests()[0].body.get('client_secret'), 'CS-SENTINEL-google');
      issuer.idTokenClaims = (claims) => ({ ...claims, iss: 'https://accounts.google.com.evil.test' });
      await rejectsWith(signInWith(issuer, client, 'google'), 'InvalidResponse');
    });
  });

  it('[SEC-22] revokes a refresh token with token_type_hint=refresh_token', async () => {
    const issuer = new FakeIssuer();
    assert.equal(await clientFor(issuer).revokeRefreshToken('RT-SENTINEL-1'), 'revoked');
    const request = issuer.requests.find((each) => each.url.endsWith('/token/revocation'));
    assert.equal(request?.body.get('token'), 'RT-SENTINEL-1');
    assert.equal(request?.body.get('token_type_hint'), 'refresh_token');
  });

  it('[SEC-22] reports that an issuer without a revocation endpoint cannot revoke', async () => {
    const issuer = new FakeIssuer();
    issuer.metadataOverrides = { revocation_endpoint: undefined };
    assert.equal(await clientFor(issuer).revokeRefreshToken('RT-SENTINEL-1'), 'unsupported');
  });

  it('maps token endpoint failures to errors a person understands', async () => {
    const issuer = new FakeIssuer();
    const client = clientFor(issuer);
    await rejectsWith(client.refresh('RT-unknown'), 'SignInRequired');
    issuer.tokenOverrides.push(() => new Response('busy', { status: 429, headers: { 'retry-after': '7' } }));
    await assert.rejects(client.refresh('x'), (error: unknown) => isMailroomError(error, 'Throttled') && error.retryAfterMs === 7000);
    issuer.tokenOverrides.push(() => new Response('<html>down</html>', { status: 503 }));
    await rejectsWith(client.refresh('x'), 'IssuerUnavailable');
    issuer.tokenOverrides.push(() => Response.json({ error: 'invalid_client' }, { status: 401 }));
    await rejectsWith(client.refresh('x'), 'InvalidClient');
  });

  it('[SEC-23] says what happened without carrying the raw response (tokens included) along', async () => {
    const issuer = new FakeIssuer();
    issuer.idTokenClaims = (claims) => ({ ...claims, aud: 'someone-else' });
    const client = clientFor(issuer);
    const pending = pendingFor(issuer);
    const callback = new URL(issuer.authorize(await client.authorizationUrl(pending)));
    const error = await client.exchangeCode(pending, callback.searchParams).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(isMailroomError(error, 'InvalidResponse'));
    assert.equal(error.cause, undefined);
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error)}`, /SENTINEL/);
  });

  it('tells an untrusted certificate and a timeout apart from other failures', async () => {
    const untrusted = async (): Promise<Response> => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      });
    };
    await rejectsWith(
      new OAuthClient(oidcConfig('https://issuer.test', 'c'), withTestTransport({}, { fetchForTests: untrusted })).metadata(),
      'InsecureEndpoint',
    );
    const slow = async (): Promise<Response> => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    await rejectsWith(new OAuthClient(oidcConfig('https://issuer.test', 'c'), withTestTransport({}, { fetchForTests: slow })).metadata(), 'NetworkError');
  });

  it('explains an unreachable issuer as a network problem, without the raw error', async () => {
    const failing = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND issuer.test'), { code: 'ENOTFOUND' }) });
    };
    const client = new OAuthClient(oidcConfig('https://issuer.test', 'c'), withTestTransport({}, { fetchForTests: failing }));
    await rejectsWith(client.metadata(), 'NetworkError');
    const refused = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    await rejectsWith(
      new OAuthClient(oidcConfig('https://issuer.test', 'c'), withTestTransport({}, { fetchForTests: refused })).metadata(),
      'IssuerUnavailable',
    );
  });
});
