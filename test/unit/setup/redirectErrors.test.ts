import * as assert from 'node:assert/strict';
import { validateCallback } from '../../../src/auth/callback';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import { isMailroomError } from '../../../src/util/errors';
import type { MailroomErrorCode } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { oidcConfig } from '../../support/auth/fakes';

const ISSUER = 'https://issuer.test';

function newAttempt(pendingSignIns: PendingSignIns): ReturnType<PendingSignIns['create']> {
  return pendingSignIns.create({
    provider: 'oidc',
    flow: 'loopback',
    issuer: ISSUER,
    issRequired: false,
    issuerName: 'issuer.test',
    clientId: 'mailroom-test',
    redirectUri: 'http://127.0.0.1:4000/callback',
    callbackPath: '/callback',
    scopes: ['openid', 'email'],
  });
}

function callbackErrorCode(error: string, description?: string): MailroomErrorCode | undefined {
  const pendingSignIns = new PendingSignIns();
  const attempt = newAttempt(pendingSignIns);
  const query = new URLSearchParams({ error, state: attempt.state, ...(description === undefined ? {} : { error_description: description }) });
  const outcome = validateCallback({ path: '/callback', query }, pendingSignIns);
  return outcome.kind === 'error' ? outcome.error.code : undefined;
}

describe('"redirect URI not registered", in each issuer\'s words', () => {
  it("is recognised in the redirect: Google's, Keycloak's and Entra's answers; other invalid requests stay what they were", () => {
    const rows: readonly (readonly [string, string | undefined, MailroomErrorCode])[] = [
      ['redirect_uri_mismatch', undefined, 'RedirectUriNotRegistered'],
      ['invalid_redirect_uri', 'Invalid parameter: redirect_uri', 'RedirectUriNotRegistered'],
      [
        'invalid_request',
        "AADSTS50011: The redirect URI 'vscode://mailroom.mailroom/auth/microsoft' specified in the request does not match the redirect URIs configured for the application.",
        'RedirectUriNotRegistered',
      ],
      ['invalid_client', 'AADSTS50011: The reply URL specified in the request does not match.', 'RedirectUriNotRegistered'],
      ['invalid_request', 'AADSTS900144: The request body must contain the following parameter: client_id.', 'InvalidClient'],
      ['invalid_request', 'AADSTS500113: No reply address is registered for the application.', 'InvalidClient'],
      ['access_denied', 'The user denied the request.', 'AccessDenied'],
    ];
    for (const [error, description, code] of rows) {
      assert.equal(callbackErrorCode(error, description), code, `${error}: ${description ?? ''}`);
    }
  });

  it('is recognised at the token endpoint (Google answers redirect_uri_mismatch when the exchange names another URI)', async () => {
    const issuer = new FakeIssuer(ISSUER);
    const client = new OAuthClient(oidcConfig(issuer.issuer, issuer.clientId), withTestTransport({}, { fetchForTests: issuer.fetch }));
    const pending = newAttempt(new PendingSignIns());
    const callback = new URL(issuer.authorize(await client.authorizationUrl(pending)));
    issuer.tokenOverrides.push(() => Response.json({ error: 'redirect_uri_mismatch', error_description: 'Bad Request' }, { status: 400 }));
    const failure = await client.exchangeCode(pending, callback.searchParams).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isMailroomError(failure, 'RedirectUriNotRegistered'), String(failure));
    assert.match(failure.message, /redirect URI/);
  });
});
