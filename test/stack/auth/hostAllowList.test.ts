// [SEC-19] A provider's tokens go only to that provider's own mail hosts, proven at the servers: a
// Gmail-preset account, signed in through the product's own sign-in path, whose IMAP and SMTP
// endpoints point at loopback servers that record every AUTHENTICATE / AUTH they receive. The
// positive control is a custom-issuer account whose allow-list names those servers: the same
// session and sender, the same servers, and the token arrives.
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { MailAccount } from '../../../src/auth/accountApi';
import type { ProviderConfig } from '../../../src/auth/providerConfig';
import { providerConfig } from '../../../src/auth/presets';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { MailSession } from '../../../src/mail/connection';
import { isMailroomError } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { loadTlsFixtures } from '../tlsFixtures';
import { startScriptedTlsServer } from '../fakeImapServer';
import type { Recorder } from '../fakeImapServer';
import { FakeIssuer } from '../../support/auth/fakeIssuer';
import { deliverRedirect, oidcSettings } from '../../support/auth/fakes';
import { Harness } from '../../support/auth/harness';

interface SmtpRecorder {
  port: number;
  connections: number;
  /** The access token of every AUTH the server received. */
  auths: string[];
  close(): Promise<void>;
}

async function startSmtpServer(): Promise<SmtpRecorder> {
  const fixtures = loadTlsFixtures();
  const recorder: SmtpRecorder = { port: 0, connections: 0, auths: [], close: async () => undefined };
  const server = new SMTPServer({
    secure: true,
    key: fixtures.key,
    cert: fixtures.cert,
    authMethods: ['XOAUTH2', 'PLAIN', 'LOGIN'],
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      recorder.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      recorder.auths.push(auth.accessToken ?? auth.password ?? '');
      callback(new Error('Not here'));
    },
  });
  server.on('error', () => undefined);
  recorder.port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
  recorder.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return recorder;
}

async function harnessFor(issuer: FakeIssuer, config: ProviderConfig): Promise<Harness> {
  const harness = new Harness({
    configFor: () => config,
    fetchForTests: issuer.fetch,
    browser: (url, h) => deliverRedirect(issuer.authorize(url), (uri) => h.router.handleUri(uri)),
  });
  // Google desktop clients present their (non-secret) client secret.
  await harness.service.setClientSecret('google', 'CS-SENTINEL-google');
  return harness;
}

const message: OutgoingMessage = {
  from: { address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }],
  cc: [],
  bcc: [],
  subject: 'hello',
  text: 'hello',
  html: '<p>hello</p>',
  attachments: [],
};

describe('mail host allow-list at the servers', function () {
  this.timeout(30_000);
  let imap: Recorder;
  let smtp: SmtpRecorder;
  let harness: Harness | undefined;
  let session: MailSession | undefined;
  const fixtures = loadTlsFixtures();

  beforeEach(async () => {
    imap = await startScriptedTlsServer({ key: fixtures.key.toString(), cert: fixtures.cert.toString() }, { authenticate: 'OK authenticated' });
    smtp = await startSmtpServer();
  });

  afterEach(async () => {
    await session?.dispose();
    session = undefined;
    harness?.dispose();
    harness = undefined;
    await imap.close();
    await smtp.close();
  });

  /** Connects the account's IMAP session and sends one message, as the inbox and the composer do. */
  async function useAccount(account: MailAccount): Promise<{ imapError: unknown; smtpError: unknown }> {
    assert.ok(harness);
    session = new MailSession(account, withTestTransport({ accounts: harness.service, logger: harness.logger }, { extraCa: fixtures.ca }));
    const imapError = await session.folders().then(
      () => undefined,
      (error: unknown) => error,
    );
    const sender = new SmtpSender(
      withTestTransport(
        { accounts: harness.service, logger: harness.logger, rateLimiter: new SendRateLimiter(() => 100), maxMessageBytes: () => 1024 * 1024 },
        { extraCa: fixtures.ca },
      ),
    );
    const smtpError = await sender.send(account, message).then(
      () => undefined,
      (error: unknown) => error,
    );
    return { imapError, smtpError };
  }

  /** The Gmail preset as it ships, with only its endpoints moved to the loopback servers. */
  function gmailPointedAtLoopback(issuer: FakeIssuer): ProviderConfig {
    const gmail = providerConfig('google', { ...oidcSettings('https://issuer.test', 'unused'), google: { clientId: issuer.clientId } });
    return { ...gmail, imap: { host: '127.0.0.1', port: imap.port, implicitTls: true }, smtp: { host: '127.0.0.1', port: smtp.port, implicitTls: true } };
  }

  it('[SEC-19] positive control: an account whose allow-list names the servers authenticates there (the servers see AUTHENTICATE and AUTH)', async () => {
    const issuer = new FakeIssuer();
    harness = await harnessFor(
      issuer,
      providerConfig(
        'oidc',
        oidcSettings(issuer.issuer, issuer.clientId, { imap: { host: '127.0.0.1', port: imap.port }, smtp: { host: '127.0.0.1', port: smtp.port } }),
      ),
    );
    const account = await harness.service.signIn('oidc');
    assert.ok(account);
    await useAccount(account);
    assert.match(imap.received, /AUTHENTICATE/i);
    assert.ok(smtp.auths.length > 0, 'the SMTP server received AUTH');
    assert.ok(smtp.auths.every((token) => issuer.issuedAccessTokens.includes(token)));
  });

  it('[SEC-19] a Gmail-preset account pointed at another host sends no AUTHENTICATE and no AUTH there', async () => {
    const issuer = new FakeIssuer('https://accounts.google.com');
    harness = await harnessFor(issuer, gmailPointedAtLoopback(issuer));
    const account = await harness.service.signIn('google');
    assert.ok(account, 'signed in through the Gmail preset');
    assert.equal(account.imap.host, '127.0.0.1');
    const { imapError, smtpError } = await useAccount(account);
    assert.ok(isMailroomError(imapError, 'HostNotAllowed'), String(imapError));
    assert.ok(isMailroomError(smtpError, 'HostNotAllowed'), String(smtpError));
    assert.doesNotMatch(imap.received, /AUTHENTICATE|LOGIN/i);
    assert.equal(imap.received, '', 'nothing at all was sent to the IMAP server');
    assert.deepEqual(smtp.auths, []);
    for (const token of issuer.issuedAccessTokens) {
      assert.ok(!imap.received.includes(token));
    }
    // The token itself is fine: Gmail's own hosts would get it.
    assert.match(await harness.service.getAccessToken(account.id, 'imap.gmail.com'), /^AT-SENTINEL-/);
    assert.match(await harness.service.getAccessToken(account.id, 'SMTP.GMAIL.COM.'), /^AT-SENTINEL-/);
  });

  it('[SEC-19] a stored Gmail account whose own host list was widened still sends nothing to other hosts: the preset decides', async () => {
    const issuer = new FakeIssuer('https://accounts.google.com');
    harness = await harnessFor(issuer, gmailPointedAtLoopback(issuer));
    const signedIn = await harness.service.signInOrThrow('google');
    // A record written by another version, or altered where secrets are kept, cannot extend a preset's allow-list.
    await harness.store.put({ ...signedIn, mailHosts: [...signedIn.mailHosts, '127.0.0.1'] });
    await harness.service.reload();
    const account = harness.service.list().find((candidate) => candidate.id === signedIn.id);
    assert.ok(account);
    const { imapError, smtpError } = await useAccount(account);
    assert.ok(isMailroomError(imapError, 'HostNotAllowed'), String(imapError));
    assert.ok(isMailroomError(smtpError, 'HostNotAllowed'), String(smtpError));
    assert.equal(imap.received, '');
    assert.deepEqual(smtp.auths, []);
  });
});
