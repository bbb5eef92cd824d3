// The Microsoft 365 / Outlook.com preset, as shipped except for its hosts, against the Microsoft-like profile
// of the local stack: sign-in through the editor's URI handler (desktop) and through loopback, the templated
// issuer of the multi-tenant endpoints and the tenant-specific `iss`, reading over IMAP (XOAUTH2 only),
// sending over STARTTLS, refresh tokens that rotate without reuse detection, sign-out without a revocation
// endpoint, and Exchange Online's "SMTP AUTH disabled" answer. Run in the stack layer.
import * as assert from 'node:assert/strict';
import { fetchNewestRows } from '../../../src/mail/mailbox';
import { isMailroomError } from '../../../src/util/errors';
import { storedRefreshTokens } from '../../support/auth/fakes';
import type { Harness } from '../../support/auth/harness';
import { CONSUMERS_TENANT_ID, MICROSOFT_LOGIN, ORGANIZATION_TENANT_ID, OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, startProviderProfile } from '../profiles';
import type { ProviderProfile } from '../profiles';
import { ALICE, BOB, MailWorld, countByMessageId, imapGreeting, movePresetTo, plainMessage, presetHarness, rawMessage, tokenRequest } from './presetWorld';

/** The desktop editor's URI-handler redirect for the Microsoft provider (`env.uriScheme` of the harness). */
const URI_HANDLER_REDIRECT = 'code-oss://mailroom.mailroom/auth/microsoft';

describe('Microsoft preset against the Microsoft-like issuer', function () {
  this.timeout(60_000);
  let profile: ProviderProfile;
  let restorePreset: () => void;
  let harness: Harness | undefined;
  let world: MailWorld | undefined;

  before(async () => {
    profile = await startProviderProfile({ kind: 'microsoft', redirectUris: [URI_HANDLER_REDIRECT], personalAccounts: [BOB.email] });
    restorePreset = movePresetTo(profile);
  });

  after(async () => {
    restorePreset?.();
    await profile?.stop();
  });

  afterEach(async () => {
    profile.smtpAuthDisabled.clear();
    await world?.dispose();
    harness?.dispose();
    world = undefined;
    harness = undefined;
  });

  async function signedIn(options: Parameters<typeof presetHarness>[1] = {}): Promise<{ harness: Harness; id: string }> {
    harness = presetHarness(profile, options);
    const account = await harness.service.signInOrThrow('microsoft');
    return { harness, id: account.id };
  }

  function tokenEndpoint(tenant = 'common'): string {
    return `${profile.issuer.origin}/${tenant}/oauth2/v2.0/token`;
  }

  it('the issuer publishes the templated issuer for common, organizations and consumers; IMAP offers XOAUTH2 only', async () => {
    for (const tenant of ['common', 'organizations', 'consumers']) {
      const discovery = (await (await fetch(`${profile.issuer.origin}/${tenant}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(discovery.issuer, `${MICROSOFT_LOGIN}/{tenantid}/v2.0`);
      assert.equal(discovery.revocation_endpoint, undefined);
    }
    const greeting = await imapGreeting(profile);
    assert.match(greeting, /AUTH=XOAUTH2/);
    assert.doesNotMatch(greeting, /AUTH=OAUTHBEARER/);
  });

  it('signs in through the URI handler with tenant common; the account is keyed on the tenant-specific issuer', async () => {
    const { harness: signedInHarness } = await signedIn();
    assert.deepEqual(signedInHarness.events, ['consent', 'browser']);
    assert.equal(profile.issuer.authorizationRedirects.at(-1), URI_HANDLER_REDIRECT);
    const [stored] = signedInHarness.service.storedAccounts('microsoft');
    assert.equal(stored.email, ALICE.email);
    assert.equal(stored.issuer, `${MICROSOFT_LOGIN}/${ORGANIZATION_TENANT_ID}/v2.0`);
    assert.deepEqual([...stored.grantedScopes].sort(), [OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, 'email', 'offline_access', 'openid'].sort());
    assert.equal(profile.issuer.idTokenClaims.at(-1)?.tid, ORGANIZATION_TENANT_ID);
  });

  it('signs in through loopback where the URI handler cannot be used; a personal account gets the consumers tenant', async () => {
    const { harness: signedInHarness } = await signedIn({ user: BOB, tenant: 'consumers', environment: { extensionHost: 'local', uiKind: 'web' } });
    assert.match(profile.issuer.authorizationRedirects.at(-1) ?? '', /^http:\/\/127\.0\.0\.1:\d+\//);
    const [stored] = signedInHarness.service.storedAccounts('microsoft');
    assert.equal(stored.email, BOB.email);
    assert.equal(stored.issuer, `${MICROSOFT_LOGIN}/${CONSUMERS_TENANT_ID}/v2.0`);
  });

  it('with tenant organizations a personal account is refused at Microsoft, and the person is told why', async () => {
    harness = presetHarness(profile, { user: BOB, tenant: 'organizations', tryAnotherWay: false });
    const failure = await harness.service.signInOrThrow('microsoft').then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(isMailroomError(failure), `expected a MailroomError, got ${String(failure)}`);
    assert.match(failure.message, /AADSTS50020/);
    assert.deepEqual(harness.service.allStoredAccounts(), []);
  });

  it('reads the inbox and sends over STARTTLS submission; Mailroom files the copy in Sent', async () => {
    const { harness: signedInHarness, id } = await signedIn();
    await profile.deliver(ALICE.email, rawMessage(BOB.email, ALICE.email, 'hello from bob (microsoft-like)'));
    world = new MailWorld(signedInHarness);
    const account = signedInHarness.service.list().find((candidate) => candidate.id === id);
    assert.ok(account);
    assert.equal(account.smtp.implicitTls, false, 'the preset submits on a STARTTLS port');
    assert.equal(account.serverSavesSent, false);
    const inbox = await fetchNewestRows(world.sessions.get(account), 'INBOX', 50);
    assert.ok(
      inbox.rows.some((row) => row.subject === 'hello from bob (microsoft-like)'),
      inbox.rows.map((row) => row.subject).join(', '),
    );

    const outcome = await world.outbox.send(account, plainMessage(ALICE.email, BOB.email, 'sent through the microsoft preset'));
    assert.equal(outcome.status, 'sent', outcome.status === 'failed' ? outcome.error.message : '');
    assert.ok(outcome.status === 'sent' && outcome.inSent);
    assert.equal(profile.submissions.at(-1)?.from, ALICE.email);
    assert.equal(await countByMessageId(profile, ALICE.email, 'Sent', outcome.messageId), 1);
    assert.equal(await countByMessageId(profile, BOB.email, 'INBOX', outcome.messageId), 1);
  });

  it('a refresh rotates the refresh token and Mailroom stores the newest; the older one still works (no reuse detection)', async () => {
    const { harness: signedInHarness, id } = await signedIn();
    const [first] = storedRefreshTokens(signedInHarness.secrets);
    await signedInHarness.service.getAccessToken(id, profile.imap.host, { forceRefresh: true });
    const [second] = storedRefreshTokens(signedInHarness.secrets);
    assert.notEqual(second, first);
    assert.equal(second, profile.issuer.refreshTokens.at(-1));
    // The renewed access token opens the mailbox.
    world = new MailWorld(signedInHarness);
    const account = signedInHarness.service.list()[0];
    assert.ok((await fetchNewestRows(world.sessions.get(account), 'INBOX', 10)).status);
    const reuse = await tokenRequest(tokenEndpoint(), {
      grant_type: 'refresh_token',
      refresh_token: first,
      client_id: profile.clientId,
      scope: `${OUTLOOK_IMAP_SCOPE} offline_access`,
    });
    assert.equal(reuse.status, 200, JSON.stringify(reuse.body));
  });

  it("sign-out clears the account without a revocation request and says where to remove the app's access", async () => {
    const { harness: signedInHarness, id } = await signedIn();
    const revocations = profile.issuer.calls.revocation;
    assert.equal(await signedInHarness.service.signOut(id), 'unsupported');
    assert.equal(profile.issuer.calls.revocation, revocations);
    assert.deepEqual(signedInHarness.service.allStoredAccounts(), []);
    assert.deepEqual(storedRefreshTokens(signedInHarness.secrets), []);
    assert.ok(
      signedInHarness.messages.some((message) => message.includes('https://myapps.microsoft.com')),
      signedInHarness.messages.join('\n'),
    );
  });

  it('SMTP AUTH disabled for the mailbox: the send fails with that reason, without a token refresh or a sign-in prompt', async () => {
    const { harness: signedInHarness, id } = await signedIn();
    world = new MailWorld(signedInHarness);
    const account = signedInHarness.service.list().find((candidate) => candidate.id === id);
    assert.ok(account);
    // Positive control: the same mailbox sends while SMTP AUTH is on.
    assert.equal((await world.outbox.send(account, plainMessage(ALICE.email, BOB.email, 'before smtp auth was turned off'))).status, 'sent');
    profile.smtpAuthDisabled.add(ALICE.email);
    const refreshes = profile.issuer.calls.refresh_token;
    const outcome = await world.outbox.send(account, plainMessage(ALICE.email, BOB.email, 'while smtp auth is off'));
    assert.equal(outcome.status, 'failed');
    assert.ok(
      outcome.status === 'failed' && isMailroomError(outcome.error, 'SmtpAuthDisabled'),
      outcome.status === 'failed' ? `${outcome.error.code}: ${outcome.error.message}` : '',
    );
    assert.match(outcome.error.message, /SMTP sign-in is turned off for this mailbox/);
    assert.equal(profile.issuer.calls.refresh_token, refreshes, 'a fresh token cannot help: none was asked for');
    assert.ok(!signedInHarness.events.some((event) => event.startsWith('sign-in-again')));
    assert.equal(signedInHarness.service.list().length, 1, 'the account stays signed in');
  });
});
