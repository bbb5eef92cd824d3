// [SEC-12] Test wiring moves a preset's hosts and nothing else, and only while it says so.
import * as assert from 'node:assert/strict';
import { allowedMailHosts } from '../../../src/auth/hostAllowLists';
import { providerConfig } from '../../../src/auth/presets';
import { usePresetEndpointsForTests } from '../../../src/auth/testPresetEndpoints';
import { oidcSettings } from '../../support/auth/fakes';

const settings = oidcSettings('https://issuer.test', 'client');
const LOCAL_ISSUER = 'https://127.0.0.2:8443';
const imapForTests = { host: '127.0.0.1', port: 10993, implicitTls: true };
const smtpForTests = { host: '127.0.0.1', port: 10587, implicitTls: false };

describe('test preset endpoints', () => {
  afterEach(() => usePresetEndpointsForTests('microsoft', undefined));

  it("[SEC-12] move the endpoints' origins and the mail servers; issuer, paths, scopes and the tenant template stay", () => {
    const shipped = providerConfig('microsoft', settings);
    usePresetEndpointsForTests('microsoft', { issuerOriginsForTests: { 'https://login.microsoftonline.com': LOCAL_ISSUER }, imapForTests, smtpForTests });
    const moved = providerConfig('microsoft', settings);
    assert.equal(moved.issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
    assert.equal(moved.staticMetadata?.issuer, shipped.staticMetadata?.issuer);
    assert.equal(moved.staticMetadata?.authorization_endpoint, `${LOCAL_ISSUER}/common/oauth2/v2.0/authorize`);
    assert.equal(moved.staticMetadata?.token_endpoint, `${LOCAL_ISSUER}/common/oauth2/v2.0/token`);
    assert.equal(moved.staticMetadata?.revocation_endpoint, undefined);
    assert.deepEqual(moved.scopes, shipped.scopes);
    assert.deepEqual([moved.imap, moved.smtp, moved.mailHosts], [imapForTests, smtpForTests, ['127.0.0.1']]);
    assert.deepEqual(allowedMailHosts({ provider: 'microsoft', mailHosts: [] }), ['127.0.0.1']);
    // The other preset is untouched.
    assert.equal(providerConfig('google', settings).imap.host, 'imap.gmail.com');
  });

  it('[SEC-12] leave the presets as shipped once test wiring clears them', () => {
    usePresetEndpointsForTests('microsoft', { issuerOriginsForTests: { 'https://login.microsoftonline.com': LOCAL_ISSUER }, imapForTests, smtpForTests });
    usePresetEndpointsForTests('microsoft', undefined);
    const config = providerConfig('microsoft', settings);
    assert.equal(config.staticMetadata?.token_endpoint, 'https://login.microsoftonline.com/common/oauth2/v2.0/token');
    assert.deepEqual(allowedMailHosts({ provider: 'microsoft', mailHosts: ['127.0.0.1'] }), ['outlook.office365.com', 'smtp.office365.com']);
  });
});
