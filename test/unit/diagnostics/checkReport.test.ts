import * as assert from 'node:assert/strict';
import type { TokenEndpointAnswer } from '../../../src/auth/oauthClient';
import { oidcConfig, storedOidcAccount } from '../../support/auth/fakes';
import type { StoredAccount } from '../../../src/auth/tokenStore';
import type { AccountCheckDependencies } from '../../../src/diagnostics/accountCheck';
import { checkAccount } from '../../../src/diagnostics/accountCheck';
import { renderCheckReport } from '../../../src/diagnostics/checkReport';
import { MailroomError } from '../../../src/util/errors';
import { testLogger } from '../../support/logging';

const ISSUER = 'https://issuer.example';
/** Opaque, unlike a JWT or a named parameter: only the redactor that knows them can find them. */
const FAKE_ACCESS_TOKEN = 'fakeAccessTokenQ3x9LmP2';
const FAKE_REFRESH_TOKEN = 'fakeRefreshTokenZ8w4KdT7';
const FAKE_CODE = 'fakeAuthorizationCodeR5v1';

function storedAccount(overrides: Partial<StoredAccount> = {}): StoredAccount {
  return storedOidcAccount(ISSUER, {
    tokens: { accessToken: FAKE_ACCESS_TOKEN, refreshToken: FAKE_REFRESH_TOKEN, expiresAtMs: undefined, issuedAtMs: 0 },
    ...overrides,
  });
}

/** Dependencies whose issuer and token manager answer as scripted; no network. */
function dependencies(
  account: StoredAccount | undefined,
  answer: TokenEndpointAnswer,
  refresh: () => Promise<string>,
  log = testLogger(),
): AccountCheckDependencies {
  return {
    configFor: () => oidcConfig(ISSUER, 'mailroom', { imap: { host: 'imap.example', port: 993 }, smtp: { host: 'smtp.example', port: 465 } }),
    storedAccount: (id) => (account?.id === id ? account : undefined),
    issuerFor: () => ({ metadata: async () => ({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` }), probeTokenEndpoint: async () => answer }),
    accessToken: refresh,
    clock: { now: () => Date.parse('2026-12-06T12:00:00Z') },
    logger: log,
  };
}

const healthyAnswer: TokenEndpointAnswer = {
  status: 400,
  error: 'invalid_grant',
  errorDescription: 'grant request is invalid',
  serverDate: 'Sun, 06 Dec 2026 12:00:01 GMT',
  receivedAtMs: Date.parse('2026-12-06T12:00:00Z'),
};

describe('Check Account: steps and report without servers', () => {
  it('checks a provider without an account: discovery and token endpoint pass, everything else is skipped with the reason', async () => {
    const report = await checkAccount(
      { provider: 'oidc' },
      dependencies(undefined, healthyAnswer, () => Promise.reject(new Error('not called'))),
    );
    assert.deepEqual(
      report.steps.map((step) => `${step.step}:${step.status}`),
      ['discovery:pass', 'tokenEndpoint:pass', 'grant:skipped', 'scopes:skipped', 'imap:skipped', 'folders:skipped', 'smtp:skipped'],
    );
    assert.match(report.steps[2].detail, /Sign in, then check again/);
  });

  it('keeps the spaces between the sentences and values a step puts together', async () => {
    const report = await checkAccount(
      { provider: 'oidc' },
      dependencies(undefined, healthyAnswer, () => Promise.reject(new Error('not called'))),
    );
    assert.match(
      report.steps[1].detail,
      /^The token endpoint answered a made-up refresh token with HTTP 400 `invalid_grant: grant request is invalid`\. It knows the client ID `mailroom`\. This computer's clock and the issuer's agree within 1 s\.$/,
    );
  });

  it("names a wrong client ID from the token endpoint's invalid_client and gives the setting to fix", async () => {
    const answer = { ...healthyAnswer, status: 401, error: 'invalid_client', errorDescription: 'client authentication failed' };
    const report = await checkAccount(
      { provider: 'oidc' },
      dependencies(undefined, answer, () => Promise.reject(new Error('not called'))),
    );
    const step = report.steps[1];
    assert.equal(step.status, 'fail');
    assert.equal(step.mistake?.id, 'wrongClientId');
    assert.match(renderCheckReport(report), /Known problem: The issuer does not know this client ID.*mailroom\.oidc\.clientId/);
  });

  it("names clock skew from the token endpoint's Date header", async () => {
    const answer = { ...healthyAnswer, serverDate: 'Sun, 06 Dec 2026 10:00:00 GMT' };
    const report = await checkAccount(
      { provider: 'oidc' },
      dependencies(undefined, answer, () => Promise.reject(new Error('not called'))),
    );
    assert.equal(report.steps[1].mistake?.id, 'clockSkew');
    assert.match(report.steps[1].mistake?.fix ?? '', /120 minutes ahead/);
  });

  it('a refused refresh fails the grant step and skips the mail servers; the scopes are still compared', async () => {
    const refusal = new MailroomError('SignInRequired', 'issuer.example no longer accepts this sign-in.');
    const report = await checkAccount(
      { accountId: storedAccount().id },
      dependencies(storedAccount(), healthyAnswer, () => Promise.reject(refusal)),
    );
    assert.deepEqual(
      report.steps.map((step) => `${step.step}:${step.status}`),
      ['discovery:pass', 'tokenEndpoint:pass', 'grant:fail', 'scopes:pass', 'imap:skipped', 'folders:skipped', 'smtp:skipped'],
    );
    assert.match(report.steps[2].fix ?? '', /Sign in again/);
  });

  it('the rendered report never contains a token, code or secret, even when an issuer or server echoes them', async () => {
    const log = testLogger();
    // The token manager registers every token it hands out with the log's redactor; the check relies on that.
    for (const secret of [FAKE_ACCESS_TOKEN, FAKE_REFRESH_TOKEN, FAKE_CODE]) {
      log.redactor.register(secret);
    }
    const echo = `bad token ${FAKE_ACCESS_TOKEN}, refresh ${FAKE_REFRESH_TOKEN}, code ${FAKE_CODE}`;
    const answer = { ...healthyAnswer, status: 401, error: 'invalid_client', errorDescription: echo };
    const account = storedAccount({ signInRequired: `The server refused ${FAKE_ACCESS_TOKEN}` });
    const report = await checkAccount(
      { accountId: account.id, earlierFailure: `Sign-in failed: ${echo}` },
      dependencies(account, answer, () => Promise.reject(new Error(echo)), log),
    );
    const rendered = renderCheckReport(report);
    assert.match(rendered, /bad token \[redacted\]/, 'the echo reached the report, masked');
    for (const secret of [FAKE_ACCESS_TOKEN, FAKE_REFRESH_TOKEN, FAKE_CODE]) {
      assert.ok(!rendered.includes(secret), `the report contains ${secret}`);
    }
  });

  it('quotes server words in code spans, so a Markdown link from a server is shown as text', async () => {
    const answer = { ...healthyAnswer, status: 401, error: 'invalid_client', errorDescription: '[click](command:workbench.action.openSettings) <img src=x>' };
    const rendered = renderCheckReport(
      await checkAccount(
        { provider: 'oidc' },
        dependencies(undefined, answer, () => Promise.reject(new Error('not called'))),
      ),
    );
    assert.ok(!rendered.includes('[click]('), 'no Markdown link survives');
    assert.match(rendered, /`invalid_client: \(click\)\(command:workbench\.action\.openSettings\) <img src=x>`/);
  });
});
