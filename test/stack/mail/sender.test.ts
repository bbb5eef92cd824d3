import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAuthentication, SMTPServerOptions } from 'smtp-server';
import type { MailAccount, MailAccounts } from '../../../src/auth/accountApi';
import { MailroomError, isMailroomError } from '../../../src/util/errors';
import type { Logger } from '../../../src/util/log';
import { recordingLogger } from '../../support/logging';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { withTestTransport } from '../../../src/util/testTransport';
import { loadTlsFixtures } from '../tlsFixtures';
import { FakeClock } from '../../support/clock';

/** What a local SMTP server saw: every connection, every AUTH attempt, every accepted message. */
interface ServerLog {
  connections: number;
  authAttempts: string[];
  messages: { to: string[]; raw: Buffer }[];
}

interface LocalServer {
  port: number;
  log: ServerLog;
  stop(): Promise<void>;
}

async function startServer(options: Partial<SMTPServerOptions> & { validTokens?: Set<string> }): Promise<LocalServer> {
  const log: ServerLog = { connections: 0, authAttempts: [], messages: [] };
  const validTokens = options.validTokens ?? new Set(['AT-SENTINEL-good']);
  const server = new SMTPServer({
    authMethods: ['XOAUTH2'],
    logger: false,
    closeTimeout: 100,
    onConnect(_session, callback) {
      log.connections += 1;
      callback();
    },
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      log.authAttempts.push(auth.accessToken ?? '');
      if (auth.accessToken && validTokens.has(auth.accessToken)) {
        callback(null, { user: auth.username });
      } else {
        callback(null, { data: { status: '401', schemes: 'bearer' } });
      }
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) {
        callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('5.3.4 Message too big'), { responseCode: 552 }));
          return;
        }
        log.messages.push({ to: session.envelope.rcptTo.map((recipient) => recipient.address), raw: Buffer.concat(chunks) });
        callback();
      });
    },
    ...options,
  });
  // Refused TLS handshakes are expected here; the server reports them as errors.
  server.on('error', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
  return { port, log, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Token source with an allow-list, as the contract requires of the real one. */
class FakeTokens implements Pick<MailAccounts, 'getAccessToken' | 'requireSignIn'> {
  public readonly requests: { host: string; forceRefresh: boolean }[] = [];
  public readonly signInRequired: string[] = [];

  public constructor(
    private readonly allowedHosts: string[],
    private readonly tokens: string[],
  ) {}

  public async getAccessToken(_accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string> {
    if (!this.allowedHosts.includes(host)) {
      throw new MailroomError('HostNotAllowed', `${host} is not a mail host of this account`);
    }
    this.requests.push({ host, forceRefresh: options?.forceRefresh === true });
    const refreshes = this.requests.filter((request) => request.forceRefresh).length;
    return this.tokens[Math.min(refreshes, this.tokens.length - 1)];
  }

  public requireSignIn(accountId: string): void {
    this.signInRequired.push(accountId);
  }

  public get refreshCount(): number {
    return this.requests.filter((request) => request.forceRefresh).length;
  }
}

function account(port: number, overrides: Partial<MailAccount> = {}): MailAccount {
  return {
    id: 'https://issuer.test|alice',
    provider: 'oidc',
    email: 'alice@mailroom.test',
    imap: { host: '127.0.0.1', port: 1, implicitTls: true },
    smtp: { host: '127.0.0.1', port, implicitTls: true },
    serverSavesSent: false,
    ...overrides,
  };
}

const message: OutgoingMessage = {
  from: { name: 'Alice', address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }],
  cc: [],
  bcc: [{ address: 'carol@mailroom.test' }],
  subject: 'src/a.ts:L1-L2',
  text: 'hello',
  html: '<p>hello</p>',
  attachments: [],
};

function sender(tokens: FakeTokens, logger: Logger, maxBytes = 10 * 1024 * 1024, rateLimiter = new SendRateLimiter(() => 100)): SmtpSender {
  return new SmtpSender(
    withTestTransport(
      {
        accounts: tokens,
        logger,
        rateLimiter,
        maxMessageBytes: () => maxBytes,
        connectTimeoutMs: 3000,
      },
      { extraCa: loadTlsFixtures().ca },
    ),
  );
}

describe('SMTP sender against a local server', function () {
  this.timeout(15_000);
  const tls = loadTlsFixtures();
  const servers: LocalServer[] = [];
  const start = async (options: Partial<SMTPServerOptions> & { validTokens?: Set<string> }): Promise<LocalServer> => {
    const server = await startServer(options);
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('sends over implicit TLS with XOAUTH2: the server gets exactly the composed bytes, Bcc only in the envelope', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger, lines } = recordingLogger();
    const result = await sender(tokens, logger).send(account(server.port), message);
    assert.deepEqual(result.accepted.sort(), ['bob@mailroom.test', 'carol@mailroom.test']);
    assert.equal(server.log.messages.length, 1);
    assert.deepEqual(server.log.messages[0].raw, result.raw);
    assert.doesNotMatch(result.raw.toString('utf8'), /^Bcc:/im);
    assert.match(result.raw.toString('utf8'), new RegExp(`^Message-ID: ${result.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'im'));
    assert.deepEqual(tokens.requests, [{ host: '127.0.0.1', forceRefresh: false }]);
    assert.ok(
      lines.every((line) => !line.includes('AT-SENTINEL')),
      '[SEC-23] no token in the log',
    );
  });

  it('[SEC-18] refreshes once and retries once when the server rejects the token', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert, validTokens: new Set(['AT-SENTINEL-fresh']) });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-stale', 'AT-SENTINEL-fresh']);
    const { logger } = recordingLogger();
    await sender(tokens, logger).send(account(server.port), message);
    assert.equal(tokens.refreshCount, 1);
    assert.deepEqual(server.log.authAttempts, ['AT-SENTINEL-stale', 'AT-SENTINEL-fresh']);
    assert.equal(server.log.messages.length, 1);
  });

  it('[SEC-18] a second rejection means sign-in required: one refresh, no loop', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert, validTokens: new Set() });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-one', 'AT-SENTINEL-two']);
    const { logger, lines } = recordingLogger();
    await assert.rejects(sender(tokens, logger).send(account(server.port), message), (error: unknown) => isMailroomError(error, 'SignInRequired'));
    assert.equal(tokens.refreshCount, 1);
    assert.equal(server.log.authAttempts.length, 2);
    assert.deepEqual(tokens.signInRequired, ['https://issuer.test|alice']);
    assert.equal(server.log.messages.length, 0);
    assert.ok(
      lines.every((line) => !line.includes('AT-SENTINEL')),
      '[SEC-23] no token in the log',
    );
  });

  it('[SEC-19] never asks for a token for, nor connects to, an SMTP host outside the account allow-list', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert });
    const tokens = new FakeTokens(['smtp.mailroom.test'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    await assert.rejects(sender(tokens, logger).send(account(server.port), message), (error: unknown) => isMailroomError(error, 'HostNotAllowed'));
    assert.equal(server.log.connections, 0);
    assert.deepEqual(server.log.authAttempts, []);
  });

  it('[SEC-24] refuses a server whose certificate is not trusted, before authenticating', async () => {
    // smtp-server's built-in self-signed certificate, which the test CA did not sign.
    const server = await start({ secure: true });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    await assert.rejects(sender(tokens, logger).send(account(server.port), message), (error: unknown) => isMailroomError(error, 'ConnectionFailed'));
    assert.deepEqual(server.log.authAttempts, []);
  });

  it('[SEC-24] requires STARTTLS on a submission port: a server without it is refused before authenticating', async () => {
    const server = await start({ secure: false, disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    await assert.rejects(
      sender(tokens, logger).send(account(server.port, { smtp: { host: '127.0.0.1', port: server.port, implicitTls: false } }), message),
      (error: unknown) => isMailroomError(error, 'ConnectionFailed'),
    );
    assert.deepEqual(server.log.authAttempts, []);
    assert.equal(server.log.messages.length, 0);
  });

  it('[SEC-24] sends over STARTTLS when the server offers it (port 587 style)', async () => {
    const server = await start({ secure: false, key: tls.key, cert: tls.cert });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    await sender(tokens, logger).send(account(server.port, { smtp: { host: '127.0.0.1', port: server.port, implicitTls: false } }), message);
    assert.equal(server.log.messages.length, 1);
  });

  it('maps a refused recipient to RecipientRefused, and reports partial refusals', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    const send = sender(tokens, logger);
    await assert.rejects(
      send.send(account(server.port), { ...message, to: [{ address: 'nobody@mailroom.test' }], bcc: [] }),
      (error: unknown) => isMailroomError(error, 'RecipientRefused') && /nobody@mailroom\.test/.test(error.message),
    );
    const partial = await send.send(account(server.port), { ...message, to: [{ address: 'bob@mailroom.test' }, { address: 'nobody@mailroom.test' }], bcc: [] });
    assert.deepEqual(partial.rejected, ['nobody@mailroom.test']);
    assert.deepEqual(partial.accepted, ['bob@mailroom.test']);
  });

  it("refuses a message over the local size limit before connecting, and maps the server's SIZE refusal", async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert, size: 2048 });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    const big = { ...message, attachments: [{ filename: 'big.bin', content: new Uint8Array(8192) }] };
    await assert.rejects(sender(tokens, logger, 4096).send(account(server.port), big), (error: unknown) => isMailroomError(error, 'MessageTooLarge'));
    assert.equal(server.log.connections, 0);
    await assert.rejects(sender(tokens, logger).send(account(server.port), big), (error: unknown) => isMailroomError(error, 'MessageTooLarge'));
    assert.equal(server.log.messages.length, 0);
  });

  it('[SEC-32] a burst of real sends goes out at the configured rate, the rest waits in the queue', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert });
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    const clock = new FakeClock();
    const send = sender(tokens, logger, 10 * 1024 * 1024, new SendRateLimiter(() => 2, clock));
    const settled: string[] = [];
    const burst = [1, 2, 3, 4, 5].map((index) =>
      send.send(account(server.port), { ...message, subject: `burst ${index}` }).then(
        () => void settled.push(`sent ${index}`),
        () => void settled.push(`failed ${index}`),
      ),
    );
    // After `count` arrived, nothing more may arrive for `quietMs`. Returns how long `count` took to arrive.
    const quietMs = 1_000;
    const delivered = async (count: number): Promise<number> => {
      const started = Date.now();
      for (let attempt = 0; attempt < 100 && server.log.messages.length < count; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const tookMs = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      assert.equal(server.log.messages.length, count);
      return tookMs;
    };
    await delivered(2);
    assert.deepEqual(
      settled.filter((entry) => entry.startsWith('failed')),
      [],
      'queued, not rejected',
    );
    await clock.advance(60_000);
    // Positive control: once the limiter lets them go, queued sends arrive well within the quiet time,
    // so a send that slipped past the limit would have been seen in it.
    const releasedAfterMs = await delivered(4);
    assert.ok(releasedAfterMs < quietMs, `released sends took ${releasedAfterMs} ms, longer than the ${quietMs} ms watched for early ones`);
    await clock.advance(60_000);
    await delivered(5);
    await Promise.all(burst);
    assert.deepEqual(settled.sort(), ['sent 1', 'sent 2', 'sent 3', 'sent 4', 'sent 5']);
  });

  it('maps a server that is down to ConnectionFailed', async () => {
    const server = await start({ secure: true, key: tls.key, cert: tls.cert });
    const port = server.port;
    await servers.splice(0)[0].stop();
    const tokens = new FakeTokens(['127.0.0.1'], ['AT-SENTINEL-good']);
    const { logger } = recordingLogger();
    await assert.rejects(sender(tokens, logger).send(account(port), message), (error: unknown) => isMailroomError(error, 'ConnectionFailed'));
  });
});
