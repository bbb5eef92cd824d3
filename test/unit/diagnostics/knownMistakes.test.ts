import * as assert from 'node:assert/strict';
import type { FailureEvidence, MistakeId } from '../../../src/diagnostics/knownMistakes';
import { recognizeMistake } from '../../../src/diagnostics/knownMistakes';

const DAY_MS = 86_400_000;

/** Each row: what a server or issuer answered, and the mistake Check Account must name (undefined: none). */
const ROWS: readonly (readonly [string, FailureEvidence, MistakeId | undefined])[] = [
  [
    'Microsoft SMTP 535 5.7.139',
    {
      provider: 'microsoft',
      protocol: 'smtp',
      responseCode: 535,
      text: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.',
    },
    'smtpAuthDisabled',
  ],
  [
    'SMTP AUTH disabled without the status code',
    { provider: 'microsoft', protocol: 'smtp', text: 'Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' },
    'smtpAuthDisabled',
  ],
  [
    'an ordinary SMTP 535 is no named mistake',
    { provider: 'microsoft', protocol: 'smtp', responseCode: 535, text: '535 5.7.3 Authentication unsuccessful' },
    undefined,
  ],
  [
    'Microsoft IMAP "authenticated but not connected"',
    { provider: 'microsoft', protocol: 'imap', text: 'AUTHENTICATE failed. User is authenticated but not connected.' },
    'imapDisabled',
  ],
  [
    "the same words from a custom issuer's IMAP server are no Microsoft mistake",
    { provider: 'oidc', protocol: 'imap', text: 'User is authenticated but not connected.' },
    undefined,
  ],
  ['Gmail IMAP turned off', { provider: 'google', protocol: 'imap', text: '[ALERT] Your account is not enabled for IMAP use.' }, 'imapDisabled'],
  [
    'Gmail invalid_grant after 8 days: app in Testing',
    { provider: 'google', oauthError: 'invalid_grant', text: 'Token has been expired or revoked.', grantAgeMs: 8 * DAY_MS },
    'googleTestingExpiry',
  ],
  ['Gmail sign-in required after exactly 7 days', { provider: 'google', errorCode: 'SignInRequired', grantAgeMs: 7 * DAY_MS }, 'googleTestingExpiry'],
  ['Gmail invalid_grant after 2 days is a plain revocation', { provider: 'google', oauthError: 'invalid_grant', grantAgeMs: 2 * DAY_MS }, undefined],
  ['Gmail invalid_grant with an unknown sign-in date', { provider: 'google', oauthError: 'invalid_grant' }, undefined],
  [
    "Microsoft invalid_grant after 8 days is not Google's Testing limit",
    { provider: 'microsoft', oauthError: 'invalid_grant', grantAgeMs: 8 * DAY_MS },
    undefined,
  ],
  [
    'personal account with organizations (AADSTS50020)',
    { provider: 'microsoft', text: "AADSTS50020: User account 'x@outlook.com' from identity provider 'live.com' does not exist in tenant." },
    'wrongTenantType',
  ],
  [
    "personal account with organizations (Mailroom's own check)",
    {
      provider: 'microsoft',
      errorCode: 'InvalidResponse',
      text: 'A personal Microsoft account signed in, but the tenant setting allows only work or school accounts.',
    },
    'wrongTenantType',
  ],
  [
    'single-tenant app used with common (AADSTS50194)',
    { provider: 'microsoft', text: 'AADSTS50194: Application is not configured as a multi-tenant application.' },
    'wrongTenantType',
  ],
  [
    'work account with consumers',
    { provider: 'microsoft', text: 'A work or school account signed in, but the tenant setting allows only personal Microsoft accounts.' },
    'wrongTenantType',
  ],
  ['clock 2 hours ahead of the issuer', { provider: 'oidc', clockSkewMs: 2 * 60 * 60_000 }, 'clockSkew'],
  [
    'clock 10 minutes behind, while the client is also unknown: the clock comes first',
    { provider: 'oidc', oauthError: 'invalid_client', clockSkewMs: -10 * 60_000 },
    'clockSkew',
  ],
  ['clocks 30 s apart are fine', { provider: 'oidc', clockSkewMs: 30_000 }, undefined],
  [
    'Microsoft AADSTS700024 (assertion outside its time range)',
    { provider: 'microsoft', text: 'AADSTS700024: Client assertion is not within its valid time range.' },
    'clockSkew',
  ],
  ['Google redirect_uri_mismatch', { provider: 'google', oauthError: 'redirect_uri_mismatch' }, 'redirectUriNotRegistered'],
  [
    'Microsoft AADSTS50011',
    { provider: 'microsoft', text: 'AADSTS50011: The redirect URI specified in the request does not match.' },
    'redirectUriNotRegistered',
  ],
  [
    'oidc-provider redirect_uri did not match',
    { provider: 'oidc', text: "invalid_redirect_uri: redirect_uri did not match any of the client's registered redirect_uris" },
    'redirectUriNotRegistered',
  ],
  ['invalid_client', { provider: 'oidc', oauthError: 'invalid_client', text: 'client authentication failed' }, 'wrongClientId'],
  ['unauthorized_client', { provider: 'microsoft', oauthError: 'unauthorized_client' }, 'wrongClientId'],
  [
    "Mailroom's InvalidClient",
    { provider: 'google', errorCode: 'InvalidClient', text: "Gmail did not accept Mailroom's client ID (or client secret)." },
    'wrongClientId',
  ],
  [
    'Microsoft AADSTS700016 (application not found)',
    { provider: 'microsoft', oauthError: 'invalid_request', text: "AADSTS700016: Application with identifier 'x' was not found in the directory." },
    'wrongClientId',
  ],
  ['a network failure is no named mistake', { provider: 'oidc', errorCode: 'NetworkError', text: 'Mailroom could not reach 127.0.0.2.' }, undefined],
];

describe('Check Account: known provider mistakes', () => {
  for (const [name, evidence, expected] of ROWS) {
    it(`${name} → ${expected ?? 'none'}`, () => {
      const mistake = recognizeMistake(evidence);
      assert.equal(mistake?.id, expected);
      if (mistake) {
        assert.ok(mistake.title.length > 0 && mistake.fix.length > 20, 'a named mistake comes with a fix');
      }
    });
  }

  it('gives each provider its own fix for a wrong client ID', () => {
    const fixes = (['google', 'microsoft', 'oidc'] as const).map((provider) => recognizeMistake({ provider, oauthError: 'invalid_client' })?.fix ?? '');
    assert.match(fixes[0], /mailroom\.google\.clientId/);
    assert.match(fixes[1], /mailroom\.microsoft\.clientId/);
    assert.match(fixes[2], /mailroom\.oidc\.clientId/);
  });

  it('says which way and how far the clock is off', () => {
    assert.match(recognizeMistake({ provider: 'oidc', clockSkewMs: -90 * 60_000 })?.fix ?? '', /90 minutes behind/);
    assert.match(recognizeMistake({ provider: 'oidc', clockSkewMs: 6 * 60_000 })?.fix ?? '', /6 minutes ahead/);
  });

  it('tells a personal account with organizations to use common or consumers, a work account with consumers the opposite', () => {
    assert.match(recognizeMistake({ provider: 'microsoft', text: 'AADSTS50020: …' })?.fix ?? '', /`common` or `consumers`/);
    assert.match(
      recognizeMistake({ provider: 'microsoft', text: 'AADSTS9002331: Application is configured for use by Microsoft Account users only.' })?.fix ?? '',
      /`common`, `organizations`/,
    );
  });
});
