import * as assert from 'node:assert/strict';
import { isAllowedMailHost, isAllowedVerificationUri } from '../../../src/auth/hostAllowLists';
import { canonicalIssuer, resolveIdTokenIssuer } from '../../../src/auth/idTokenIssuer';
import { providerConfig } from '../../../src/auth/presets';
import { explainScope } from '../../../src/auth/scopes';
import { isMailroomError } from '../../../src/util/errors';
import { oidcSettings } from '../../support/auth/fakes';

const settings = oidcSettings('https://issuer.test', 'client');

describe('provider presets', () => {
  it('[SEC-11] asks each provider for the minimum mail scopes, never Graph scopes for Microsoft', () => {
    assert.deepEqual(providerConfig('google', settings).scopes, ['https://mail.google.com/', 'openid', 'email']);
    const microsoft = providerConfig('microsoft', settings).scopes;
    assert.deepEqual(microsoft, [
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'https://outlook.office.com/SMTP.Send',
      'offline_access',
      'openid',
      'email',
    ]);
    assert.ok(microsoft.every((scope) => !scope.includes('graph.microsoft.com')));
    for (const scope of [...microsoft, 'https://mail.google.com/']) {
      assert.ok(!explainScope(scope).includes('does not know'), `${scope} has a plain-words explanation`);
    }
  });

  it("[SEC-13] Google needs the user's client secret; Microsoft and custom issuers are public clients", () => {
    assert.equal(providerConfig('google', settings).requiresClientSecret, true);
    assert.equal(providerConfig('microsoft', settings).requiresClientSecret, false);
    assert.equal(providerConfig('oidc', settings).requiresClientSecret, false);
  });

  it("[SEC-19] allows each provider's tokens only to its own mail hosts", () => {
    const google = providerConfig('google', settings);
    assert.ok(isAllowedMailHost(google, 'imap.gmail.com'));
    assert.ok(isAllowedMailHost(google, 'SMTP.gmail.com.'));
    assert.ok(!isAllowedMailHost(google, 'imap.gmail.com.evil.test'));
    assert.ok(!isAllowedMailHost(google, 'outlook.office365.com'));
    assert.ok(!isAllowedMailHost(providerConfig('microsoft', settings), 'imap.gmail.com'));
  });

  it('[SEC-12] refuses a custom issuer or forwarding redirect that is not https', () => {
    for (const bad of [oidcSettings('http://issuer.test', 'c'), oidcSettings('https://issuer.test', 'c', { redirectUri: 'http://issuer.test/redirect' })]) {
      assert.throws(
        () => providerConfig('oidc', bad),
        (error: unknown) => isMailroomError(error, 'InsecureEndpoint'),
      );
    }
  });

  it('explains a missing client ID instead of starting a sign-in', () => {
    assert.throws(
      () => providerConfig('google', { ...settings, google: { clientId: ' ' } }),
      (error: unknown) => isMailroomError(error, 'MissingClientId'),
    );
  });

  it('always asks a custom issuer for openid, since accounts are keyed on the ID token', () => {
    const config = providerConfig('oidc', oidcSettings('https://issuer.test', 'c', { scopes: ['mail'] }));
    assert.deepEqual(config.scopes, ['openid', 'mail']);
    assert.deepEqual(config.mailScopes, ['mail']);
  });

  describe('Microsoft templated issuer', () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const consumers = '9188040d-6c67-4c5b-b112-36a304b66dad';
    const withTenant = (value: string): ReturnType<typeof providerConfig> =>
      providerConfig('microsoft', { ...settings, microsoft: { clientId: 'id', tenant: value } });

    it("resolves {tenantid} from the token's tid for common", () => {
      assert.equal(withTenant('common').issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
      assert.equal(resolveIdTokenIssuer(withTenant('common'), { tid: tenant }), `https://login.microsoftonline.com/${tenant}/v2.0`);
    });

    it('keeps personal and work accounts apart for consumers and organizations, and rejects a malformed tid', () => {
      assert.throws(() => resolveIdTokenIssuer(withTenant('consumers'), { tid: tenant }));
      assert.equal(resolveIdTokenIssuer(withTenant('consumers'), { tid: consumers }), `https://login.microsoftonline.com/${consumers}/v2.0`);
      assert.throws(() => resolveIdTokenIssuer(withTenant('organizations'), { tid: consumers }));
      assert.throws(() => resolveIdTokenIssuer(withTenant('common'), { tid: '../evil' }));
      assert.throws(() => resolveIdTokenIssuer(withTenant('common'), { tid: undefined }));
    });

    it('uses a fixed issuer when the tenant is an ID', () => {
      const config = withTenant(tenant);
      assert.equal(config.issuer, `https://login.microsoftonline.com/${tenant}/v2.0`);
      assert.equal(resolveIdTokenIssuer(config, { tid: 'anything' }), config.issuer);
    });

    it("accepts both spellings of Google's issuer and keys accounts on one of them", () => {
      const google = providerConfig('google', settings);
      assert.equal(resolveIdTokenIssuer(google, { iss: 'accounts.google.com' }), 'accounts.google.com');
      assert.equal(resolveIdTokenIssuer(google, { iss: 'https://accounts.google.com' }), 'https://accounts.google.com');
      assert.equal(resolveIdTokenIssuer(google, { iss: 'https://evil.test' }), 'https://accounts.google.com');
      assert.equal(canonicalIssuer(google, 'accounts.google.com'), 'https://accounts.google.com');
    });

    it('rejects a tenant setting that could change the endpoint path', () => {
      assert.throws(() => withTenant('common/../../evil'));
    });
  });

  it("[SEC-33] accepts only https verification URIs on the issuer's host or the preset's hosts", () => {
    const oidc = providerConfig('oidc', settings);
    assert.ok(isAllowedVerificationUri(oidc, 'https://issuer.test/device'));
    assert.ok(!isAllowedVerificationUri(oidc, 'http://issuer.test/device'));
    assert.ok(!isAllowedVerificationUri(oidc, 'https://evil.test/device'));
    assert.ok(!isAllowedVerificationUri(oidc, 'https://issuer.test@evil.test/device'));
    assert.ok(!isAllowedVerificationUri(oidc, 'javascript:alert(1)'));
    assert.ok(isAllowedVerificationUri(providerConfig('microsoft', settings), 'https://microsoft.com/devicelogin'));
  });
});
