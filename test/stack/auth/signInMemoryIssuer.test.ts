import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { MailAccount } from '../../../src/auth/accountApi';
import { providerConfig } from '../../../src/auth/presets';
import type { ProviderConfig } from '../../../src/auth/providerConfig';
import { sessionHandle } from '../../../src/auth/provider';
import { isMailroomError } from '../../../src/util/errors';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';
import type { HarnessOptions } from '../../support/auth/harness';

function harnessFor(
  issuer: FakeIssuer,
  options: Partial<HarnessOptions> = {},
  configChange: (config: ProviderConfig) => ProviderConfig = (config) => config,
): Harness {
  return new Harness({
    configFor: (kind) => configChange(providerConfig(kind, oidcSettings(issuer.issuer, issuer.clientId))),
    fetchForTests: issuer.fetch,
    browser: (url, harness) => deliverRedirect(issuer.authorize(url), (uri) => harness.router.handleUri(uri)),
    ...options,
  });
}

function sentinelsIn(text: string): string[] {
  return text.match(/(AT|RT|DEVICE-CODE)-SENTINEL-[\w-]+/g) ?? [];
}

describe('sign-in, accounts and sessions (in-memory issuer)', () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.dispose());

  it('[SEC-11] asks for consent, in plain words, before the browser opens; declining opens nothing', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer, { consent: false });
    await assert.rejects(harness.service.signInOrThrow('oidc'), (error: unknown) => isMailroomError(error, 'Cancelled'));
    assert.deepEqual(harness.events, ['consent']);
    assert.equal(issuer.tokenRequests().length, 0);
    const [consent] = harness.consents;
    assert.match(consent.detail.value, /Account: the one you choose in your browser on issuer\.test/);
    assert.match(consent.detail.value, /Provider: issuer\.test/);
    for (const scope of ['openid', 'email', 'offline_access', 'mail']) {
      assert.match(consent.detail.value, new RegExp(`• .+ \\(${scope}\\)`), scope);
    }
    assert.match(consent.detail.value, /secret storage/);
    const google = providerConfig('google', oidcSettings(issuer.issuer, issuer.clientId));
    harness.dispose();
    harness = harnessFor(issuer, {}, () => google);
    await harness.service.signInOrThrow('google').catch(() => undefined);
    assert.equal(harness.events[0], 'consent');
    assert.match(harness.consents[0].detail.value, /Read, send, delete and manage all your Gmail mail/);
  });

  it('signs in through the URI handler first, stores the account only in SecretStorage, and exposes it as a session', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const sessionEvents: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
    harness.providers.oidc.onDidChangeSessions((event) => sessionEvents.push(event));
    const session = await harness.providers.oidc.createSession();
    assert.deepEqual(harness.events, ['consent', 'browser']);
    assert.equal(session.account.label, 'alice@mailroom.test');
    assert.equal(session.account.id, `${issuer.issuer}#subject-alice`);
    assert.equal(session.accessToken, sessionHandle(session.account.id), 'the session carries a handle, not a bearer token');
    assert.deepEqual(
      (await harness.providers.oidc.getSessions(undefined)).map((each) => each.id),
      [session.id],
    );
    assert.deepEqual(
      (await harness.providers.oidc.getSessions(['openid', 'email'])).map((each) => each.id),
      [session.id],
    );
    assert.deepEqual(await harness.providers.oidc.getSessions(['https://mail.google.com/']), []);
    assert.deepEqual(await harness.providers.google.getSessions(undefined), []);
    assert.equal(sessionEvents.length, 1);
    assert.equal(sessionEvents[0].added?.[0].account.label, 'alice@mailroom.test');
    const listed: readonly MailAccount[] = harness.service.list();
    assert.deepEqual(
      listed.map((account) => [account.email, account.imap.host]),
      [['alice@mailroom.test', '127.0.0.1']],
    );
    const stored = [...harness.secrets.values.values()].join('\n');
    assert.ok(sentinelsIn(stored).length >= 2, 'tokens are in SecretStorage');
    assert.deepEqual(sentinelsIn(harness.visibleText()), []);
  });

  it('offers another way when the first flow fails, then completes with loopback', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer, {
      attemptTimeoutMs: 100,
      browser: async (url, h) => {
        if (new URL(url).searchParams.get('redirect_uri')?.startsWith('http://127.0.0.1')) {
          await deliverRedirect(issuer.authorize(url), (uri) => h.router.handleUri(uri));
        }
      },
    });
    const account = await harness.service.signInOrThrow('oidc');
    assert.equal(account.email, 'alice@mailroom.test');
    assert.deepEqual(harness.events, ['consent', 'browser', 'another-way after Timeout', 'browser']);
  });

  it('[SEC-9] a denied consent shows a clear error once, stores nothing and does not offer to loop', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer, { browser: (url, h) => deliverRedirect(issuer.authorize(url, { deny: true }), (uri) => h.router.handleUri(uri)) });
    assert.equal(await harness.service.signIn('oidc'), undefined);
    assert.deepEqual(harness.events, ['consent', 'browser', 'error']);
    assert.match(harness.messages.at(-1) ?? '', /declined/);
    assert.doesNotMatch(harness.messages.at(-1) ?? '', /\[user\]\(command:/, 'issuer text is plain text');
    assert.equal(harness.secrets.values.size, 0);
    assert.equal(issuer.tokenRequests().length, 0);
  });

  it('[SEC-10] explains missing mail scopes and stores nothing when the issuer grants less', async () => {
    const issuer = new FakeIssuer();
    issuer.grantedScope = 'openid email offline_access';
    harness = harnessFor(issuer);
    assert.equal(await harness.service.signIn('oidc'), undefined);
    assert.match(harness.messages.at(-1) ?? '', /did not grant all the permissions mail needs/);
    assert.equal(harness.events.filter((event) => event.startsWith('another-way')).length, 0);
    assert.equal(harness.secrets.values.size, 0);
    assert.deepEqual(harness.service.list(), []);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(issuer.activeRefreshTokens.size, 0, 'the unusable grant was revoked');
  });

  it("[SEC-19] hands tokens out only for the account's own mail hosts", async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const account = await harness.service.signInOrThrow('oidc');
    assert.match(await harness.service.getAccessToken(account.id, '127.0.0.1'), /^AT-SENTINEL-/);
    await assert.rejects(harness.service.getAccessToken(account.id, 'imap.gmail.com'), (error: unknown) => isMailroomError(error, 'HostNotAllowed'));
    await assert.rejects(harness.service.getAccessToken(account.id, '127.0.0.1.evil.test'), (error: unknown) => isMailroomError(error, 'HostNotAllowed'));
  });

  it('keys accounts on issuer + subject: a changed email updates the same account, another subject adds one', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    await harness.service.signInOrThrow('oidc');
    issuer.email = 'alice.new@mailroom.test';
    await harness.service.signInOrThrow('oidc');
    assert.deepEqual(
      harness.service.list().map((account) => account.email),
      ['alice.new@mailroom.test'],
    );
    issuer.subject = 'subject-bob';
    issuer.email = 'alice.new@mailroom.test';
    await harness.service.signInOrThrow('oidc');
    assert.equal(harness.service.list().length, 2);
  });

  it('fires onDidChangeSessions on refresh (changed) and removal, and agrees with another window through onDidChange', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const account = await harness.service.signInOrThrow('oidc');
    const events: vscode.AuthenticationProviderAuthenticationSessionsChangeEvent[] = [];
    harness.providers.oidc.onDidChangeSessions((event) => events.push(event));
    await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true });
    await harness.service.reload();
    assert.equal(events.at(-1)?.changed?.[0]?.id, account.id);
    // Another window signs the account out: this window's provider hears it through secrets.onDidChange.
    harness.secrets.externalWrite('mailroom.accounts', '[]');
    await harness.service.reload();
    assert.equal(events.at(-1)?.removed?.[0]?.id, account.id);
    assert.deepEqual(await harness.providers.oidc.getSessions(undefined), []);
  });

  it("[SEC-22] sign-out revokes the refresh token first, then runs the mail layer's hooks, then deletes every secret", async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const account = await harness.service.signInOrThrow('oidc');
    const order: string[] = [];
    harness.service.onWillSignOut((mailAccount) => {
      order.push(`hook ${mailAccount.email} revoked=${issuer.requests.some((request) => request.url.endsWith('/revocation'))}`);
      throw new Error('connection already closed');
    });
    const refreshToken = (await harness.store.get(account.id))?.tokens?.refreshToken ?? '';
    await harness.providers.oidc.removeSession(account.id);
    assert.deepEqual(order, ['hook alice@mailroom.test revoked=true']);
    assert.ok(!issuer.activeRefreshTokens.has(refreshToken));
    const revocation = issuer.requests.find((request) => request.url.endsWith('/revocation'));
    assert.equal(revocation?.body.get('token_type_hint'), 'refresh_token');
    assert.deepEqual([...harness.secrets.values.entries()], [['mailroom.accounts', '[]']]);
    assert.deepEqual(harness.service.list(), []);
  });

  it('[SEC-22] signs out whatever the issuer answers, and says where to remove access when it cannot revoke', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const first = await harness.service.signInOrThrow('oidc');
    issuer.revocationFailure = 503;
    assert.equal(await harness.service.signOut(first.id), 'failed');
    assert.equal(await harness.store.get(first.id), undefined);
    assert.deepEqual(harness.service.list(), []);
    issuer.revocationFailure = undefined;
    issuer.metadataOverrides = { revocation_endpoint: undefined };
    harness.dispose();
    harness = harnessFor(issuer, {}, (config) => ({ ...config, removeAccessHelp: 'Remove it at https://issuer.test/apps.' }));
    const second = await harness.service.signInOrThrow('oidc');
    assert.equal(await harness.service.signOut(second.id), 'unsupported');
    assert.match(harness.messages.at(-1) ?? '', /Remove it at https:\/\/issuer\.test\/apps/);
    assert.equal(await harness.store.get(second.id), undefined);
  });

  it('[SEC-17] "sign-in required" after invalid_grant is announced once with a way to sign in again', async () => {
    const issuer = new FakeIssuer();
    harness = harnessFor(issuer);
    const account = await harness.service.signInOrThrow('oidc');
    issuer.activeRefreshTokens.clear();
    for (let i = 0; i < 3; i++) {
      await assert.rejects(harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true }), (error: unknown) =>
        isMailroomError(error, 'SignInRequired'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(
      harness.events.filter((event) => event.startsWith('sign-in-again')),
      ['sign-in-again alice@mailroom.test'],
    );
    assert.deepEqual(harness.service.list(), []);
    assert.deepEqual(await harness.providers.oidc.getSessions(undefined), []);
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
  });

  it('[SEC-20] [SEC-23] no token, code, verifier or state in logs or messages after a full session', async () => {
    const issuer = new FakeIssuer();
    const callbacks: string[] = [];
    harness = harnessFor(issuer, {
      browser: (url, h) => {
        const redirect = issuer.authorize(url);
        callbacks.push(redirect);
        return deliverRedirect(redirect, (uri) => h.router.handleUri(uri));
      },
    });
    const account = await harness.service.signInOrThrow('oidc');
    await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true });
    issuer.tokenOverrides.push(() => new Response('down', { status: 503 }));
    await harness.service.getAccessToken(account.id, '127.0.0.1', { forceRefresh: true }).catch(() => undefined);
    await harness.service.getAccessToken(account.id, 'evil.test').catch(() => undefined);
    await harness.service.signOut(account.id);
    // Redaction itself is exercised too: a careless log line with every secret gets masked.
    const secrets = callbacks.flatMap((callback) => [new URL(callback).searchParams.get('code') ?? '', new URL(callback).searchParams.get('state') ?? '']);
    harness.logger.info(`careless: ${secrets.join(' ')} ${issuer.issuedAccessTokens.join(' ')} ${callbacks.join(' ')}`);
    const visible = harness.visibleText();
    assert.deepEqual(sentinelsIn(visible), []);
    for (const secret of secrets) {
      assert.ok(secret.length > 10 && !visible.includes(secret), 'code/state never visible');
    }
    assert.equal(harness.secrets.values.get('mailroom.accounts'), '[]');
    assert.equal(harness.secrets.values.size, 1, 'nothing else left in storage');
  });
});
