// [SEC-24] The IMAP session refuses servers it cannot verify or that offer no TLS, before any
// authentication: fake servers on loopback record everything they receive.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { MailAccount } from '../../../src/auth/accounts';
import { MailSession } from '../../../src/mail/session';
import { isMailroomError } from '../../../src/util/errors';
import { Logger } from '../../../src/util/log';

const sentinelToken = 'AT-SENTINEL-tls-test';

interface Recorder {
  port: number;
  /** Everything received after the transport was up (TLS established or plain TCP). */
  received: string;
  secureConnections: number;
  close(): Promise<void>;
}

function recordingLogger(lines: string[]): Logger {
  const write = (line: string): void => {
    lines.push(line);
  };
  return new Logger({ trace: write, debug: write, info: write, warn: write, error: write });
}

function account(port: number, implicitTls: boolean): MailAccount {
  const endpoint = { host: '127.0.0.1', port, implicitTls };
  return { id: 'test|alice', provider: 'oidc', email: 'alice@mailroom.test', imap: endpoint, smtp: endpoint, serverSavesSent: false };
}

function fakeAccounts(): { getAccessToken: () => Promise<string>; requireSignIn: () => void; signInRequired: number } {
  const state = {
    signInRequired: 0,
    getAccessToken: async (): Promise<string> => sentinelToken,
    requireSignIn: (): void => {
      state.signInRequired++;
    },
  };
  return state;
}

/** A TLS server with a self-signed certificate nobody trusts; it greets like IMAP once TLS is up. */
function startTlsServer(key: string, cert: string): Promise<Recorder> {
  const recorder = { received: '', secureConnections: 0 } as Recorder;
  const server = tls.createServer({ key, cert }, (socket) => {
    recorder.secureConnections++;
    socket.on('data', (chunk: Buffer) => {
      recorder.received += chunk.toString('latin1');
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER] fake ready\r\n');
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, recorder);
}

/** A plaintext IMAP server: without STARTTLS, or offering STARTTLS and then refusing it. */
function startPlainServer(offerStartTls: boolean): Promise<Recorder> {
  const recorder = { received: '', secureConnections: 0 } as Recorder;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(`* OK [CAPABILITY IMAP4rev1 ${offerStartTls ? 'STARTTLS ' : ''}AUTH=XOAUTH2 AUTH=PLAIN] fake ready\r\n`);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      recorder.received += chunk.toString('latin1');
      buffer += chunk.toString('latin1');
      let newline = buffer.indexOf('\r\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const [tag = '*', command = ''] = line.split(' ');
        if (/^CAPABILITY$/i.test(command)) {
          socket.write(`* CAPABILITY IMAP4rev1 ${offerStartTls ? 'STARTTLS ' : ''}AUTH=XOAUTH2 AUTH=PLAIN\r\n${tag} OK done\r\n`);
        } else if (/^STARTTLS$/i.test(command)) {
          socket.write(`${tag} NO not today\r\n`);
        } else if (/^ID$/i.test(command)) {
          socket.write(`* ID NIL\r\n${tag} OK done\r\n`);
        } else {
          socket.write(`${tag} NO nothing here\r\n`);
        }
        newline = buffer.indexOf('\r\n');
      }
    });
  });
  return listen(server, recorder);
}

function listen(server: net.Server, recorder: Recorder): Promise<Recorder> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      recorder.port = (server.address() as net.AddressInfo).port;
      recorder.close = () => new Promise<void>((done) => server.close(() => done()));
      resolve(recorder);
    });
  });
}

describe('IMAP transport security', function () {
  this.timeout(20_000);
  let certificate: { key: string; cert: string };
  let directory: string;

  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-'));
    const keyFile = path.join(directory, 'key.pem');
    const certFile = path.join(directory, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    certificate = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  });

  after(() => fs.rmSync(directory, { recursive: true, force: true }));

  async function connectAndExpectRefusal(session: MailSession): Promise<unknown> {
    try {
      await session.folders();
    } catch (error) {
      return error;
    } finally {
      await session.dispose();
    }
    assert.fail('the session connected');
  }

  it('[SEC-24] an untrusted certificate is refused before authentication', async () => {
    const server = await startTlsServer(certificate.key, certificate.cert);
    const logs: string[] = [];
    const accounts = fakeAccounts();
    try {
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, true), { accounts, logger: recordingLogger(logs) }));
      assert.ok(isMailroomError(error, 'ConnectionFailed'), `expected a TLS refusal, got ${String(error)}`);
      assert.equal(server.secureConnections, 0, 'the TLS handshake must not complete');
      assert.equal(server.received, '', 'nothing may be sent to an unverified server');
      assert.equal(accounts.signInRequired, 0);
      assert.ok(!logs.join('\n').includes(sentinelToken), 'the token never reaches the log');
    } finally {
      await server.close();
    }
  });

  it('[SEC-24] the same server, once its certificate is trusted, is reached (the test server works)', async () => {
    const server = await startTlsServer(certificate.key, certificate.cert);
    try {
      const session = new MailSession(account(server.port, true), { accounts: fakeAccounts(), logger: recordingLogger([]), extraCa: certificate.cert });
      await connectAndExpectRefusal(session);
      assert.equal(server.secureConnections, 1);
      assert.ok(server.received.length > 0, 'the client spoke once TLS was verified');
    } finally {
      await server.close();
    }
  });

  it('[SEC-24] a server without STARTTLS is refused; nothing is authenticated in plaintext', async () => {
    const server = await startPlainServer(false);
    try {
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, false), { accounts: fakeAccounts(), logger: recordingLogger([]) }));
      assert.ok(isMailroomError(error), String(error));
      assert.doesNotMatch(server.received, /AUTHENTICATE|LOGIN/i);
      assert.ok(!server.received.includes(sentinelToken));
    } finally {
      await server.close();
    }
  });

  it('[SEC-24] a STARTTLS that fails does not fall back to plaintext', async () => {
    const server = await startPlainServer(true);
    try {
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, false), { accounts: fakeAccounts(), logger: recordingLogger([]) }));
      assert.ok(isMailroomError(error), String(error));
      assert.match(server.received, /STARTTLS/i, 'the client asked for TLS');
      assert.doesNotMatch(server.received, /AUTHENTICATE|LOGIN/i);
      assert.ok(!server.received.includes(sentinelToken));
    } finally {
      await server.close();
    }
  });
});
