import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { refreshDueAtMs } from '../../../src/auth/tokenLifetime';
import type { RefreshLease } from '../../../src/auth/refreshLease';
import { thisWindowOnly } from '../../../src/auth/refreshLease';
import { TokenManager } from '../../../src/auth/tokenManager';
import { TokenStore } from '../../../src/auth/tokenStore';
import type { StoredAccount } from '../../../src/auth/tokenStore';
import { BackoffGate, DEFAULT_BACKOFF_POLICY } from '../../../src/util/backoff';
import { MailroomError, isMailroomError } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { refreshLeaseIn } from '../../../src/windows/refreshLeaseFiles';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { MemorySecretStorage, oidcConfig } from '../../support/auth/fakes';
import { FakeClock } from '../../support/clock';
import { recordingLogger } from '../../support/logging';

interface Setup {
  /** Another window: its own store and token manager over the same secret storage. */
  window(lease: RefreshLease): TokenManager;
  issuer: FakeIssuer;
  secrets: MemorySecretStorage;
  store: TokenStore;
  manager: TokenManager;
  clock: FakeClock;
  account: StoredAccount;
  sink: ReturnType<typeof recordingLogger>['sink'];
}

async function setup(options: { expiresInSeconds?: number; refreshToken?: string; lease?: RefreshLease } = {}): Promise<Setup> {
  const issuer = new FakeIssuer();
  const secrets = new MemorySecretStorage();
  const { logger, sink } = recordingLogger();
  const store = new TokenStore(secrets, logger);
  const clock = new FakeClock({ start: 1_000_000, sleep: 'instant' });
  const client = new OAuthClient(oidcConfig(issuer.issuer, issuer.clientId), withTestTransport({ now: () => clock.now() }, { fetchForTests: issuer.fetch }));
  const window = (lease: RefreshLease): TokenManager =>
    new TokenManager(
      new TokenStore(secrets, logger),
      () => client,
      logger,
      clock,
      new BackoffGate(
        () => clock.now(),
        DEFAULT_BACKOFF_POLICY,
        () => 0.5,
      ),
      lease,
    );
  const manager = new TokenManager(
    store,
    () => client,
    logger,
    clock,
    new BackoffGate(
      () => clock.now(),
      DEFAULT_BACKOFF_POLICY,
      () => 0.5,
    ),
    options.lease,
  );
  const refreshToken = options.refreshToken ?? 'RT-SENTINEL-initial';
  issuer.activeRefreshTokens.add(refreshToken);
  const expiresIn = 'expiresInSeconds' in options ? options.expiresInSeconds : 3600;
  const account: StoredAccount = {
    version: 1,
    id: `${issuer.issuer}#subject-alice`,
    provider: 'oidc',
    issuer: issuer.issuer,
    subject: 'subject-alice',
    email: 'alice@mailroom.test',
    clientId: issuer.clientId,
    grantedScopes: ['openid', 'mail'],
    imap: { host: '127.0.0.1', port: 993, implicitTls: true },
    smtp: { host: '127.0.0.1', port: 465, implicitTls: true },
    mailHosts: ['127.0.0.1'],
    serverSavesSent: false,
    tokens: {
      accessToken: 'AT-SENTINEL-initial',
      refreshToken,
      expiresAtMs: expiresIn === undefined ? undefined : clock.now() + expiresIn * 1000,
      issuedAtMs: clock.now(),
    },
    signInRequired: undefined,
  };
  await store.put(account);
  return { window, issuer, secrets, store, manager, clock, account, sink };
}

describe('token manager', () => {
  it('[SEC-16] tracks expiry from expires_in and refreshes ahead of it with a margin', async () => {
    const { manager, issuer, clock, store, account } = await setup();
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    assert.equal(issuer.tokenRequests().length, 0);
    const tokens = (await store.get(account.id))?.tokens;
    assert.ok(tokens);
    const due = refreshDueAtMs(tokens) ?? 0;
    assert.equal((tokens.expiresAtMs as number) - due, 5 * 60_000);
    clock.time = due + 1;
    const fresh = await manager.getAccessToken(account.id);
    assert.notEqual(fresh, 'AT-SENTINEL-initial');
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    const stored = await store.get(account.id);
    assert.equal(stored?.tokens?.expiresAtMs, clock.time + 3600_000, 'expiry counted from the request time');
  });

  it('[SEC-16] scales the margin down for short-lived tokens', () => {
    assert.equal(refreshDueAtMs({ accessToken: 'a', refreshToken: 'r', issuedAtMs: 0, expiresAtMs: 5000 }), 4000);
    assert.equal(refreshDueAtMs({ accessToken: 'a', refreshToken: 'r', issuedAtMs: 0, expiresAtMs: undefined }), undefined);
  });

  it('[SEC-16] works without expires_in and refreshes when the server rejects the token', async () => {
    const { manager, issuer, clock, account } = await setup({ expiresInSeconds: undefined });
    clock.time += 365 * 24 * 3_600_000;
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    const renewed = await manager.getAccessToken(account.id, { forceRefresh: true });
    assert.notEqual(renewed, 'AT-SENTINEL-initial');
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
  });

  it('[SEC-17] 10 concurrent callers cause exactly 1 token request, and the old refresh token is never reused', async () => {
    const { manager, issuer, account } = await setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => manager.getAccessToken(account.id, { forceRefresh: true })));
    assert.equal(new Set(results).size, 1);
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    await manager.getAccessToken(account.id, { forceRefresh: true });
    const presented = issuer.tokenRequests('refresh_token').map((request) => request.body.get('refresh_token'));
    assert.equal(new Set(presented).size, presented.length, 'each refresh token used once');
  });

  it('[SEC-17] persists the rotated refresh token before handing out the new access token', async () => {
    const { manager, secrets, store, account, issuer } = await setup();
    const events: string[] = [];
    const storeNow = secrets.store.bind(secrets);
    secrets.store = async (key: string, value: string): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await storeNow(key, value);
      events.push(`stored ${JSON.parse(value).tokens?.refreshToken === 'RT-SENTINEL-initial' ? 'old' : 'rotated'}`);
    };
    const token = await manager.getAccessToken(account.id, { forceRefresh: true });
    events.push('returned');
    assert.deepEqual(events, ['stored rotated', 'returned']);
    const stored = await store.get(account.id);
    assert.equal(stored?.tokens?.accessToken, token);
    assert.ok(stored?.tokens?.refreshToken && issuer.activeRefreshTokens.has(stored.tokens.refreshToken));
    assert.ok(!issuer.activeRefreshTokens.has('RT-SENTINEL-initial'));
  });

  it('[SEC-17] re-reads storage before refreshing: a token another window refreshed is used as is', async () => {
    const { manager, secrets, store, issuer, clock, account } = await setup();
    clock.time += 3600_000;
    const other: StoredAccount = {
      ...account,
      tokens: { accessToken: 'AT-SENTINEL-other-window', refreshToken: 'RT-SENTINEL-other', issuedAtMs: clock.time, expiresAtMs: clock.time + 3600_000 },
    };
    secrets.externalWrite(`mailroom.account:${account.id}`, JSON.stringify(other));
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-other-window');
    assert.equal(issuer.tokenRequests().length, 0);
    assert.equal((await store.get(account.id))?.tokens?.refreshToken, 'RT-SENTINEL-other');
  });

  it('[SEC-17] invalid_grant deletes the tokens, marks "sign-in required" once, and does not retry', async () => {
    const { manager, issuer, store, account } = await setup();
    issuer.activeRefreshTokens.clear();
    const announced: string[] = [];
    manager.onDidRequireSignIn((event) => announced.push(event.email));
    for (let i = 0; i < 3; i++) {
      await assert.rejects(manager.getAccessToken(account.id, { forceRefresh: true }), (error: unknown) => isMailroomError(error, 'SignInRequired'));
    }
    assert.equal(issuer.tokenRequests().length, 1);
    const stored = await store.get(account.id);
    assert.equal(stored?.tokens, undefined);
    assert.ok(stored?.signInRequired);
    assert.deepEqual(announced, ['alice@mailroom.test']);
  });

  it('[SEC-17] invalid_grant for a refresh token another window already renewed: the renewed tokens are used, no sign-out', async () => {
    const { manager, issuer, secrets, store, clock, account } = await setup();
    clock.time += 3600_000;
    const renewed: StoredAccount = {
      ...account,
      tokens: { accessToken: 'AT-SENTINEL-other-window', refreshToken: 'RT-SENTINEL-other', issuedAtMs: clock.time, expiresAtMs: clock.time + 3600_000 },
    };
    // The other window rotates the token just before this one presents the old one.
    issuer.tokenOverrides.push(() => {
      secrets.externalWrite(`mailroom.account:${account.id}`, JSON.stringify(renewed));
      return Response.json({ error: 'invalid_grant' }, { status: 400 });
    });
    const announced: string[] = [];
    manager.onDidRequireSignIn((event) => announced.push(event.email));
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-other-window');
    assert.deepEqual(announced, []);
    assert.equal((await store.get(account.id))?.tokens?.refreshToken, 'RT-SENTINEL-other');
  });

  it('[SEC-17] invalid_grant, and the renewed tokens in storage have expired too: one refresh with the renewed refresh token', async () => {
    const { manager, issuer, secrets, store, clock, account } = await setup();
    clock.time += 3600_000;
    issuer.activeRefreshTokens.add('RT-SENTINEL-other');
    const renewedButExpired: StoredAccount = {
      ...account,
      tokens: {
        accessToken: 'AT-SENTINEL-other-window',
        refreshToken: 'RT-SENTINEL-other',
        issuedAtMs: clock.time - 7200_000,
        expiresAtMs: clock.time - 3600_000,
      },
    };
    issuer.tokenOverrides.push(() => {
      secrets.externalWrite(`mailroom.account:${account.id}`, JSON.stringify(renewedButExpired));
      return Response.json({ error: 'invalid_grant' }, { status: 400 });
    });
    const token = await manager.getAccessToken(account.id);
    assert.ok(issuer.issuedAccessTokens.includes(token));
    assert.deepEqual(
      issuer.tokenRequests('refresh_token').map((request) => request.body.get('refresh_token')),
      ['RT-SENTINEL-initial', 'RT-SENTINEL-other'],
    );
    assert.equal((await store.get(account.id))?.signInRequired, undefined);
  });

  it('[SEC-17] two windows (token managers over one storage and one lease folder) refreshing at once: one refresh, both get its token', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'mailroom-lease-'));
    try {
      const { window, issuer, account } = await setup({ lease: refreshLeaseIn(folder) });
      const windows = [window(refreshLeaseIn(folder)), window(refreshLeaseIn(folder)), window(refreshLeaseIn(folder))];
      const tokens = await Promise.all(windows.map((each) => each.getAccessToken(account.id, { forceRefresh: true })));
      assert.equal(new Set(tokens).size, 1);
      assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('positive control: the same windows without the lease present the same refresh token twice', async () => {
    const { window, issuer, account } = await setup();
    const windows = [window(thisWindowOnly), window(thisWindowOnly), window(thisWindowOnly)];
    await Promise.allSettled(windows.map((each) => each.getAccessToken(account.id, { forceRefresh: true })));
    assert.ok(issuer.tokenRequests('refresh_token').length > 1);
  });

  it('[SEC-17] another window holding the lease too long: the current token while it lasts, then a retryable failure, never a refresh', async () => {
    const { window, issuer, account } = await setup();
    const held = window({ hold: () => Promise.reject(new MailroomError('Timeout', 'held too long')) });
    assert.equal(await held.getAccessToken(account.id, {}), 'AT-SENTINEL-initial');
    await assert.rejects(held.getAccessToken(account.id, { forceRefresh: true }), (error: unknown) => isMailroomError(error, 'IssuerUnavailable'));
    assert.equal(issuer.tokenRequests().length, 0);
  });

  it('a lease folder out of reach (global storage unwritable) does not stop refreshing: it refreshes alone and says so', async () => {
    const { window, issuer, account, sink } = await setup();
    const unreachable = window({ hold: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })) });
    const token = await unreachable.getAccessToken(account.id, { forceRefresh: true });
    assert.ok(issuer.issuedAccessTokens.includes(token));
    assert.ok(sink.lines.some((line) => line.startsWith('warn The refresh lease could not be taken')));
  });

  it('[SEC-17] [SEC-30] 5xx and 429 keep the token and back off (Retry-After honoured), never a tight loop', async () => {
    const { manager, issuer, clock, store, account } = await setup();
    clock.time += 3600_000 - 60_000;
    issuer.tokenOverrides.push(() => new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));
    // The token is inside its refresh margin but not expired: it keeps working while the issuer is throttling.
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    for (let i = 0; i < 5; i++) {
      assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    }
    assert.equal(issuer.tokenRequests().length, 1, 'no further request inside the Retry-After window');
    clock.time += 29_000;
    await assert.rejects(
      manager.getAccessToken(account.id, { forceRefresh: true }),
      (error: unknown) => isMailroomError(error, 'IssuerUnavailable') && (error.retryAfterMs ?? 0) <= 1000,
    );
    assert.equal(issuer.tokenRequests().length, 1);
    clock.time += 1_000;
    issuer.tokenOverrides.push(() => new Response('oops', { status: 503 }));
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    assert.equal(issuer.tokenRequests().length, 2);
    assert.equal((await store.get(account.id))?.tokens?.refreshToken, 'RT-SENTINEL-initial', 'the refresh token is kept');
    clock.time += DEFAULT_BACKOFF_POLICY.capMs;
    assert.notEqual(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial');
    assert.equal(issuer.tokenRequests().length, 3);
  });

  it('[SEC-17] an expired token during back-off fails fast instead of hammering the issuer', async () => {
    const { manager, issuer, clock, account } = await setup();
    clock.time += 3600_000 + 1;
    issuer.tokenOverrides.push(() => new Response('down', { status: 502 }));
    await assert.rejects(manager.getAccessToken(account.id), (error: unknown) => isMailroomError(error, 'IssuerUnavailable'));
    await assert.rejects(manager.getAccessToken(account.id), (error: unknown) => isMailroomError(error, 'IssuerUnavailable'));
    assert.equal(issuer.tokenRequests().length, 1);
  });

  it('keeps every account in the index when several are stored at once', async () => {
    const { store, account } = await setup();
    const others = ['bob', 'carol', 'dave'].map((name) => ({ ...account, id: `${account.issuer}#${name}`, email: `${name}@mailroom.test` }));
    await Promise.all([...others.map((other) => store.put(other)), store.remove(account.id)]);
    assert.deepEqual((await store.list()).map((stored) => stored.email).sort(), ['bob@mailroom.test', 'carol@mailroom.test', 'dave@mailroom.test']);
  });

  it('[SEC-21] a missing or malformed secret means "signed out"; an unreadable one is a storage error, not a sign-out', async () => {
    const { manager, secrets, store, account } = await setup();
    secrets.failReads = true;
    const writesBefore = secrets.writes;
    await assert.rejects(manager.getAccessToken(account.id), (error: unknown) => isMailroomError(error, 'StorageUnavailable'));
    await assert.rejects(store.list(), (error: unknown) => isMailroomError(error, 'StorageUnavailable'));
    assert.equal(secrets.writes, writesBefore, 'a failed read leads to no write');
    secrets.failReads = false;
    assert.equal(await manager.getAccessToken(account.id), 'AT-SENTINEL-initial', 'still signed in once the keychain answers');
    secrets.values.set(`mailroom.account:${account.id}`, '{not json');
    assert.deepEqual(await store.list(), []);
    await assert.rejects(manager.getAccessToken('nobody'), (error: unknown) => isMailroomError(error, 'SignInRequired'));
  });
});
