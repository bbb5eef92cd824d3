import * as assert from 'node:assert/strict';
import { providerConfig } from '../../../src/auth/presets';
import { MailroomError } from '../../../src/util/errors';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';

describe('sign-in failures reach the person through one notice, with the provider and a way to try again', () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.dispose());

  it('a declined consent names its provider, and "Try Again" runs the same sign-in, which can then succeed', async () => {
    const issuer = new FakeIssuer();
    let declines = 1;
    harness = new Harness({
      configFor: (kind) => providerConfig(kind, oidcSettings(issuer.issuer, issuer.clientId)),
      fetchForTests: issuer.fetch,
      browser: (url, h) => deliverRedirect(issuer.authorize(url, { deny: declines-- > 0 }), (uri) => h.router.handleUri(uri)),
    });
    assert.equal(await harness.service.signIn('oidc'), undefined);
    assert.deepEqual(
      harness.failures.map(({ failure, provider }) => [failure.code, provider]),
      [['AccessDenied', 'oidc']],
    );
    const consentsBefore = harness.consents.length;
    harness.failures[0].retry();
    for (let wait = 0; wait < 100 && harness.service.list().length === 0; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(harness.consents.length, consentsBefore + 1, 'the retry asked for consent again');
    assert.deepEqual(
      harness.service.list().map((account) => account.email),
      ['alice@mailroom.test'],
    );
    assert.equal(harness.failures.length, 1);
  });

  it('a sign-in from the Accounts menu without a client ID names its provider, so "Set Up…" opens that provider\'s setup', async () => {
    harness = new Harness({
      configFor: (kind) => {
        throw new MailroomError('MissingClientId', `Set your OAuth client ID for ${kind} first.`);
      },
      browser: async () => undefined,
    });
    await assert.rejects(harness.providers.microsoft.createSession());
    assert.deepEqual(
      harness.failures.map(({ failure, provider }) => [failure.code, provider]),
      [['MissingClientId', 'microsoft']],
    );
  });
});
