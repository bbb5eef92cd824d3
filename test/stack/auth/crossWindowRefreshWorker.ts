// One "window" for crossWindowRefresh.test.ts: a token manager in its own process over the shared secret
// store and lease folder (forked; not a test file itself).
//   argv: <store folder> <lease folder> <issuer> <client id> <mail scope> <lease | no-lease>
// Each message { accountId, offsetMs } moves this process's clock to real time + offsetMs (so the stored
// access token is due without waiting for it) and asks for an access token; the answer says what came of it.
import { createHash } from 'node:crypto';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { providerConfig } from '../../../src/auth/presets';
import { thisWindowOnly } from '../../../src/auth/refreshLease';
import { TokenManager } from '../../../src/auth/tokenManager';
import { TokenStore } from '../../../src/auth/tokenStore';
import { BackoffGate } from '../../../src/util/backoff';
import type { Clock } from '../../../src/util/clock';
import { systemClock } from '../../../src/util/clock';
import { withTestTransport } from '../../../src/util/testTransport';
import { refreshLeaseIn } from '../../../src/windows/refreshLeaseFiles';
import { FileSecretStorage } from '../../support/auth/fileSecretStorage';
import { oidcSettings } from '../../support/auth/fakes';
import { testLogger } from '../../support/logging';

export interface WorkerRequest {
  accountId: string;
  offsetMs: number;
}

export interface WorkerAnswer {
  /** A digest of the access token handed out (never the token itself), or the error code. */
  outcome: { tokenDigest: string } | { failure: string };
  /** Token endpoint calls with grant_type=refresh_token this process has made so far. */
  refreshRequests: number;
  signInRequired: boolean;
}

const [storeFolder, leaseFolder, issuer, clientId, mailScope, leaseMode] = process.argv.slice(2);
let offsetMs = 0;
const clock: Clock = { now: () => Date.now() + offsetMs, sleep: systemClock.sleep };
let refreshRequests = 0;
const countingFetch: typeof fetch = async (input, init) => {
  if (new URLSearchParams(String(init?.body ?? '')).get('grant_type') === 'refresh_token') {
    refreshRequests += 1;
  }
  return fetch(input, init);
};
const logger = testLogger();
const config = providerConfig('oidc', oidcSettings(issuer, clientId, { scopes: ['openid', 'email', 'offline_access', mailScope] }));
const client = new OAuthClient(config, withTestTransport({ now: () => clock.now() }, { fetchForTests: countingFetch }));
const manager = new TokenManager(
  new TokenStore(new FileSecretStorage(storeFolder), logger),
  () => client,
  logger,
  clock,
  new BackoffGate(() => clock.now()),
  leaseMode === 'lease' ? refreshLeaseIn(leaseFolder) : thisWindowOnly,
);
let signInRequired = false;
manager.onDidRequireSignIn(() => void (signInRequired = true));

process.on('message', (request: WorkerRequest) => {
  offsetMs = request.offsetMs;
  manager.getAccessToken(request.accountId).then(
    (token) => answer({ tokenDigest: createHash('sha256').update(token).digest('hex').slice(0, 16) }),
    (error: unknown) => answer({ failure: (error as { code?: string }).code ?? String(error) }),
  );
});

function answer(outcome: WorkerAnswer['outcome']): void {
  const message: WorkerAnswer = { outcome, refreshRequests, signInRequired };
  process.send?.(message);
}
