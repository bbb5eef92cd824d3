// The Gmail preset, as shipped except for its hosts, against the Google-like profile of the local stack:
// loopback sign-in with the desktop client's secret, both spellings of Google's issuer, reading over IMAP,
// sending with the server filing the copy in Sent, refresh without rotation, expiry of a "Testing" app's
// refresh token, and sign-out that revokes. Run in the stack layer (NODE_EXTRA_CA_CERTS trusts the test CA).
import * as assert from 'node:assert/strict';
import { fetchNewestRows } from '../../../src/mail/mailbox';
import { isMailroomError } from '../../../src/util/errors';
import { storedRefreshTokens } from '../../support/auth/fakes';
import type { Harness } from '../../support/auth/harness';
import { GOOGLE_ISSUER, GOOGLE_ISSUER_WITHOUT_SCHEME, startProviderProfile } from '../profiles';
import type { ProviderProfile } from '../profiles';
import { ALICE, BOB, MailWorld, countByMessageId, imapGreeting, movePresetTo, plainMessage, presetHarness, rawMessage, tokenRequest } from './presetWorld';

const CLIENT_SECRET = 'GOCSPX-mailroom-test-secret';
/** "Testing" mode, shortened from Google's 7 days so that a test can outlive a refresh token. */
const REFRESH_TOKEN_LIFETIME_SECONDS = 4;

describe('Gmail preset against the Google-like issuer', function () {
  this.timeout(60_000);
  let profile: ProviderProfile;
  let restorePreset: () => void;
  let harness: Harness | undefined;
  let world: MailWorld | undefined;

  before(async () => {
    profile = await startProviderProfile({ kind: 'google', clientSecret: CLIENT_SECRET, refreshTokenLifetimeSeconds: REFRESH_TOKEN_LIFETIME_SECONDS });
    restorePreset = movePresetTo(profile);
  });

  after(async () => {
    restorePreset?.();
    await profile?.stop();
  });

  afterEach(async () => {
    await world?.dispose();
    harness?.dispose();
    world = undefined;
    harness = undefined;
  });

  async function signedIn(): Promise<{ harness: Harness; id: string }> {
    harness = presetHarness(profile);
    await harness.service.setClientSecret('google', CLIENT_SECRET);
    const account = await harness.service.signInOrThrow('google');
    return { harness, id: account.id };
  }

  it("the issuer offers its discovery document under Google's issuer and its IMAP server XOAUTH2 and OAUTHBEARER", async () => {
    const discovery = (await (await fetch(`${profile.issuer.origin}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      revocation_endpoint: string;
    };
    assert.equal(discovery.issuer, GOOGLE_ISSUER);
    assert.equal(discovery.revocation_endpoint, `${profile.issuer.origin}/revoke`);
    const greeting = await imapGreeting(profile);
    assert.match(greeting, /AUTH=XOAUTH2/);
    assert.match(greeting, /AUTH=OAUTHBEARER/);
  });

  it('signs in through loopback with the client secret; both issuer spellings name one account', async () => {
    const first = await signedIn();
    const account = first.harness.service.list()[0];
    assert.equal(account.email, ALICE.email);
    assert.equal(account.provider, 'google');
    assert.deepEqual(first.harness.events, ['consent', 'browser']);
    assert.match(profile.issuer.authorizationRedirects.at(-1) ?? '', /^http:\/\/127\.0\.0\.1:\d+\//);
    const [stored] = first.harness.service.storedAccounts('google');
    assert.equal(stored.issuer, GOOGLE_ISSUER);
    first.harness.dispose();
    // The issuer alternates `https://accounts.google.com` and `accounts.google.com`: the next sign-in gets the other.
    const second = await signedIn();
    const [firstIssuer, secondIssuer] = profile.issuer.idTokenClaims.slice(-2).map((claims) => claims.iss);
    assert.deepEqual(new Set([firstIssuer, secondIssuer]), new Set([GOOGLE_ISSUER, GOOGLE_ISSUER_WITHOUT_SCHEME]), 'the two sign-ins got both spellings');
    assert.equal(second.id, first.id);
    assert.equal(second.harness.service.storedAccounts('google')[0].issuer, GOOGLE_ISSUER);
  });

  it('without the client secret Mailroom asks for it; with a wrong one the token endpoint refuses the sign-in', async () => {
    harness = presetHarness(profile, { tryAnotherWay: false });
    const missing = await harness.service.signInOrThrow('google').then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isMailroomError(missing, 'MissingClientSecret'), `expected MissingClientSecret, got ${String(missing)}`);

    await harness.service.setClientSecret('google', 'GOCSPX-not-this-one');
    const exchanges = profile.issuer.calls.authorization_code;
    const wrong = await harness.service.signInOrThrow('google').then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isMailroomError(wrong, 'InvalidClient'), `expected InvalidClient, got ${String(wrong)}`);
    assert.equal(profile.issuer.calls.authorization_code, exchanges + 1, 'the issuer saw the exchange and refused it');
    assert.equal(harness.service.list().length, 0);
  });

  it('reads the inbox, and a sent mail is filed in Sent once, by the server', async () => {
    const { harness: signedInHarness, id } = await signedIn();
    await profile.deliver(ALICE.email, rawMessage(BOB.email, ALICE.email, 'hello from bob (google-like)'));
    world = new MailWorld(signedInHarness);
    const account = signedInHarness.service.list().find((candidate) => candidate.id === id);
    assert.ok(account);
    assert.equal(account.serverSavesSent, true);
    const inbox = await fetchNewestRows(world.sessions.get(account), 'INBOX', 50);
    assert.ok(
      inbox.rows.some((row) => row.subject === 'hello from bob (google-like)'),
      inbox.rows.map((row) => row.subject).join(', '),
    );

    const outcome = await world.outbox.send(account, plainMessage(ALICE.email, BOB.email, 'sent through the gmail preset'));
    assert.equal(outcome.status, 'sent', outcome.status === 'failed' ? outcome.error.message : '');
    assert.ok(outcome.status === 'sent' && outcome.inSent);
    assert.equal(profile.submissions.at(-1)?.from, ALICE.email);
    assert.equal(await countByMessageId(profile, ALICE.email, 'Sent', outcome.messageId), 1, 'filed by the server once, not also by Mailroom');
    assert.equal(await countByMessageId(profile, BOB.email, 'INBOX', outcome.messageId), 1);
  });

  it('refreshes without rotation; once the "Testing" refresh token expired, the account must sign in again', async () => {
    const { harness: signedInHarness, id } = await signedIn();
    const [refreshToken] = storedRefreshTokens(signedInHarness.secrets);
    const before = await signedInHarness.service.getAccessToken(id, profile.imap.host);
    const refreshes = profile.issuer.calls.refresh_token;
    const renewed = await signedInHarness.service.getAccessToken(id, profile.imap.host, { forceRefresh: true });
    assert.notEqual(renewed, before);
    assert.equal(profile.issuer.calls.refresh_token, refreshes + 1);
    assert.deepEqual(storedRefreshTokens(signedInHarness.secrets), [refreshToken], 'Google keeps the refresh token: Mailroom keeps it too');

    await new Promise((resolve) => setTimeout(resolve, (REFRESH_TOKEN_LIFETIME_SECONDS + 1) * 1000));
    const failure = await signedInHarness.service.getAccessToken(id, profile.imap.host, { forceRefresh: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isMailroomError(failure, 'SignInRequired'), `expected SignInRequired, got ${String(failure)}`);
    assert.match(failure.message, /^Gmail no longer accepts this sign-in .*Please sign in again\./);
    assert.match(failure.message, /Token has been expired or revoked\./, "the issuer's own words are passed on");
    assert.equal(signedInHarness.service.list().length, 0, 'the account is no longer usable until it signs in again');
    assert.ok(signedInHarness.service.allStoredAccounts().some((account) => account.id === id && account.signInRequired !== undefined));
  });

  it("sign-out revokes the grant at Google's revocation endpoint", async () => {
    const { harness: signedInHarness, id } = await signedIn();
    const accessToken = await signedInHarness.service.getAccessToken(id, profile.imap.host);
    const [refreshToken] = storedRefreshTokens(signedInHarness.secrets);
    assert.equal(profile.issuer.introspect(accessToken).active, true);
    const revocations = profile.issuer.calls.revocation;
    assert.equal(await signedInHarness.service.signOut(id), 'revoked');
    assert.equal(profile.issuer.calls.revocation, revocations + 1);
    assert.equal(profile.issuer.introspect(accessToken).active, false);
    const reuse = await tokenRequest(`${profile.issuer.origin}/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: profile.clientId,
      client_secret: CLIENT_SECRET,
    });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.deepEqual(signedInHarness.service.allStoredAccounts(), []);
  });
});
