// Tests of the local stack itself: it starts fast, its provider issues tokens through a real PKCE flow,
// Dovecot and the SMTP server accept exactly the tokens they should, and stop() leaves nothing behind.
import * as assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ImapFlow } from 'imapflow';
import * as nodemailer from 'nodemailer';
import type { Stack, StackUser } from './index';
import { isPortClosed, removeStaleStacks, startStack } from './index';
import { buildFixtureMessages } from './fixtureMailbox';
import { httpsRequest } from './httpsClient';
import { buildMessage } from './mimeBuilder';
import { findProcesses, isRunning } from './processTable';
import { createFetchTrustingCa } from './trustingFetch';
import type * as OAuthModule from 'oauth4webapi' with { 'resolution-mode': 'import' };

type OAuth = typeof OAuthModule;

interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idTokenEmail?: unknown;
}

/** Debian's Chromium (DESIGN §6); the browser test is skipped on machines without it. */
const CHROMIUM = '/usr/bin/chromium';

const loadOAuth = (): Promise<OAuth> => import('oauth4webapi');

interface Discovered {
  oauth: OAuth;
  /** oauth4webapi options that make it trust the test CA. */
  fetchOptions: Record<symbol, ReturnType<typeof createFetchTrustingCa>>;
  authorizationServer: Awaited<ReturnType<OAuth['processDiscoveryResponse']>>;
}

async function discover(stack: Stack, issuer = stack.issuer): Promise<Discovered> {
  const oauth = await loadOAuth();
  const fetchOptions = { [oauth.customFetch]: createFetchTrustingCa(fs.readFileSync(stack.caFile)) };
  const authorizationServer = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), fetchOptions));
  return { oauth, fetchOptions, authorizationServer };
}

/** An authorization URL whose code is never exchanged (a fixed PKCE challenge will do). */
function fixedChallengeAuthorizationUrl(stack: Stack, redirectUri: string, scope: string, state: string): URL {
  const url = new URL(`${stack.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: stack.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

/** Signs in through the provider exactly like the extension will: discovery, PKCE, code exchange. */
async function signIn(
  stack: Stack,
  user: StackUser,
  clientId = stack.clientId,
  issuer = stack.issuer,
  scope = `openid email offline_access ${stack.mailScope}`,
): Promise<Tokens> {
  const { oauth, fetchOptions, authorizationServer } = await discover(stack, issuer);
  const client = { client_id: clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = 'http://127.0.0.1:54321/callback';
  const url = new URL(String(authorizationServer.authorization_endpoint));
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    prompt: 'consent',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const callback = new URL(await stack.authorize(url.href, user));
  assert.equal(`${callback.origin}${callback.pathname}`, 'http://127.0.0.1:54321/callback');
  const parameters = oauth.validateAuthResponse(authorizationServer, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(authorizationServer, client, oauth.None(), parameters, redirectUri, verifier, fetchOptions);
  const result = await oauth.processAuthorizationCodeResponse(authorizationServer, client, response);
  return { accessToken: result.access_token, refreshToken: result.refresh_token, idTokenEmail: oauth.getValidatedIdTokenClaims(result)?.email };
}

function imapClient(stack: Stack, email: string, accessToken: string): ImapFlow {
  return new ImapFlow({
    host: stack.imap.host,
    port: stack.imap.port,
    secure: true,
    tls: { ca: [fs.readFileSync(stack.caFile)] },
    auth: { user: email, accessToken },
    logger: false,
  });
}

async function imapLoginSucceeds(stack: Stack, email: string, accessToken: string): Promise<boolean> {
  const client = imapClient(stack, email, accessToken);
  try {
    await client.connect();
    await client.logout();
    return true;
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return false;
    throw error;
  }
}

/** imapflow always prefers OAUTHBEARER; XOAUTH2 (what Gmail and Outlook use) is spoken by hand here. */
function imapXoauth2Succeeds(stack: Stack, email: string, accessToken: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: stack.imap.host, port: stack.imap.port, ca: [fs.readFileSync(stack.caFile)] });
    let buffer = '';
    let sent = false;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!sent && buffer.includes('* OK')) {
        sent = true;
        const payload = Buffer.from(`user=${email}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
        socket.write(`a1 AUTHENTICATE XOAUTH2 ${payload}\r\n`);
      } else if (/^\+ /m.test(buffer) && !buffer.includes('a1 ')) {
        buffer = buffer.replace(/^\+ .*\r\n/m, '');
        socket.write('\r\n');
      }
      const tagged = /^a1 (OK|NO|BAD)/m.exec(buffer);
      if (tagged) {
        socket.end('a2 LOGOUT\r\n');
        resolve(tagged[1] === 'OK');
      }
    });
  });
}

function smtpTransport(stack: Stack, email: string, accessToken: string): nodemailer.Transporter {
  return nodemailer.createTransport({
    host: stack.smtp.host,
    port: stack.smtp.port,
    secure: true,
    tls: { ca: [fs.readFileSync(stack.caFile)] },
    auth: { type: 'OAuth2', user: email, accessToken },
  });
}

async function smtpAuthenticates(stack: Stack, email: string, accessToken: string): Promise<boolean> {
  const transport = smtpTransport(stack, email, accessToken);
  try {
    await transport.verify();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EAUTH') return false;
    throw error;
  } finally {
    transport.close();
  }
}

describe('local stack', function () {
  let stack: Stack;
  let alice: StackUser;
  let bob: StackUser;

  before(async function () {
    const started = Date.now();
    stack = await startStack({ attacker: true, tokenTtlSeconds: 2 });
    const elapsed = Date.now() - started;
    console.log(`      stack started in ${elapsed} ms`);
    assert.ok(elapsed < 5000, `stack took ${elapsed} ms to start`);
    [alice, bob] = stack.users;
  });

  after(async function () {
    await stack?.stop();
  });

  it('serves OpenID discovery with the endpoints the extension needs', async function () {
    const response = await httpsRequest(`${stack.issuer}/.well-known/openid-configuration`, { ca: fs.readFileSync(stack.caFile) });
    const metadata = JSON.parse(response.body) as Record<string, unknown>;
    assert.equal(metadata.issuer, stack.issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint', 'introspection_endpoint', 'device_authorization_endpoint']) {
      assert.equal(typeof metadata[endpoint], 'string', endpoint);
    }
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true, 'RFC 9207 iss in responses');
    assert.equal(new URL(String(metadata.device_authorization_endpoint)).origin, stack.issuer);
  });

  it('issues tokens through a PKCE sign-in; introspection shows the email and the mail scope', async function () {
    const tokens = await signIn(stack, alice);
    assert.ok(tokens.accessToken.length > 20);
    assert.ok(tokens.refreshToken, 'a refresh token is issued for offline_access with prompt=consent');
    assert.equal(tokens.idTokenEmail, alice.email);
    const introspection = await stack.introspect(tokens.accessToken);
    assert.equal(introspection.active, true);
    assert.equal(introspection.email, alice.email);
    assert.equal(introspection.scope, stack.mailScope);
    assert.equal(introspection.client_id, stack.clientId);
  });

  it('rejects a wrong password and reports a denial as access_denied', async function () {
    const url = fixedChallengeAuthorizationUrl(stack, 'http://127.0.0.1:5000/callback', 'openid email', 'xyz');
    await assert.rejects(stack.authorize(url.href, { username: alice.username, password: 'wrong' }), /refused/);
    const denied = new URL(await stack.authorize(url.href, alice, { deny: true }));
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.equal(denied.searchParams.get('state'), 'xyz');
    assert.equal(denied.searchParams.get('iss'), stack.issuer);
  });

  it('lets a person sign in through the login page in Chromium (wrong password first)', async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    this.timeout(30_000);
    const { chromium } = await import('playwright-core');
    const callbacks: string[] = [];
    const callbackServer = http.createServer((request, response) => {
      callbacks.push(request.url ?? '');
      response.end('signed in');
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    const callbackPort = (callbackServer.address() as AddressInfo).port;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--ignore-certificate-errors'] });
    try {
      const page = await browser.newPage();
      const url = fixedChallengeAuthorizationUrl(stack, `http://127.0.0.1:${callbackPort}/callback`, `openid email ${stack.mailScope}`, 'browser-state');
      await page.goto(url.href);
      await page.fill('#username', alice.username);
      await page.fill('#password', 'wrong');
      await page.click('#sign-in');
      assert.match((await page.textContent('[role=alert]')) ?? '', /Wrong username or password/);
      await page.fill('#password', alice.password);
      await page.click('#sign-in');
      await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${callbackPort}/callback`));
      const callback = new URL(callbacks.find((path) => path.startsWith('/callback?')) ?? '', 'http://127.0.0.1');
      assert.equal(callback.searchParams.get('state'), 'browser-state');
      assert.ok(callback.searchParams.get('code'));
      assert.equal(callback.searchParams.get('iss'), stack.issuer);
    } finally {
      await browser.close();
      await new Promise((resolve) => callbackServer.close(resolve));
    }
  });

  it('completes a device authorization (RFC 8628) through authorize()', async function () {
    const { oauth, fetchOptions, authorizationServer } = await discover(stack);
    const client = { client_id: stack.clientId };
    const device = await oauth.processDeviceAuthorizationResponse(
      authorizationServer,
      client,
      await oauth.deviceAuthorizationRequest(
        authorizationServer,
        client,
        oauth.None(),
        new URLSearchParams({ scope: `openid email ${stack.mailScope}` }),
        fetchOptions,
      ),
    );
    assert.ok(device.verification_uri_complete);
    await stack.authorize(device.verification_uri_complete, bob);
    const result = await oauth.processDeviceCodeResponse(
      authorizationServer,
      client,
      await oauth.deviceCodeGrantRequest(authorizationServer, client, oauth.None(), device.device_code, fetchOptions),
    );
    const introspection = await stack.introspect(result.access_token);
    assert.equal(introspection.email, bob.email);
    assert.equal(introspection.scope, stack.mailScope);
  });

  it('logs in to IMAP with the access token (OAUTHBEARER and XOAUTH2) and has the special-use folders', async function () {
    const tokens = await signIn(stack, alice);
    const client = imapClient(stack, alice.email, tokens.accessToken);
    await client.connect();
    try {
      const folders = await client.list();
      const specialUse = new Set(folders.map((folder) => folder.specialUse).filter(Boolean));
      for (const flag of ['\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive']) assert.ok(specialUse.has(flag), flag);
      assert.ok(
        folders.filter((folder) => folder.specialUse).every((folder) => folder.subscribed),
        'special-use folders are subscribed',
      );
      assert.ok(client.capabilities.has('CONDSTORE') && client.capabilities.has('QRESYNC'));
    } finally {
      await client.logout();
    }
    assert.equal(await imapXoauth2Succeeds(stack, alice.email, tokens.accessToken), true, 'XOAUTH2 works too');
    assert.equal(await imapXoauth2Succeeds(stack, alice.email, 'garbage'), false, 'XOAUTH2 with a bad token is refused');
  });

  it('refuses a garbage token at IMAP and SMTP', async function () {
    assert.equal(await imapLoginSucceeds(stack, alice.email, 'not-a-real-token'), false);
    assert.equal(await smtpAuthenticates(stack, alice.email, 'not-a-real-token'), false);
  });

  it('refuses a token without the mail scope at IMAP and SMTP', async function () {
    const tokens = await signIn(stack, alice, stack.clientId, stack.issuer, 'openid email');
    const introspection = await stack.introspect(tokens.accessToken);
    assert.notEqual(introspection.active && introspection.scope, stack.mailScope);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), false);
    assert.equal(await smtpAuthenticates(stack, alice.email, tokens.accessToken), false);
  });

  it("refuses another user's token at IMAP and SMTP", async function () {
    const tokens = await signIn(stack, bob);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), false);
    assert.equal(await smtpAuthenticates(stack, alice.email, tokens.accessToken), false);
    assert.equal(await imapLoginSucceeds(stack, bob.email, tokens.accessToken), true);
  });

  it('refuses a revoked token at IMAP and SMTP (RFC 7009 revocation)', async function () {
    const tokens = await signIn(stack, alice);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), true);
    assert.equal(await smtpAuthenticates(stack, alice.email, tokens.accessToken), true);
    const { oauth, fetchOptions, authorizationServer } = await discover(stack);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(authorizationServer, { client_id: stack.clientId }, oauth.None(), tokens.accessToken, fetchOptions),
    );
    assert.equal((await stack.introspect(tokens.accessToken)).active, false);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), false);
    assert.equal(await smtpAuthenticates(stack, alice.email, tokens.accessToken), false);
  });

  it('revokeUserGrants invalidates access and refresh tokens of that user only', async function () {
    const aliceTokens = await signIn(stack, alice);
    const bobTokens = await signIn(stack, bob);
    await stack.revokeUserGrants(alice.email);
    assert.equal((await stack.introspect(aliceTokens.accessToken)).active, false);
    assert.equal((await stack.introspect(aliceTokens.refreshToken ?? '')).active, false);
    assert.equal((await stack.introspect(bobTokens.accessToken)).active, true);
    assert.equal(await imapLoginSucceeds(stack, alice.email, aliceTokens.accessToken), false);
  });

  it('rotates refresh tokens and revokes the grant when an old one is reused', async function () {
    const { oauth, fetchOptions, authorizationServer } = await discover(stack);
    const client = { client_id: stack.clientId };
    const first = await signIn(stack, bob);
    const refreshed = await oauth.processRefreshTokenResponse(
      authorizationServer,
      client,
      await oauth.refreshTokenGrantRequest(authorizationServer, client, oauth.None(), first.refreshToken ?? '', fetchOptions),
    );
    assert.ok(refreshed.refresh_token && refreshed.refresh_token !== first.refreshToken);
    assert.equal((await stack.introspect(refreshed.access_token)).scope, stack.mailScope);
    await assert.rejects(
      oauth.processRefreshTokenResponse(
        authorizationServer,
        client,
        await oauth.refreshTokenGrantRequest(authorizationServer, client, oauth.None(), first.refreshToken ?? '', fetchOptions),
      ),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    assert.equal((await stack.introspect(refreshed.access_token)).active, false, 'reuse revoked the whole grant');
  });

  it('lists every code and token it issued, rotated and revoked ones included (issuedTokens)', async function () {
    const { oauth, fetchOptions, authorizationServer } = await discover(stack);
    const client = { client_id: stack.clientId };
    const before = new Set(stack.issuedTokens().map((token) => token.value));
    const first = await signIn(stack, bob);
    const rotated = await oauth.processRefreshTokenResponse(
      authorizationServer,
      client,
      await oauth.refreshTokenGrantRequest(authorizationServer, client, oauth.None(), first.refreshToken ?? '', fetchOptions),
    );
    await stack.revokeUserGrants(bob.email);
    const issued = stack.issuedTokens().filter((token) => !before.has(token.value));
    const byValue = new Map(issued.map((token) => [token.value, token]));
    for (const [value, kind] of [
      [first.accessToken, 'AccessToken'],
      [first.refreshToken, 'RefreshToken'],
      [rotated.access_token, 'AccessToken'],
      [rotated.refresh_token, 'RefreshToken'],
    ] as const) {
      assert.ok(value);
      assert.deepEqual(byValue.get(value), { issuer: stack.issuer, kind, value, clientId: stack.clientId, email: bob.email });
    }
    const codes = issued.filter((token) => token.kind === 'AuthorizationCode');
    assert.equal(codes.length, 1, 'the one authorization code of this sign-in, although it was consumed');
    assert.equal(codes[0].email, bob.email);
    assert.equal((await stack.introspect(rotated.refresh_token ?? '')).active, false);
  });

  it('serves the issuers on 127.0.0.2, which code-server does not rewrite into its port proxy', function () {
    // code-server's resolveExternalUri maps ^(localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)$ to /proxy/<port>/.
    const rewrittenByCodeServer = /^(localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)$/;
    for (const issuer of [stack.issuer, stack.attackerIssuer ?? '', stack.forwarderUrl]) {
      const url = new URL(issuer);
      assert.equal(url.hostname, '127.0.0.2', issuer);
      assert.doesNotMatch(url.host, rewrittenByCodeServer);
    }
  });

  it('gives the short-lived client access tokens that expire after tokenTtlSeconds', async function () {
    this.timeout(10_000);
    const tokens = await signIn(stack, alice, stack.shortLivedClientId);
    const introspection = await stack.introspect(tokens.accessToken);
    assert.equal(introspection.active, true);
    assert.equal(Number(introspection.exp) - Number(introspection.iat), 2);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await stack.introspect(tokens.accessToken)).active, false);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), false);
  });

  it('runs an independent attacker issuer whose tokens the mail servers refuse', async function () {
    assert.ok(stack.attackerIssuer && stack.attackerIssuer !== stack.issuer);
    const tokens = await signIn(stack, alice, stack.clientId, stack.attackerIssuer);
    assert.equal((await stack.introspect(tokens.accessToken)).active, false);
    assert.equal(await imapLoginSucceeds(stack, alice.email, tokens.accessToken), false);
  });

  it('delivers a message sent over SMTP to the recipient INBOX and refuses foreign senders', async function () {
    const tokens = await signIn(stack, alice);
    const transport = smtpTransport(stack, alice.email, tokens.accessToken);
    const subject = `Stack test ${Date.now()} — Grüße`;
    try {
      await assert.rejects(transport.sendMail({ from: bob.email, to: bob.email, subject: 'spoofed', text: 'no' }), /not the authenticated user/);
      await transport.sendMail({ from: alice.email, to: bob.email, subject, text: 'Hello Bob, this went through the test SMTP server.' });
    } finally {
      transport.close();
    }
    assert.equal(stack.submissions.at(-1)?.from, alice.email);
    const bobTokens = await signIn(stack, bob);
    const client = imapClient(stack, bob.email, bobTokens.accessToken);
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const found = await client.search({ subject: 'Stack test' });
        assert.ok(found && found.length >= 1, 'message is in INBOX');
        const message = await client.fetchOne(String(found.at(-1)), { envelope: true });
        assert.ok(message && message.envelope);
        assert.equal(message.envelope.subject, subject);
        assert.equal(message.envelope.from?.[0]?.address, alice.email);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('offers the same submission on a STARTTLS port, where AUTH needs STARTTLS first', async function () {
    const tokens = await signIn(stack, alice);
    const plain = nodemailer.createTransport({
      host: stack.smtpStartTls.host,
      port: stack.smtpStartTls.port,
      secure: false,
      ignoreTLS: true,
      auth: { type: 'OAuth2', user: alice.email, accessToken: tokens.accessToken },
    });
    try {
      await assert.rejects(plain.verify(), /STARTTLS/i, 'no AUTH in plaintext');
    } finally {
      plain.close();
    }
    const upgraded = nodemailer.createTransport({
      host: stack.smtpStartTls.host,
      port: stack.smtpStartTls.port,
      secure: false,
      requireTLS: true,
      tls: { ca: [fs.readFileSync(stack.caFile)] },
      auth: { type: 'OAuth2', user: alice.email, accessToken: tokens.accessToken },
    });
    try {
      await upgraded.sendMail({ from: alice.email, to: bob.email, subject: 'via STARTTLS', text: 'hello' });
    } finally {
      upgraded.close();
    }
    assert.equal(stack.submissions.at(-1)?.to[0], bob.email);
  });

  it('deliver() puts a message into the INBOX over LMTP', async function () {
    await stack.deliver(bob.email, 'From: Carol <carol@example.org>\r\nTo: bob@mailroom.test\r\nSubject: via LMTP\r\n\r\n.leading dot line\r\nbody\r\n');
    const output = await stack.doveadm(['search', '-u', bob.email, 'mailbox', 'INBOX', 'subject', 'via LMTP']);
    assert.equal(output.trim().split('\n').length, 1);
  });

  it('forwards /redirect only to loopback callbacks and editor URIs', async function () {
    const ca = fs.readFileSync(stack.caFile);
    const forward = async (state: string): Promise<{ status: number; location?: string }> => {
      const url = new URL(stack.forwarderUrl);
      url.search = new URLSearchParams({ code: 'abc', state, iss: stack.issuer }).toString();
      const response = await httpsRequest(url.href, { ca });
      const location = response.headers.location;
      return { status: response.status, location: typeof location === 'string' ? location : undefined };
    };
    const loopback = await forward('http://127.0.0.1:4567/callback?nonce=n1');
    assert.equal(loopback.status, 302);
    const target = new URL(loopback.location ?? '');
    assert.equal(target.host, '127.0.0.1:4567');
    assert.equal(target.searchParams.get('nonce'), 'n1');
    assert.equal(target.searchParams.get('code'), 'abc');
    assert.equal(target.searchParams.get('state'), 'http://127.0.0.1:4567/callback?nonce=n1');
    assert.equal(target.searchParams.get('iss'), stack.issuer);
    const editor = await forward('vscode://mailroom.mailroom/did-authenticate?windowId=1');
    assert.equal(editor.status, 302);
    assert.ok(editor.location?.startsWith('vscode://mailroom.mailroom/did-authenticate?windowId=1&code=abc'));
    for (const hostile of [
      'https://evil.example/cb',
      'http://127.0.0.1.evil.example/cb',
      'http://user:pw@evil.example/',
      'javascript:alert(1)',
      'data:text/html,hi',
      '//evil.example/',
      'not a url',
    ]) {
      assert.equal((await forward(hostile)).status, 400, hostile);
    }
  });

  it('accepts the forwarder as a redirect URI of the native client', async function () {
    const url = fixedChallengeAuthorizationUrl(stack, stack.forwarderUrl, 'openid email', 'vscode://mailroom.mailroom/did-authenticate');
    const redirect = new URL(await stack.authorize(url.href, alice));
    assert.equal(`${redirect.origin}${redirect.pathname}`, stack.forwarderUrl);
    assert.ok(redirect.searchParams.get('code'));
  });

  it('seeds 100,000 messages into a folder in well under a minute, in UID order', async function () {
    this.timeout(120_000);
    const started = Date.now();
    await stack.seedLargeFolder(bob.email, 'Bulk', 100_000);
    const elapsed = Date.now() - started;
    console.log(`      wrote 100,000 messages in ${elapsed} ms`);
    assert.ok(elapsed < 40_000, `seeding took ${elapsed} ms`);
    const status = await stack.doveadm(['mailbox', 'status', '-u', bob.email, 'messages uidnext', 'Bulk']);
    assert.match(status, /\bmessages=100000\b/);
    assert.match(status, /\buidnext=100001\b/);
    const last = await stack.doveadm(['fetch', '-u', bob.email, 'hdr.subject', 'mailbox', 'Bulk', 'uid', '100000']);
    assert.match(last, /#100000\b/);
    await stack.seedLargeFolder(bob.email, 'Bulk', 3);
    assert.match(
      await stack.doveadm(['mailbox', 'status', '-u', bob.email, 'messages', 'Bulk']),
      /\bmessages=100003\b/,
      'appends to a folder Dovecot already indexed',
    );
  });
});

describe('local stack: fixture mailbox and shutdown', function () {
  it('loads the fixture mailbox, and stop() leaves no process, port or directory behind', async function () {
    this.timeout(60_000);
    const started = Date.now();
    const stack = await startStack({ seed: 'fixture' });
    console.log(`      stack with fixture started in ${Date.now() - started} ms`);
    const fixture = stack.fixture;
    assert.ok(fixture && fixture.total >= 250, 'a few hundred messages');
    const [alice] = stack.users;
    try {
      for (const [folder, count] of Object.entries(fixture.folders)) {
        const status = await stack.doveadm(['mailbox', 'status', '-u', alice.email, 'messages unseen', folder]);
        assert.match(status, new RegExp(`messages=${count}\\b`), folder);
      }
      const unseen = await stack.doveadm(['mailbox', 'status', '-u', alice.email, 'unseen', 'INBOX']);
      assert.match(unseen, new RegExp(`\\bunseen=${fixture.unreadInInbox}\\b`));
      const threadReplies = await stack.doveadm(['search', '-u', alice.email, 'mailbox', 'INBOX', 'header', 'In-Reply-To', 'thread-']);
      assert.ok(threadReplies.trim().split('\n').length >= 10, 'threads have In-Reply-To');
    } finally {
      const configDirectory = path.dirname(stack.dovecotConfigFile);
      const dovecotProcesses = stack.dovecotProcessIds();
      assert.ok(dovecotProcesses.length >= 3, 'master and its children were found while running');
      await stack.stop();
      assert.equal(await isPortClosed(stack.imap.port), true, 'IMAP port closed');
      assert.equal(await isPortClosed(stack.smtp.port), true, 'SMTP port closed');
      assert.equal(await isPortClosed(stack.smtpStartTls.port), true, 'SMTP STARTTLS port closed');
      assert.equal(await isPortClosed(Number(new URL(stack.issuer).port)), true, 'issuer port closed');
      assert.equal(fs.existsSync(configDirectory), false, 'temp directory removed');
      const leftovers = dovecotProcesses.filter(isRunning);
      assert.deepEqual(leftovers, [], 'no Dovecot process of this stack remains');
      assert.deepEqual(stack.dovecotProcessIds(), [], 'no process of this Dovecot instance remains');
    }
  });
});

interface CliSummary {
  issuer: string;
  imap: { port: number };
  smtp: { port: number };
  dovecotConfigFile: string;
}

/** Starts the stack CLI in its own Node process and resolves with the summary it prints. */
function startCli(): Promise<{ child: childProcess.ChildProcess; summary: CliSummary }> {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(process.execPath, [path.join(__dirname, 'cli.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = /^STACK (.*)$/m.exec(output);
      if (line) resolve({ child, summary: JSON.parse(line[1]) as CliSummary });
    });
    child.once('exit', (code) => reject(new Error(`stack CLI exited with ${code}: ${errors}`)));
  });
}

function processesMentioning(text: string): number[] {
  return findProcesses((commandLine) => commandLine.includes(text));
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('local stack CLI', function () {
  this.timeout(30_000);

  it('prints a STACK line and stops cleanly on SIGTERM', async function () {
    const { child, summary } = await startCli();
    const directory = path.dirname(summary.dovecotConfigFile);
    const instance = `dovecot-mailroom-test-${path.basename(directory)}/`;
    assert.ok(processesMentioning(instance).length > 0, 'Dovecot runs');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(fs.existsSync(directory), false, 'temp directory removed');
    assert.deepEqual(processesMentioning(instance), []);
    assert.equal(await isPortClosed(summary.imap.port), true);
    assert.equal(await isPortClosed(summary.smtp.port), true);
    assert.equal(await isPortClosed(Number(new URL(summary.issuer).port)), true);
  });

  it('takes Dovecot down with it when its Node process is killed, and the next start removes its directory', async function () {
    const { child, summary } = await startCli();
    const directory = path.dirname(summary.dovecotConfigFile);
    const instance = `dovecot-mailroom-test-${path.basename(directory)}/`;
    assert.ok(processesMentioning(instance).length > 0, 'Dovecot runs');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    assert.ok(
      await eventually(() => processesMentioning(instance).length === 0 && processesMentioning(summary.dovecotConfigFile).length === 0, 5000),
      'no Dovecot process survives',
    );
    assert.equal(await isPortClosed(summary.imap.port), true);
    assert.ok(fs.existsSync(directory), 'a killed stack cannot clean up after itself');
    assert.ok(removeStaleStacks(path.dirname(directory)).includes(directory));
    assert.equal(fs.existsSync(directory), false);
  });
});

describe('fixture mailbox content', function () {
  const now = new Date('2026-11-25T12:00:00Z');
  const messages = buildFixtureMessages(now);
  const raw = messages.map((message) => buildMessage(message.spec).toString('utf8'));

  it('is the same on every run', function () {
    const again = buildFixtureMessages(now).map((message) => buildMessage(message.spec).toString('utf8'));
    assert.deepEqual(again, raw);
  });

  it('has the variety the inbox needs to be exercised', function () {
    assert.ok(messages.length >= 250 && messages.length <= 500, `${messages.length} messages`);
    const inbox = messages.filter((message) => message.folder === 'INBOX');
    assert.ok(inbox.filter((message) => !message.flags.includes('Seen')).length >= 10, 'unread mail');
    assert.ok(inbox.filter((message) => message.flags.includes('Flagged')).length >= 5, 'flagged mail');
    assert.deepEqual([...new Set(messages.map((message) => message.folder))].sort(), [
      'Archive',
      'Drafts',
      'INBOX',
      'Junk',
      'Projects/Mailroom',
      'Sent',
      'Trash',
    ]);
    assert.ok(raw.filter((text) => /^In-Reply-To: </m.test(text) && /^References: </m.test(text)).length >= 40, 'threads');
    assert.ok(raw.filter((text) => /Content-Type: text\/html/.test(text)).length >= 30, 'HTML mail');
    assert.ok(
      messages.some((message) => /<img src="https:\/\//.test(message.spec.html ?? '')),
      'remote images',
    );
    assert.ok(raw.filter((text) => /Content-Disposition: attachment/.test(text)).length >= 20, 'attachments');
    assert.ok(
      raw.some((text) => /^Subject: =\?UTF-8\?B\?/m.test(text)),
      'non-ASCII subjects, encoded',
    );
    assert.ok(
      raw.some((text) => /^From: =\?UTF-8\?B\?/m.test(text)),
      'non-ASCII sender names, encoded',
    );
    assert.ok(
      messages.some((message) => /export function|def |SELECT /.test(message.spec.text ?? '')),
      'code snippets',
    );
    assert.ok(
      messages.every((message) => message.spec.date.getTime() <= now.getTime()),
      'no mail from the future',
    );
  });
});
