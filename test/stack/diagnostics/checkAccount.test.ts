// Check Account against the local stack: a real sign-in through the product's own account service and
// token manager, then every step against the real oidc-provider, Dovecot and SMTP server, healthy and
// deliberately broken. Run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem (npm test does).
import * as assert from 'node:assert/strict';
import type { SMTPServer } from 'smtp-server';
import type { ProviderKind } from '../../../src/auth/accountApi';
import { providerConfig } from '../../../src/auth/presets';
import type { ProviderConfig, ProviderSettings } from '../../../src/auth/providerConfig';
import type { StoredAccount } from '../../../src/auth/tokenStore';
import type { CheckTarget } from '../../../src/diagnostics/accountCheck';
import { checkAccount, checkDependenciesFor } from '../../../src/diagnostics/accountCheck';
import type { CheckReport } from '../../../src/diagnostics/checkResult';
import { renderCheckReport } from '../../../src/diagnostics/checkReport';
import type { Clock } from '../../../src/util/clock';
import { systemClock } from '../../../src/util/clock';
import { deliverRedirect, oidcSettings, storedRefreshTokens } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';
import { isPortClosed, startStack } from '..';
import type { Stack } from '..';
import { findFreePort } from '../ports';
import { loadTlsFixtures } from '../tlsFixtures';

const SMTP_AUTH_DISABLED = '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.';

/** An SMTP server that answers every AUTH as Microsoft 365 does for a mailbox with SMTP AUTH turned off. */
async function startSmtpAuthDisabledServer(): Promise<{ server: SMTPServer; port: number }> {
  const { SMTPServer: Server } = await import('smtp-server');
  const tls = loadTlsFixtures();
  const server = new Server({
    secure: true,
    key: tls.key,
    cert: tls.cert,
    authMethods: ['XOAUTH2'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(Object.assign(new Error(SMTP_AUTH_DISABLED), { responseCode: 535 })),
  });
  const port = await findFreePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
}

function statuses(report: CheckReport): string[] {
  return report.steps.map((step) => `${step.step}:${step.status}`);
}

describe('Check Account against the local stack', function () {
  this.timeout(60_000);
  let stack: Stack;
  let harness: Harness | undefined;

  before(async () => {
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem');
    stack = await startStack();
  });

  after(async () => {
    await stack?.stop();
  });

  afterEach(() => harness?.dispose());

  /** The stack as a custom OpenID Connect provider; `change` breaks one setting. */
  function settings(change: Partial<ProviderSettings['oidc']> = {}): ProviderSettings {
    return oidcSettings(stack.issuer, stack.clientId, {
      scopes: ['openid', 'email', 'offline_access', stack.mailScope],
      imap: { host: stack.imap.host, port: stack.imap.port },
      smtp: { host: stack.smtp.host, port: stack.smtp.port },
      ...change,
    });
  }

  function newHarness(configFor: (kind: ProviderKind) => ProviderConfig, clock: Clock = systemClock): Harness {
    return new Harness({
      configFor,
      clock,
      environment: { extensionHost: 'remote', uiKind: 'web' },
      browser: async (url, h) => deliverRedirect(await stack.authorize(url, stack.users[0]), (uri) => h.router.handleUri(uri)),
    });
  }

  /** Signs alice in with `oidc` settings through the product's account service. */
  async function signedIn(
    change: Partial<ProviderSettings['oidc']> = {},
  ): Promise<{ h: Harness; account: StoredAccount; configFor: (kind: ProviderKind) => ProviderConfig }> {
    const configFor = (kind: ProviderKind): ProviderConfig => providerConfig(kind, settings(change));
    const h = newHarness(configFor);
    harness = h;
    return { h, account: await h.service.signInOrThrow('oidc'), configFor };
  }

  async function check(h: Harness, configFor: (kind: ProviderKind) => ProviderConfig, target: CheckTarget, clock: Clock = systemClock): Promise<CheckReport> {
    const dependencies = { ...checkDependenciesFor(h.service, configFor, h.logger, clock), imapTimeouts: { connectMs: 5_000, commandMs: 10_000 } };
    return checkAccount(target, dependencies);
  }

  it('a healthy account passes every step, renews its grant through the token manager, sends nothing and shows no token', async () => {
    const { h, account, configFor } = await signedIn();
    const refreshTokensBefore = storedRefreshTokens(h.secrets);
    const submissionsBefore = stack.submissions.length;
    const report = await check(h, configFor, { accountId: account.id });
    assert.deepEqual(
      statuses(report),
      ['discovery:pass', 'tokenEndpoint:pass', 'grant:pass', 'scopes:pass', 'imap:pass', 'folders:pass', 'smtp:pass'],
      renderCheckReport(report),
    );
    // The stack rotates refresh tokens: the refresh went through the token manager, which stored the new one.
    assert.notDeepEqual(storedRefreshTokens(h.secrets), refreshTokensBefore);
    assert.equal(stack.submissions.length, submissionsBefore, 'no mail was sent');
    assert.match(report.steps[4].detail, /certificate verified, the access token accepted \(IMAP AUTHENTICATE\), \d+ folders listed/);
    assert.match(report.steps[5].detail, /Sent is `Sent`, Drafts is `Drafts`/);
    const rendered = renderCheckReport(report);
    assert.ok(!rendered.includes('[redacted]'), 'a healthy report has nothing to mask');
    for (const issued of stack.issuedTokens()) {
      assert.ok(!rendered.includes(issued.value), `the report contains a ${issued.kind}`);
    }
  });

  it('a wrong client ID fails at the token endpoint with the named mistake and the setting to fix', async () => {
    const configFor = (kind: ProviderKind): ProviderConfig =>
      providerConfig(kind, oidcSettings(stack.issuer, 'mailroom-no-such-client', { scopes: ['openid', 'email', 'offline_access', stack.mailScope] }));
    harness = newHarness(configFor);
    const report = await check(harness, configFor, { provider: 'oidc' });
    assert.deepEqual(statuses(report), [
      'discovery:pass',
      'tokenEndpoint:fail',
      'grant:skipped',
      'scopes:skipped',
      'imap:skipped',
      'folders:skipped',
      'smtp:skipped',
    ]);
    assert.equal(report.steps[1].mistake?.id, 'wrongClientId');
    assert.match(renderCheckReport(report), /invalid_client.*\n\n\*\*Known problem: The issuer does not know this client ID.*`mailroom\.oidc\.clientId`/);
  });

  it("a clock two hours fast is named from the issuer's Date header", async () => {
    const fast: Clock = { now: () => Date.now() + 2 * 60 * 60_000, sleep: systemClock.sleep };
    const configFor = (kind: ProviderKind): ProviderConfig => providerConfig(kind, settings());
    harness = newHarness(configFor, fast);
    const report = await check(harness, configFor, { provider: 'oidc' }, fast);
    assert.equal(report.steps[1].status, 'fail');
    assert.equal(report.steps[1].mistake?.id, 'clockSkew');
    assert.match(report.steps[1].mistake?.fix ?? '', /120 minutes ahead/);
  });

  it('IMAP down: the IMAP step cannot reach the port, folders are skipped, SMTP still passes', async () => {
    const closedPort = await findFreePort();
    assert.ok(await isPortClosed(closedPort));
    const { h, account, configFor } = await signedIn({ imap: { host: stack.imap.host, port: closedPort } });
    const report = await check(h, configFor, { accountId: account.id });
    assert.deepEqual(statuses(report), ['discovery:pass', 'tokenEndpoint:pass', 'grant:pass', 'scopes:pass', 'imap:fail', 'folders:skipped', 'smtp:pass']);
    assert.match(report.steps[4].detail, new RegExp(`Could not reach \`127\\.0\\.0\\.1:${closedPort}\` \\(implicit TLS\\) \\(ECONNREFUSED\\)`));
    assert.match(report.steps[4].fix ?? '', /host and port/);
  });

  it('a grant revoked at the issuer fails the refresh, says to sign in again, and skips the mail servers', async () => {
    const { h, account, configFor } = await signedIn();
    await stack.revokeUserGrants(account.email);
    const report = await check(h, configFor, { accountId: account.id });
    assert.deepEqual(statuses(report), [
      'discovery:pass',
      'tokenEndpoint:pass',
      'grant:fail',
      'scopes:pass',
      'imap:skipped',
      'folders:skipped',
      'smtp:skipped',
    ]);
    assert.match(report.steps[2].fix ?? '', /Sign in again/);
    // The normal path: the token manager itself marked the account "sign-in required" and deleted its tokens.
    const stored = await h.store.get(account.id);
    assert.ok(stored?.signInRequired !== undefined && stored.tokens === undefined);
  });

  it("SMTP AUTH refused with Microsoft's 5.7.139 is named, with the administrator's fix; IMAP still passes", async () => {
    const refusing = await startSmtpAuthDisabledServer();
    try {
      const { h, account, configFor } = await signedIn({ smtp: { host: stack.smtp.host, port: refusing.port } });
      const report = await check(h, configFor, { accountId: account.id });
      assert.deepEqual(
        statuses(report),
        ['discovery:pass', 'tokenEndpoint:pass', 'grant:pass', 'scopes:pass', 'imap:pass', 'folders:pass', 'smtp:fail'],
        renderCheckReport(report),
      );
      assert.equal(report.steps[6].mistake?.id, 'smtpAuthDisabled');
      assert.match(report.steps[6].detail, /refused the sign-in.*5\.7\.139/);
      assert.match(report.steps[6].mistake?.fix ?? '', /SmtpClientAuthenticationDisabled \$false/);
    } finally {
      await new Promise<void>((resolve) => refusing.server.close(() => resolve()));
    }
  });
});
