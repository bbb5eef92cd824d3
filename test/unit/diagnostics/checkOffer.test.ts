import * as assert from 'node:assert/strict';
import { providerConfig } from '../../../src/auth/presets';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { Harness } from '../../support/auth/harness';

describe('Check Account offered after a failed sign-in', () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.dispose());

  function harnessFor(issuer: FakeIssuer, deny = false): Harness {
    return new Harness({
      configFor: (kind) => providerConfig(kind, oidcSettings(issuer.issuer, issuer.clientId)),
      fetchForTests: issuer.fetch,
      browser: (url, h) => deliverRedirect(issuer.authorize(url, { deny }), (uri) => h.router.handleUri(uri)),
    });
  }

  it('offers it for the provider whose sign-in failed', async () => {
    const issuer = new FakeIssuer();
    issuer.grantedScope = 'openid email offline_access';
    harness = harnessFor(issuer);
    assert.equal(await harness.service.signIn('oidc'), undefined);
    assert.deepEqual(harness.checkOffers, ['oidc']);
  });

  it('does not offer it when the person declined: nothing is wrong with the account', async () => {
    harness = harnessFor(new FakeIssuer(), true);
    assert.equal(await harness.service.signIn('oidc'), undefined);
    assert.match(harness.messages.at(-1) ?? '', /declined/);
    assert.deepEqual(harness.checkOffers, [undefined]);
  });
});
