// [SEC-30] Discovery and revocation back off like the token endpoint: a 429 or 503 with Retry-After from a
// real HTTPS server means no further request to that endpoint until the wait is over.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { isMailroomError } from '../../../src/util/errors';
import type { MailroomErrorCode } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { loadTlsFixtures } from '../tlsFixtures';
import { createFetchTrustingCa } from '../trustingFetch';
import { oidcConfig } from '../../support/auth/fakes';

interface Answer {
  status: number;
  retryAfter?: string;
}

/** An issuer on loopback HTTPS whose discovery and revocation answers are scripted, counting requests per path. */
async function startIssuer(): Promise<{ issuer: string; script: Map<string, Answer[]>; requests: Map<string, number>; close(): Promise<void> }> {
  const tls = loadTlsFixtures();
  const script = new Map<string, Answer[]>();
  const requests = new Map<string, number>();
  let issuer = '';
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    const path = new URL(request.url ?? '/', issuer).pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    request.resume();
    const answer = script.get(path)?.shift() ?? { status: 200 };
    if (answer.status !== 200) {
      response.writeHead(answer.status, answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }).end();
    } else if (path === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          revocation_endpoint: `${issuer}/revoke`,
          jwks_uri: `${issuer}/jwks`,
        }),
      );
    } else {
      response.writeHead(200).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, script, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a failure'),
    (error: unknown) => error,
  );
}

function assertFailure(error: unknown, code: MailroomErrorCode, retryAfterMs: number): void {
  assert.ok(isMailroomError(error, code), `expected ${code}, got ${String(error)}`);
  assert.equal(error.retryAfterMs, retryAfterMs);
}

describe('Issuer back-off for discovery and revocation', function () {
  this.timeout(20_000);
  const DISCOVERY = '/.well-known/openid-configuration';
  const REVOCATION = '/revoke';
  const statusCodes: Record<number, MailroomErrorCode> = { 429: 'Throttled', 503: 'IssuerUnavailable' };
  let server: Awaited<ReturnType<typeof startIssuer>>;
  let now: number;
  let client: OAuthClient;

  beforeEach(async () => {
    server = await startIssuer();
    now = Date.parse('2026-01-01T00:00:00Z');
    const trusting = createFetchTrustingCa(loadTlsFixtures().ca);
    const fetchForTests: typeof fetch = (input, init) => trusting(input instanceof Request ? input.url : input, init);
    client = new OAuthClient(oidcConfig(server.issuer, 'mailroom'), withTestTransport({ now: () => now }, { fetchForTests }));
  });

  afterEach(() => server.close());

  for (const [status, code] of Object.entries(statusCodes)) {
    it(`[SEC-30] discovery answered ${status} with Retry-After: 120 is not asked again for 120 s, then is`, async () => {
      server.script.set(DISCOVERY, [{ status: Number(status), retryAfter: '120' }]);
      assertFailure(await rejection(client.metadata()), code, 120_000);
      assert.equal(server.requests.get(DISCOVERY), 1);

      now += 119_000;
      assertFailure(await rejection(client.metadata()), 'IssuerUnavailable', 1_000);
      assert.equal(server.requests.get(DISCOVERY), 1, 'discovery was asked again during the wait');

      // The control: the same call reaches the issuer once the wait is over.
      now += 1_000;
      assert.equal((await client.metadata()).issuer, server.issuer);
      assert.equal(server.requests.get(DISCOVERY), 2);
    });

    it(`[SEC-30] revocation answered ${status} with Retry-After: 30 is not asked again for 30 s, then is`, async () => {
      server.script.set(REVOCATION, [{ status: Number(status), retryAfter: '30' }]);
      assertFailure(await rejection(client.revokeRefreshToken('RT-SENTINEL-backoff')), code, 30_000);
      assert.equal(server.requests.get(REVOCATION), 1);

      now += 29_000;
      assertFailure(await rejection(client.revokeRefreshToken('RT-SENTINEL-backoff')), 'IssuerUnavailable', 1_000);
      assert.equal(server.requests.get(REVOCATION), 1, 'revocation was asked again during the wait');

      now += 1_000;
      assert.equal(await client.revokeRefreshToken('RT-SENTINEL-backoff'), 'revoked');
      assert.equal(server.requests.get(REVOCATION), 2);
    });
  }

  it('[SEC-30] a wait for one endpoint does not hold up the other, and success ends it', async () => {
    server.script.set(REVOCATION, [{ status: 503, retryAfter: '30' }]);
    await rejection(client.revokeRefreshToken('RT-SENTINEL-backoff'));
    assert.equal(server.requests.get(DISCOVERY), 1);
    assert.equal((await client.metadata()).issuer, server.issuer, 'discovery is not held up by the revocation wait');
    now += 30_000;
    assert.equal(await client.revokeRefreshToken('RT-SENTINEL-backoff'), 'revoked');
    assert.equal(await client.revokeRefreshToken('RT-SENTINEL-backoff'), 'revoked');
    assert.equal(server.requests.get(REVOCATION), 3);
  });
});
