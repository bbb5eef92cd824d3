// Four windows refreshing one account at once: four token managers in four processes over one shared
// secret store (standing in for SecretStorage, which all windows share) and one lease folder, against
// the local oidc-provider, which rotates refresh tokens and revokes the whole grant when one is reused.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { providerConfig } from '../../../src/auth/presets';
import { startStack } from '..';
import type { Stack } from '..';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { FileSecretStorage } from '../../support/auth/fileSecretStorage';
import { Harness } from '../../support/auth/harness';
import type { WorkerAnswer, WorkerRequest } from './crossWindowRefreshWorker';

const WORKER = path.join(__dirname, 'crossWindowRefreshWorker.js');
const WINDOWS = 4;
/** Each round moves the windows' clocks on by more than a token lives, so every window finds it due. */
const ROUND_MS = 2 * 3_600_000;

interface Window {
  child: ChildProcess;
  ask(request: WorkerRequest): Promise<WorkerAnswer>;
}

function openWindow(args: string[]): Window {
  const child = fork(WORKER, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending: ((answer: WorkerAnswer) => void) | undefined;
  child.on('message', (answer: WorkerAnswer) => pending?.(answer));
  return {
    child,
    ask: (request) =>
      new Promise((resolve) => {
        pending = resolve;
        child.send(request);
      }),
  };
}

describe('token refresh across windows (four processes, one secret store, one lease folder)', function () {
  this.timeout(240_000);
  let stack: Stack;
  let folder: string;
  let windows: Window[] = [];

  before(async function () {
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem');
    stack = await startStack({});
  });

  after(async function () {
    await stack?.stop();
  });

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'mailroom-windows-'));
  });

  afterEach(() => {
    for (const window of windows) {
      window.child.kill();
    }
    windows = [];
    rmSync(folder, { recursive: true, force: true });
  });

  /** Signs alice in (loopback, the product's sign-in) and puts the account into the shared store. */
  async function signInToSharedStore(): Promise<string> {
    const alice = stack.users[0];
    const harness = new Harness({
      configFor: (kind) => providerConfig(kind, oidcSettings(stack.issuer, stack.clientId, { scopes: ['openid', 'email', 'offline_access', stack.mailScope] })),
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, alice), (uri) => h.router.handleUri(uri)),
    });
    try {
      const account = await harness.service.signInOrThrow('oidc');
      const shared = new FileSecretStorage(path.join(folder, 'secrets'));
      for (const [key, value] of harness.secrets.values) {
        await shared.store(key, value);
      }
      return account.id;
    } finally {
      harness.dispose();
    }
  }

  function refreshTokensIssuedSince(before: Set<string>): number {
    return stack.issuedTokens().filter((token) => token.kind === 'RefreshToken' && !before.has(token.value)).length;
  }

  function openWindows(lease: 'lease' | 'no-lease'): void {
    const args = [path.join(folder, 'secrets'), path.join(folder, 'locks'), stack.issuer, stack.clientId, stack.mailScope, lease];
    windows = Array.from({ length: WINDOWS }, () => openWindow(args));
  }

  it('[SEC-17] 100 rounds of four windows refreshing at once: one refresh per rotation, the grant survives, nobody is signed out', async function () {
    const accountId = await signInToSharedStore();
    const issuedBefore = new Set(stack.issuedTokens().map((token) => token.value));
    openWindows('lease');
    const rounds = 100;
    let answers: WorkerAnswer[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      answers = await Promise.all(windows.map((window) => window.ask({ accountId, offsetMs: round * ROUND_MS })));
      const outcomes = answers.map((answer) => answer.outcome);
      assert.ok(
        outcomes.every((outcome) => 'tokenDigest' in outcome),
        `round ${round}: ${JSON.stringify(outcomes)}`,
      );
      assert.equal(new Set(outcomes.map((outcome) => ('tokenDigest' in outcome ? outcome.tokenDigest : ''))).size, 1, `round ${round}: one token for all`);
    }
    const refreshRequests = answers.reduce((sum, answer) => sum + answer.refreshRequests, 0);
    assert.equal(refreshRequests, rounds, 'the windows asked the issuer once per round');
    assert.equal(refreshTokensIssuedSince(issuedBefore), rounds, 'the issuer rotated once per round');
    assert.ok(answers.every((answer) => !answer.signInRequired));
    // The grant survived: the refresh token in the shared store is live at the issuer.
    const stored = JSON.parse((await new FileSecretStorage(path.join(folder, 'secrets')).get(`mailroom.account:${accountId}`)) ?? '{}') as {
      tokens?: { refreshToken?: string; accessToken?: string };
    };
    assert.equal((await stack.introspect(stored.tokens?.refreshToken ?? '')).active, true);
    assert.equal((await stack.introspect(stored.tokens?.accessToken ?? '')).active, true);
  });

  it('positive control: the same four windows without the lease present one refresh token twice, and the issuer revokes the grant', async function () {
    const accountId = await signInToSharedStore();
    openWindows('no-lease');
    let signedOut = false;
    for (let round = 1; round <= 20 && !signedOut; round += 1) {
      const answers = await Promise.all(windows.map((window) => window.ask({ accountId, offsetMs: round * ROUND_MS })));
      signedOut = answers.some((answer) => answer.signInRequired);
    }
    assert.equal(signedOut, true, 'a window ended "sign-in required"');
  });
});
