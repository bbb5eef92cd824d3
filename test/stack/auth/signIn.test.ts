// Sign-in against the local stack: the real oidc-provider (and a second "attacker" issuer), Dovecot
// and the SMTP server. Run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem (npm test does).
import * as assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import * as nodemailer from 'nodemailer';
import { providerConfig } from '../../../src/auth/presets';
import type { ProviderConfig } from '../../../src/auth/providerConfig';
import { isMailroomError } from '../../../src/util/errors';
import { startStack } from '..';
import type { Stack, StackUser } from '..';
import { deliverRedirect, oidcSettings, storedRefreshTokens, unlistedAccountKeys } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';
import type { HarnessOptions } from '../../support/auth/harness';

interface Counted {
  fetch: typeof fetch;
  tokenRequests(grantType?: string): number;
}

/** Node's own fetch (trusting the test CA through NODE_EXTRA_CA_CERTS), counting token endpoint calls. */
function countingFetch(): Counted {
  const grants: string[] = [];
  return {
    fetch: async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/token')) {
        grants.push(new URLSearchParams(String(init?.body ?? '')).get('grant_type') ?? '');
      }
      return fetch(input, init);
    },
    tokenRequests: (grantType) => grants.filter((grant) => grantType === undefined || grant === grantType).length,
  };
}

async function imapLogin(stack: Stack, email: string, accessToken: string): Promise<boolean> {
  const client = new ImapFlow({ host: stack.imap.host, port: stack.imap.port, secure: true, auth: { user: email, accessToken }, logger: false });
  try {
    await client.connect();
    await client.logout();
    return true;
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) {
      return false;
    }
    throw error;
  }
}

async function smtpLogin(stack: Stack, email: string, accessToken: string): Promise<boolean> {
  const transport = nodemailer.createTransport({
    host: stack.smtp.host,
    port: stack.smtp.port,
    secure: true,
    auth: { type: 'OAuth2', user: email, accessToken },
  });
  try {
    await transport.verify();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EAUTH') {
      return false;
    }
    throw error;
  } finally {
    transport.close();
  }
}

describe('sign-in against the local stack', function () {
  this.timeout(60_000);
  let stack: Stack;
  let alice: StackUser;
  let harness: Harness | undefined;

  before(async function () {
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem');
    stack = await startStack({ attacker: true, tokenTtlSeconds: 2 });
    alice = stack.users[0];
  });

  after(async function () {
    await stack?.stop();
  });

  afterEach(() => harness?.dispose());

  function configFor(clientId = stack.clientId, change: (config: ProviderConfig) => ProviderConfig = (config) => config): HarnessOptions['configFor'] {
    return (kind) => change(providerConfig(kind, oidcSettings(stack.issuer, clientId, { scopes: ['openid', 'email', 'offline_access', stack.mailScope] })));
  }

  function loopbackHarness(counted: Counted, clientId = stack.clientId, user = alice): Harness {
    return new Harness({
      configFor: configFor(clientId),
      fetchForTests: counted.fetch,
      // Desktop issuers would take the URI handler first; the stack registers only loopback and the forwarder.
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, user), (uri) => h.router.handleUri(uri)),
    });
  }

  it('[SEC-15] signs in through loopback; the opaque tokens log in to IMAP and SMTP', async function () {
    // No test fetch at all here: the product's own fetch path, trusting the test CA only through NODE_EXTRA_CA_CERTS.
    harness = new Harness({
      configFor: configFor(),
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, alice), (uri) => h.router.handleUri(uri)),
    });
    const account = await harness.service.signInOrThrow('oidc');
    assert.equal(account.email, alice.email);
    assert.equal(account.id, `${stack.issuer}#${account.subject}`);
    assert.notEqual(account.subject, alice.email);
    const token = await harness.service.getAccessToken(account.id, '127.0.0.1');
    assert.ok(!token.startsWith('eyJ') && token.split('.').length < 3, 'opaque, not a JWT');
    assert.equal(await imapLogin(stack, alice.email, token), true);
    assert.equal(await smtpLogin(stack, alice.email, token), true);
    assert.equal((await stack.introspect(token)).active, true);
  });

  it("[SEC-7] signs in through the URI handler via the issuer's forwarding page, as in code-server", async function () {
    const counted = countingFetch();
    const editorOrigin = 'http://127.0.0.1:65000';
    harness = new Harness({
      configFor: configFor(stack.clientId, (config) => ({ ...config, forwardingRedirectUri: stack.forwarderUrl })),
      fetchForTests: counted.fetch,
      environment: { extensionHost: 'remote', uiKind: 'web' },
      asExternalUri: (uri) => {
        const parsed = new URL(uri);
        const query = new URLSearchParams({
          'vscode-reqid': '7',
          'vscode-scheme': 'code-oss',
          'vscode-authority': parsed.host,
          'vscode-path': parsed.pathname,
          'vscode-query': parsed.search.slice(1),
        });
        return `${editorOrigin}/callback?${query.toString()}`;
      },
      browser: async (url, h) => {
        const atForwarder = await stack.authorize(url, alice);
        assert.ok(atForwarder.startsWith(stack.forwarderUrl));
        const forwarded = await fetch(atForwarder, { redirect: 'manual' });
        const location = new URL(forwarded.headers.get('location') ?? '');
        assert.equal(location.origin, editorOrigin);
        // The editor's callback page turns that URL back into the extension URI with its own query.
        const rest = new URLSearchParams([...location.searchParams].filter(([name]) => !name.startsWith('vscode-')));
        h.router.handleUri({
          path: location.searchParams.get('vscode-path') ?? '',
          query: `${location.searchParams.get('vscode-query') ?? ''}&${rest.toString()}`,
        });
      },
    });
    const account = await harness.service.signInOrThrow('oidc');
    assert.equal(account.email, alice.email);
    assert.deepEqual(harness.events, ['consent', 'browser']);
    assert.equal(counted.tokenRequests('authorization_code'), 1);
  });

  it('[SEC-5] rejects a response from the attacker issuer (iss mix-up) without any token request', async function () {
    const counted = countingFetch();
    assert.ok(stack.attackerIssuer);
    const attacker = stack.attackerIssuer;
    harness = new Harness({
      configFor: configFor(),
      fetchForTests: counted.fetch,
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => {
        // The person is steered to the other issuer with the same request (same client, state, PKCE).
        const steered = new URL(url);
        const attackerAuthorize = new URL(`${attacker}${steered.pathname}${steered.search}`);
        const redirect = new URL(await stack.authorize(attackerAuthorize.href, alice));
        assert.equal(redirect.searchParams.get('iss'), attacker);
        await deliverRedirect(redirect.href, (uri) => h.router.handleUri(uri));
      },
    });
    await assert.rejects(harness.service.signInOrThrow('oidc'), (error: unknown) => isMailroomError(error, 'IssuerMismatch'));
    assert.equal(counted.tokenRequests(), 0);
    assert.equal(harness.secrets.values.size, 0);
  });

  it('[SEC-9] a denied consent at the real issuer stores nothing', async function () {
    const counted = countingFetch();
    harness = new Harness({
      configFor: configFor(),
      fetchForTests: counted.fetch,
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, alice, { deny: true }), (uri) => h.router.handleUri(uri)),
    });
    await assert.rejects(harness.service.signInOrThrow('oidc'), (error: unknown) => isMailroomError(error, 'AccessDenied'));
    assert.equal(counted.tokenRequests(), 0);
    assert.equal(harness.secrets.values.size, 0);
  });

  it('[SEC-17] 10 concurrent callers cause exactly 1 refresh at the real issuer (which revokes on reuse)', async function () {
    const counted = countingFetch();
    harness = loopbackHarness(counted, stack.shortLivedClientId);
    const account = await harness.service.signInOrThrow('oidc');
    const tokens = await Promise.all(Array.from({ length: 10 }, () => harness?.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true })));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(counted.tokenRequests('refresh_token'), 1);
    // Reuse of a rotated refresh token would have revoked the grant: the next refresh still works.
    const next = await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true });
    assert.equal(await imapLogin(stack, alice.email, next), true);
  });

  it('[SEC-16] [SEC-18] an expired token fails at IMAP; one refresh and one retry succeed', async function () {
    const counted = countingFetch();
    harness = loopbackHarness(counted, stack.shortLivedClientId);
    const account = await harness.service.signInOrThrow('oidc');
    const first = await harness.service.getAccessToken(account.id, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(await imapLogin(stack, alice.email, first), false, 'the old token expired');
    const second = await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true });
    assert.equal(await imapLogin(stack, alice.email, second), true);
    assert.equal(await smtpLogin(stack, alice.email, second), true);
    assert.equal(counted.tokenRequests('refresh_token'), 1);
  });

  it('[SEC-17] marks "sign-in required" after the user revoked the grant, once, without a retry loop', async function () {
    const counted = countingFetch();
    harness = loopbackHarness(counted);
    const account = await harness.service.signInOrThrow('oidc');
    await stack.revokeUserGrants(alice.email);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true }), (error: unknown) =>
        isMailroomError(error, 'SignInRequired'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(counted.tokenRequests('refresh_token'), 1);
    assert.deepEqual(
      harness.events.filter((event) => event.startsWith('sign-in-again')),
      [`sign-in-again ${alice.email}`],
    );
    assert.equal((await harness.store.get(account.id))?.tokens, undefined);
  });

  it('[SEC-33] signs in with the device flow where no redirect can reach the editor', async function () {
    const counted = countingFetch();
    harness = new Harness({
      configFor: configFor(stack.clientId, (config) => ({ ...config, redirectKinds: ['deviceCode'] })),
      fetchForTests: counted.fetch,
      browser: async () => assert.fail('no redirect flow expected'),
      deviceBrowser: async (openUri) => {
        assert.ok(openUri.startsWith(`${stack.issuer}/`));
        await stack.authorize(openUri, stack.users[1]);
      },
    });
    const account = await harness.service.signInOrThrow('oidc');
    assert.equal(account.email, stack.users[1].email);
    assert.deepEqual(harness.events, ['consent', 'device-code']);
  });

  it('[SEC-22] [SEC-20] [SEC-23] sign-out revokes at the issuer (introspection inactive), leaves nothing behind, and nothing leaked', async function () {
    const counted = countingFetch();
    harness = loopbackHarness(counted);
    const account = await harness.service.signInOrThrow('oidc');
    await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true });
    const stored = await harness.store.get(account.id);
    const accessToken = stored?.tokens?.accessToken ?? '';
    const refreshToken = stored?.tokens?.refreshToken ?? '';
    assert.ok(accessToken && refreshToken);
    assert.equal((await stack.introspect(refreshToken)).active, true);
    const closed: string[] = [];
    harness.service.onWillSignOut((mailAccount) => void closed.push(mailAccount.email));
    assert.equal(await harness.service.signOut(account.id), 'revoked');
    assert.equal((await stack.introspect(refreshToken)).active, false);
    assert.equal((await stack.introspect(accessToken)).active, false, 'revoking the refresh token ended the grant');
    assert.deepEqual(closed, [alice.email]);
    assert.deepEqual([...harness.secrets.values.entries()], [['mailroom.accounts', '[]']]);
    const visible = harness.visibleText();
    for (const secret of [accessToken, refreshToken]) {
      assert.ok(!visible.includes(secret), 'token never in logs or messages');
    }
  });

  it('[SEC-17] [SEC-21] [SEC-22] three accounts through a failing keychain: introspection finds no live grant without a stored token', async function () {
    assert.ok(stack.attackerIssuer, 'a second, independent issuer for the third account');
    const bob = stack.users[1];
    const issuedBefore = new Set(stack.issuedTokens().map((token) => token.value));
    let signInAt = { issuer: stack.issuer, user: alice };
    let afterNextRefresh: (() => void) | undefined;
    const storageError = (error: unknown): boolean => isMailroomError(error, 'StorageUnavailable');
    harness = new Harness({
      configFor: (kind) =>
        providerConfig(kind, oidcSettings(signInAt.issuer, stack.clientId, { scopes: ['openid', 'email', 'offline_access', stack.mailScope] })),
      fetchForTests: async (input, init) => {
        const response = await fetch(input, init);
        const isRefresh =
          String(input instanceof Request ? input.url : input).endsWith('/token') &&
          new URLSearchParams(String(init?.body ?? '')).get('grant_type') === 'refresh_token';
        if (isRefresh) {
          // The issuer has rotated the refresh token by now, whatever happens to the answer next.
          const effect = afterNextRefresh;
          afterNextRefresh = undefined;
          effect?.();
        }
        return response;
      },
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, signInAt.user), (uri) => h.router.handleUri(uri)),
    });
    const h = harness;
    const aliceHere = await h.service.signInOrThrow('oidc');
    signInAt = { issuer: stack.issuer, user: bob };
    const bobHere = await h.service.signInOrThrow('oidc');
    signInAt = { issuer: stack.attackerIssuer, user: alice };
    const aliceThere = await h.service.signInOrThrow('oidc');
    assert.equal(new Set([aliceHere.id, bobHere.id, aliceThere.id]).size, 3);

    // The index cannot be read once alice's token has rotated: nothing is written, nobody drops out of the index.
    afterNextRefresh = () => h.secrets.failNext('get', { key: 'mailroom.accounts', times: Number.POSITIVE_INFINITY });
    await assert.rejects(h.service.getAccessToken(aliceHere.id, '127.0.0.1', { forceRefresh: true }), storageError);
    assert.ok(h.secrets.failures.includes('get mailroom.accounts'));
    h.secrets.recover();
    assert.deepEqual(
      h.service.list().map((account) => account.id),
      [aliceHere.id, bobHere.id, aliceThere.id],
      'the accounts as last read',
    );
    assert.equal(await imapLogin(stack, alice.email, await h.service.getAccessToken(aliceHere.id, '127.0.0.1')), true, 'the kept renewal works');

    // Writes fail while bob's token rotates: the renewal waits in memory until storage takes it.
    h.secrets.failWrites = true;
    await assert.rejects(h.service.getAccessToken(bobHere.id, '127.0.0.1', { forceRefresh: true }), storageError);
    h.secrets.recover();
    assert.equal(await imapLogin(stack, bob.email, await h.service.getAccessToken(bobHere.id, '127.0.0.1')), true);

    // The re-read after a successful rotation fails (third account, other issuer).
    afterNextRefresh = () => void (h.secrets.failReads = true);
    await assert.rejects(h.service.getAccessToken(aliceThere.id, '127.0.0.1', { forceRefresh: true }), storageError);
    h.secrets.recover();
    await h.service.getAccessToken(aliceThere.id, '127.0.0.1');
    assert.deepEqual(
      (await h.store.list()).map((account) => account.email),
      [alice.email, bob.email, alice.email],
    );

    // The mail server rejects bob's fresh token: revoked at the issuer first, then deleted.
    const bobsRefreshToken = (await h.store.get(bobHere.id))?.tokens?.refreshToken ?? '';
    assert.equal((await stack.introspect(bobsRefreshToken)).active, true);
    await h.tokenManager.requireSignIn(bobHere.id, 'The mail server 127.0.0.1 rejected the sign-in.');
    assert.equal((await stack.introspect(bobsRefreshToken)).active, false);
    assert.equal((await h.store.get(bobHere.id))?.tokens, undefined);

    // Every refresh token issued during this test that is still live is one SecretStorage holds, and vice versa.
    const issuedHere = stack.issuedTokens().filter((token) => token.kind === 'RefreshToken' && !issuedBefore.has(token.value));
    assert.ok(issuedHere.length >= 6, `three sign-ins and three rotations (${issuedHere.length})`);
    const live: string[] = [];
    for (const token of issuedHere) {
      if ((await stack.introspect(token.value, token.issuer)).active) {
        live.push(token.value);
      }
    }
    assert.deepEqual(live.sort(), storedRefreshTokens(h.secrets).sort(), 'live grants are exactly the stored ones');
    assert.equal(live.length, 2, 'alice at both issuers');
    assert.deepEqual(unlistedAccountKeys(h.secrets), []);
  });
});
