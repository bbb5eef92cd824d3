// Tokens survive a keychain that fails: reads that throw, writes that throw, failures that pass.
// Three accounts throughout, and after every scenario nothing is orphaned: every account secret
// is listed in the index, and every refresh token alive at the issuer is one SecretStorage holds.
import * as assert from 'node:assert/strict';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { withTestTransport } from '../../../src/util/testTransport';
import { providerConfig } from '../../../src/auth/presets';
import { TokenManager } from '../../../src/auth/tokenManager';
import type { SignInRequiredEvent } from '../../../src/auth/tokenManager';
import { TokenStore } from '../../../src/auth/tokenStore';
import type { StoredAccount } from '../../../src/auth/tokenStore';
import { BackoffGate, DEFAULT_BACKOFF_POLICY } from '../../../src/util/backoff';
import { isMailroomError } from '../../../src/util/errors';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { deliverRedirect, MemorySecretStorage, oidcConfig, oidcSettings, storedRefreshTokens, unlistedAccountKeys } from '../../support/auth/fakes';
import { FakeClock } from '../../support/clock';
import { recordingLogger } from '../../support/logging';
import { Harness } from '../../support/auth/harness';

const NAMES = ['alice', 'bob', 'carol'] as const;
const INDEX_KEY = 'mailroom.accounts';

function isStorageError(error: unknown): boolean {
  return isMailroomError(error, 'StorageUnavailable');
}

function assertNothingOrphaned(secrets: MemorySecretStorage, issuer: FakeIssuer): void {
  assert.deepEqual(unlistedAccountKeys(secrets), [], 'every account secret is listed');
  const stored = new Set(storedRefreshTokens(secrets));
  assert.deepEqual(
    [...issuer.activeRefreshTokens].filter((token) => !stored.has(token)),
    [],
    'every live refresh token is stored',
  );
}

/** Polls (bounded) until `condition` holds; the retry under test runs on a real timer. */
async function eventually(condition: () => boolean, what: string, limitMs = 3000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface ThreeAccounts {
  issuer: FakeIssuer;
  secrets: MemorySecretStorage;
  store: TokenStore;
  manager: TokenManager;
  accounts: Record<(typeof NAMES)[number], StoredAccount>;
  sink: ReturnType<typeof recordingLogger>['sink'];
  signInRequired: SignInRequiredEvent[];
}

async function threeAccounts(): Promise<ThreeAccounts> {
  const issuer = new FakeIssuer();
  const secrets = new MemorySecretStorage();
  const { logger, sink } = recordingLogger();
  const store = new TokenStore(secrets, logger);
  const clock = new FakeClock({ start: 1_000_000, sleep: 'instant' });
  const client = new OAuthClient(oidcConfig(issuer.issuer, issuer.clientId), withTestTransport({ now: () => clock.now() }, { fetchForTests: issuer.fetch }));
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
  );
  const signInRequired: SignInRequiredEvent[] = [];
  manager.onDidRequireSignIn((event) => signInRequired.push(event));
  const entries = NAMES.map((name): [string, StoredAccount] => {
    const refreshToken = `RT-SENTINEL-${name}-initial`;
    issuer.activeRefreshTokens.add(refreshToken);
    return [
      name,
      {
        version: 1,
        id: `${issuer.issuer}#subject-${name}`,
        provider: 'oidc',
        issuer: issuer.issuer,
        subject: `subject-${name}`,
        email: `${name}@mailroom.test`,
        clientId: issuer.clientId,
        grantedScopes: ['openid', 'mail'],
        imap: { host: '127.0.0.1', port: 993, implicitTls: true },
        smtp: { host: '127.0.0.1', port: 465, implicitTls: true },
        mailHosts: ['127.0.0.1'],
        serverSavesSent: false,
        tokens: { accessToken: `AT-SENTINEL-${name}-initial`, refreshToken, expiresAtMs: clock.now() + 3600_000, issuedAtMs: clock.now() },
        signInRequired: undefined,
      },
    ];
  });
  for (const [, account] of entries) {
    await store.put(account);
  }
  const accounts = Object.fromEntries(entries) as ThreeAccounts['accounts'];
  return { issuer, secrets, store, manager, accounts, sink, signInRequired };
}

/** Runs `effect` when the issuer answers the next token request, as the answer leaves (the rotation has happened). */
function whenTokenIssued(issuer: FakeIssuer, effect: () => void): void {
  issuer.tokenOverrides.push(() => {
    effect();
    return undefined;
  });
}

async function emails(store: TokenStore): Promise<string[]> {
  return (await store.list()).map((account) => account.email);
}

describe('tokens survive storage failures', () => {
  let setup: ThreeAccounts | undefined;
  afterEach(() => setup?.manager.dispose());

  it('[SEC-21] a refresh while the index cannot be read writes nothing: the other accounts stay listed', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, store, manager, accounts } = setup;
    secrets.failNext('get', { key: INDEX_KEY });
    await assert.rejects(manager.getAccessToken(accounts.alice.id, { forceRefresh: true }), isStorageError);
    assert.deepEqual(secrets.failures, [`get ${INDEX_KEY}`], 'the scripted failure happened where intended');
    assert.deepEqual(await emails(store), ['alice@mailroom.test', 'bob@mailroom.test', 'carol@mailroom.test']);
    const renewed = await manager.getAccessToken(accounts.alice.id);
    assert.equal(issuer.tokenRequests('refresh_token').length, 1, 'the renewal was kept, not requested again');
    assert.equal((await store.get(accounts.alice.id))?.tokens?.accessToken, renewed);
    assertNothingOrphaned(secrets, issuer);
  });

  it('[SEC-17] a write that fails after a rotation leaves the stored state usable, says so, and keeps the new refresh token', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, store, manager, accounts, sink } = setup;
    const before = new Map(secrets.values);
    secrets.failWrites = true;
    await assert.rejects(manager.getAccessToken(accounts.bob.id, { forceRefresh: true }), isStorageError);
    assert.deepEqual(secrets.values, before, 'nothing half-written');
    assert.ok(!issuer.activeRefreshTokens.has('RT-SENTINEL-bob-initial'), "the issuer rotated bob's refresh token");
    assert.ok(
      sink.lines.some((line) => line.startsWith('warn Could not write mailroom.account:')),
      'logged',
    );
    assert.equal(await manager.getAccessToken(accounts.alice.id), 'AT-SENTINEL-alice-initial', 'the other accounts keep working');
    // Still refused: the new access token is not handed out before its refresh token is safe.
    await assert.rejects(manager.getAccessToken(accounts.bob.id), isStorageError);
    secrets.failWrites = false;
    const renewed = await manager.getAccessToken(accounts.bob.id);
    assert.notEqual(renewed, 'AT-SENTINEL-bob-initial');
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    assert.deepEqual(await emails(store), ['alice@mailroom.test', 'bob@mailroom.test', 'carol@mailroom.test']);
    assertNothingOrphaned(secrets, issuer);
    for (const line of sink.lines) {
      assert.doesNotMatch(line, /(AT|RT)-SENTINEL/, 'no token in the log');
    }
  });

  it('[SEC-17] a re-read that fails after a successful rotation does not throw the new refresh token away', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, store, manager, accounts } = setup;
    whenTokenIssued(issuer, () => void (secrets.failReads = true));
    await assert.rejects(manager.getAccessToken(accounts.carol.id, { forceRefresh: true }), isStorageError);
    assert.ok(secrets.failures.includes(`get mailroom.account:${accounts.carol.id}`), 'the re-read after the rotation failed');
    secrets.failReads = false;
    const renewed = await manager.getAccessToken(accounts.carol.id);
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    assert.equal((await store.get(accounts.carol.id))?.tokens?.accessToken, renewed);
    assertNothingOrphaned(secrets, issuer);
  });

  it('[SEC-17] a write that fails once is retried on its own, without anybody asking for a token', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, store, manager, accounts } = setup;
    whenTokenIssued(issuer, () => secrets.failNext('store'));
    await assert.rejects(manager.getAccessToken(accounts.alice.id, { forceRefresh: true }), isStorageError);
    assert.equal((await store.get(accounts.alice.id))?.tokens?.refreshToken, 'RT-SENTINEL-alice-initial', 'not saved yet');
    await eventually(() => storedRefreshTokens(secrets).every((token) => issuer.activeRefreshTokens.has(token)), 'the renewal is saved');
    assert.equal(issuer.tokenRequests('refresh_token').length, 1);
    assertNothingOrphaned(secrets, issuer);
  });

  it('a renewal whose account was signed out meanwhile is revoked, not left alive at the issuer', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, manager, accounts } = setup;
    whenTokenIssued(issuer, () => {
      // Another window signs bob out while the refresh is on the wire (its revocation of the old token is moot: rotated).
      secrets.externalWrite(INDEX_KEY, JSON.stringify([accounts.alice.id, accounts.carol.id]));
      secrets.values.delete(`mailroom.account:${accounts.bob.id}`);
    });
    await assert.rejects(manager.getAccessToken(accounts.bob.id, { forceRefresh: true }), (error: unknown) => isMailroomError(error, 'SignInRequired'));
    assert.equal(issuer.requests.filter((request) => request.url.endsWith('/revocation')).length, 1);
    assertNothingOrphaned(secrets, issuer);
  });

  it('[SEC-18] [SEC-22] a mail server rejecting a fresh token: the refresh token is revoked first, then deleted, once', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, store, manager, accounts, signInRequired } = setup;
    const stillLiveWhenDeleted: boolean[] = [];
    const storeNow = secrets.store.bind(secrets);
    secrets.store = async (key: string, value: string): Promise<void> => {
      if (key === `mailroom.account:${accounts.alice.id}`) {
        stillLiveWhenDeleted.push(issuer.activeRefreshTokens.has('RT-SENTINEL-alice-initial'));
      }
      await storeNow(key, value);
    };
    // IMAP and SMTP reject together.
    await Promise.all([manager.requireSignIn(accounts.alice.id, 'IMAP said no'), manager.requireSignIn(accounts.alice.id, 'SMTP said no')]);
    assert.deepEqual(stillLiveWhenDeleted, [false], 'revoked before the tokens were deleted');
    const revocations = issuer.requests.filter((request) => request.url.endsWith('/revocation'));
    assert.deepEqual(
      revocations.map((request) => [request.body.get('token'), request.body.get('token_type_hint')]),
      [['RT-SENTINEL-alice-initial', 'refresh_token']],
    );
    const stored = await store.get(accounts.alice.id);
    assert.equal(stored?.tokens, undefined);
    assert.equal(stored?.signInRequired, 'IMAP said no');
    assert.deepEqual(
      signInRequired.map((event) => [event.email, event.revocation]),
      [['alice@mailroom.test', 'revoked']],
    );
    assertNothingOrphaned(secrets, issuer);
  });

  it('[SEC-21] "sign-in required" while the account cannot be read revokes nothing and writes nothing', async () => {
    setup = await threeAccounts();
    const { issuer, secrets, manager, accounts, signInRequired } = setup;
    const writesBefore = secrets.writes;
    secrets.failReads = true;
    await assert.rejects(manager.requireSignIn(accounts.alice.id, 'IMAP said no'), isStorageError);
    assert.equal(secrets.writes, writesBefore);
    assert.equal(issuer.requests.length, 0);
    assert.deepEqual(signInRequired, []);
    secrets.failReads = false;
    assertNothingOrphaned(secrets, issuer);
  });
});

describe('accounts survive storage failures (service)', () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.dispose());

  async function signedInThree(issuer: FakeIssuer): Promise<Harness> {
    const h = new Harness({
      configFor: (kind) => providerConfig(kind, oidcSettings(issuer.issuer, issuer.clientId)),
      fetchForTests: issuer.fetch,
      browser: (url, each) => deliverRedirect(issuer.authorize(url), (uri) => each.router.handleUri(uri)),
    });
    for (const name of NAMES) {
      issuer.subject = `subject-${name}`;
      issuer.email = `${name}@mailroom.test`;
      await h.service.signInOrThrow('oidc');
    }
    return h;
  }

  it('[SEC-21] an unreadable keychain keeps the accounts as last read and says so once; nothing is written', async () => {
    const issuer = new FakeIssuer();
    harness = await signedInThree(issuer);
    const writesBefore = harness.secrets.writes;
    const errorsBefore = harness.events.filter((event) => event === 'error').length;
    harness.secrets.failReads = true;
    await harness.service.reload();
    await harness.service.reload();
    assert.deepEqual(
      harness.service.list().map((account) => account.email),
      ['alice@mailroom.test', 'bob@mailroom.test', 'carol@mailroom.test'],
    );
    assert.equal(harness.events.filter((event) => event === 'error').length, errorsBefore + 1, 'told once');
    assert.match(harness.messages.at(-1) ?? '', /secret storage/);
    assert.equal(harness.secrets.writes, writesBefore);
  });

  it('a sign-in that cannot be stored revokes the new grant and fails with a storage error', async () => {
    const issuer = new FakeIssuer();
    harness = await signedInThree(issuer);
    issuer.subject = 'subject-dave';
    issuer.email = 'dave@mailroom.test';
    harness.secrets.failWrites = true;
    await assert.rejects(harness.service.signInOrThrow('oidc'), isStorageError);
    harness.secrets.failWrites = false;
    assert.equal(issuer.activeRefreshTokens.size, 3, 'only the three stored grants are alive');
    assertNothingOrphaned(harness.secrets, issuer);
  });

  it('[SEC-22] a sign-out whose delete fails leaves the account listed (to try again), then completes', async () => {
    const issuer = new FakeIssuer();
    harness = await signedInThree(issuer);
    const bob = harness.service.list()[1];
    harness.secrets.failNext('delete');
    assert.equal(await harness.service.signOut(bob.id), undefined);
    assert.match(harness.messages.at(-1) ?? '', /could not delete/);
    assert.deepEqual(unlistedAccountKeys(harness.secrets), []);
    assert.ok((await harness.store.list()).some((account) => account.id === bob.id));
    assert.equal(await harness.service.signOut(bob.id), 'revoked');
    assert.deepEqual(
      (await harness.store.list()).map((account) => account.email),
      ['alice@mailroom.test', 'carol@mailroom.test'],
    );
    assertNothingOrphaned(harness.secrets, issuer);
  });

  it('[SEC-22] sign-out revokes a renewal storage has not taken yet, not the spent token it replaced', async () => {
    const issuer = new FakeIssuer();
    harness = await signedInThree(issuer);
    const carol = harness.service.list()[2];
    harness.secrets.failWrites = true;
    await assert.rejects(harness.service.getAccessToken(carol.id, '127.0.0.1', { forceRefresh: true }), isStorageError);
    harness.secrets.failWrites = false;
    assert.equal(await harness.service.signOut(carol.id), 'revoked');
    assert.equal(issuer.activeRefreshTokens.size, 2);
    assertNothingOrphaned(harness.secrets, issuer);
  });

  it('[SEC-18] the mail layer\'s "sign-in required" revokes first; a storage failure there is shown, not swallowed', async () => {
    const issuer = new FakeIssuer();
    harness = await signedInThree(issuer);
    const [alice, bob] = harness.service.list();
    const h = harness;
    harness.service.requireSignIn(alice.id, 'The mail server 127.0.0.1 rejected the sign-in.');
    await eventually(() => h.events.includes('sign-in-again alice@mailroom.test'), 'alice is asked to sign in again');
    assert.equal(issuer.activeRefreshTokens.size, 2, "alice's grant was revoked");
    harness.secrets.failReads = true;
    harness.service.requireSignIn(bob.id, 'The mail server 127.0.0.1 rejected the sign-in.');
    await eventually(() => h.events.includes('error'), 'the storage failure is shown');
    harness.secrets.failReads = false;
    assert.equal(issuer.activeRefreshTokens.size, 2, 'nothing revoked while bob could not be read');
    assertNothingOrphaned(harness.secrets, issuer);
  });
});
