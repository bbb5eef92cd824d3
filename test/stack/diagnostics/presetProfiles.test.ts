// Check Account with the Gmail and Microsoft presets as shipped (only their hosts moved) against the stack's
// Google-like and Microsoft-like issuers: the provider mistakes named from what those issuers and servers
// really answer. Run in the stack layer (NODE_EXTRA_CA_CERTS trusts the test CA).
import * as assert from 'node:assert/strict';
import { providerConfig } from '../../../src/auth/presets';
import type { CheckTarget } from '../../../src/diagnostics/accountCheck';
import { checkAccount, checkDependenciesFor } from '../../../src/diagnostics/accountCheck';
import type { CheckReport } from '../../../src/diagnostics/checkResult';
import { renderCheckReport } from '../../../src/diagnostics/checkReport';
import { systemClock } from '../../../src/util/clock';
import type { Harness } from '../../support/auth/harness';
import { startProviderProfile } from '../profiles';
import type { ProviderProfile } from '../profiles';
import { BOB, movePresetTo, presetHarness, settingsFor } from '../providers/presetWorld';

function check(harness: Harness, profile: ProviderProfile, target: CheckTarget, tenant?: string): Promise<CheckReport> {
  const dependencies = checkDependenciesFor(harness.service, (kind) => providerConfig(kind, settingsFor(profile, tenant)), harness.logger, systemClock);
  return checkAccount(target, { ...dependencies, imapTimeouts: { connectMs: 5_000, commandMs: 10_000 } });
}

function statuses(report: CheckReport): string[] {
  return report.steps.map((step) => `${step.step}:${step.status}`);
}

describe('Check Account with the Microsoft preset against the Microsoft-like issuer', function () {
  this.timeout(60_000);
  let profile: ProviderProfile;
  let restorePreset: () => void;
  let harness: Harness | undefined;

  before(async () => {
    profile = await startProviderProfile({ kind: 'microsoft', redirectUris: ['code-oss://mailroom.mailroom/auth/microsoft'], personalAccounts: [BOB.email] });
    restorePreset = movePresetTo(profile);
  });

  after(async () => {
    restorePreset?.();
    await profile?.stop();
  });

  afterEach(() => {
    profile.smtpAuthDisabled.clear();
    harness?.dispose();
    harness = undefined;
  });

  it('names "SMTP AUTH disabled for this mailbox" from Exchange\'s 535 5.7.139 over STARTTLS; everything else passes', async () => {
    harness = presetHarness(profile);
    const account = await harness.service.signInOrThrow('microsoft');
    profile.smtpAuthDisabled.add(account.email);
    const report = await check(harness, profile, { accountId: account.id });
    assert.deepEqual(
      statuses(report),
      ['discovery:skipped', 'tokenEndpoint:pass', 'grant:pass', 'scopes:pass', 'imap:pass', 'folders:pass', 'smtp:fail'],
      renderCheckReport(report),
    );
    assert.match(report.steps[6].detail, /\(STARTTLS\) refused the sign-in/);
    assert.equal(report.steps[6].mistake?.id, 'smtpAuthDisabled');
    assert.match(renderCheckReport(report), /Known problem: SMTP AUTH is disabled for this mailbox \(Microsoft 365\)/);
  });

  it('names the wrong tenant type after a personal account was refused with the tenant organizations', async () => {
    harness = presetHarness(profile, { user: BOB, tenant: 'organizations', tryAnotherWay: false });
    const failure = await harness.service.signInOrThrow('microsoft').then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failure instanceof Error);
    const report = await check(harness, profile, { provider: 'microsoft', earlierFailure: failure.message }, 'organizations');
    assert.equal(report.earlierFailure?.mistake?.id, 'wrongTenantType');
    assert.match(report.earlierFailure?.mistake?.fix ?? '', /`common` or `consumers`/);
    assert.equal(report.steps[1].status, 'pass', 'the client ID itself is fine');
  });
});

describe('Check Account with the Gmail preset against the Google-like issuer', function () {
  this.timeout(60_000);
  const clientSecret = 'GOCSPX-mailroom-check-secret';
  const lifetimeSeconds = 2;
  let profile: ProviderProfile;
  let restorePreset: () => void;
  let harness: Harness | undefined;

  before(async () => {
    profile = await startProviderProfile({ kind: 'google', clientSecret, refreshTokenLifetimeSeconds: lifetimeSeconds });
    restorePreset = movePresetTo(profile);
  });

  after(async () => {
    restorePreset?.();
    await profile?.stop();
  });

  afterEach(() => harness?.dispose());

  it('names an app in "Testing" when the refresh token of a sign-in older than 7 days has expired', async () => {
    harness = presetHarness(profile);
    await harness.service.setClientSecret('google', clientSecret);
    const account = await harness.service.signInOrThrow('google');
    // The sign-in is dated 8 days back (the issuer's lifetime is shortened to seconds so the test can outlive it).
    await harness.store.put({ ...account, signedInAtMs: Date.now() - 8 * 86_400_000 });
    await harness.service.reload();
    await new Promise((resolve) => setTimeout(resolve, (lifetimeSeconds + 1) * 1000));
    const report = await check(harness, profile, { accountId: account.id });
    assert.deepEqual(statuses(report).slice(0, 3), ['discovery:skipped', 'tokenEndpoint:pass', 'grant:fail'], renderCheckReport(report));
    assert.equal(report.steps[2].mistake?.id, 'googleTestingExpiry');
    assert.match(report.steps[2].detail, /Signed in 8 days ago/);
    assert.match(renderCheckReport(report), /Known problem: Google app in Testing: refresh tokens end after 7 days\.\*\* Sign in again now\. .*Publish app/);
  });

  it('names a wrong client secret at the token endpoint', async () => {
    harness = presetHarness(profile);
    await harness.service.setClientSecret('google', 'GOCSPX-not-the-secret');
    const report = await check(harness, profile, { provider: 'google' });
    assert.equal(report.steps[1].status, 'fail', renderCheckReport(report));
    assert.equal(report.steps[1].mistake?.id, 'wrongClientId');
    assert.match(report.steps[1].mistake?.fix ?? '', /Set Google Client Secret/);
  });
});
