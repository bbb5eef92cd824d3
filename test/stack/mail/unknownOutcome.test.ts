// [SEC-32] A send whose connection drops after the message was handed over (DATA done, no reply yet)
// is neither "sent" nor "failed": the draft is kept, and Retry first looks for the Message-ID in Sent;
// found, the message counts as sent and is not sent again; not found, the user decides. A tiny SMTP
// server on loopback takes the message and hangs up before replying, and counts what reaches it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { MailAccount } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { testLogger } from '../../support/logging';
import { withTestTransport } from '../../../src/util/testTransport';

const quiet = testLogger();
const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'stack', 'fixtures');

/** When the server hangs up on the first connection: after taking the message, or before DATA. */
type HangUp = 'afterData' | 'beforeData';

interface HangingUpServer {
  port: number;
  /** The messages the server received in full (each ends with the "." line). */
  messages: string[];
  close(): Promise<void>;
}

/** Implicit TLS, XOAUTH2 accepted as is; the first connection hangs up as told, later ones behave. */
async function startHangingUpServer(hangUp: HangUp): Promise<HangingUpServer> {
  const messages: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = tls.createServer({ key: fs.readFileSync(join(fixtures, 'server.key')), cert: fs.readFileSync(join(fixtures, 'server.pem')) }, (socket) => {
    const first = connections++ === 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('220 hanging-up test server\r\n');
    let buffer = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) {
            return;
          }
          messages.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          if (first && hangUp === 'afterData') {
            socket.destroy();
            return;
          }
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline === -1) {
          return;
        }
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') {
          socket.write('250-hanging-up test server\r\n250 AUTH XOAUTH2\r\n');
        } else if (verb === 'AUTH') {
          socket.write('235 2.7.0 accepted\r\n');
        } else if (verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') {
          socket.write('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          socket.write('250 2.1.5 ok\r\n');
        } else if (verb === 'DATA') {
          if (first && hangUp === 'beforeData') {
            socket.destroy();
            return;
          }
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else {
          socket.write('502 5.5.2 not here\r\n');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function accountAt(port: number): MailAccount {
  const endpoint = { host: '127.0.0.1', port, implicitTls: true };
  return { id: 'acc', provider: 'oidc', email: 'alice@mailroom.test', imap: endpoint, smtp: endpoint, serverSavesSent: false };
}

const message: OutgoingMessage = {
  from: { address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }],
  cc: [],
  bcc: [],
  subject: 'Only once, please',
  text: 'Hello Bob.',
  html: '<p>Hello Bob.</p>',
  attachments: [],
};

describe('a send with an unknown outcome', function () {
  this.timeout(20_000);
  let directory: string;
  let server: HangingUpServer | undefined;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-unknown-'));
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(directory, { recursive: true, force: true });
  });

  function world(sent: Set<string>): { outbox: Outbox; drafts: DraftStore; searched: string[] } {
    const searched: string[] = [];
    const sender = new SmtpSender(
      withTestTransport(
        {
          accounts: { getAccessToken: async () => 'AT-test', requireSignIn: () => undefined },
          logger: quiet,
          rateLimiter: new SendRateLimiter(() => 100),
          maxMessageBytes: () => 1024 * 1024,
          connectTimeoutMs: 5_000,
        },
        { extraCa: fs.readFileSync(join(fixtures, 'ca.pem'), 'utf8') },
      ),
    );
    const drafts = new DraftStore(directory, quiet);
    const findInSent = async (_account: MailAccount, messageId: string): Promise<boolean> => {
      searched.push(messageId);
      return sent.has(messageId);
    };
    return { outbox: new Outbox({ sender, drafts, logger: quiet, findInSent }), drafts, searched };
  }

  it('[SEC-32] a connection lost after DATA is "may already have been sent": the draft is kept, and Retry finds it in Sent and does not send again', async () => {
    server = await startHangingUpServer('afterData');
    const sentFolder = new Set<string>();
    const { outbox, drafts, searched } = world(sentFolder);
    const account = accountAt(server.port);

    const first = await outbox.send(account, message);
    assert.ok(first.status === 'failed', first.status);
    assert.equal(first.error.code, 'SendOutcomeUnknown');
    assert.match(first.error.message, /may already have been sent/);
    assert.equal(first.draft.failure?.code, 'SendOutcomeUnknown');
    assert.equal((await drafts.list()).length, 1, 'the draft is kept');
    assert.equal(server.messages.length, 1, 'the server did receive it');
    assert.ok(server.messages[0]?.includes(`Message-ID: ${first.draft.messageId}`), 'under the Message-ID the draft keeps');

    // The provider filed it in Sent after all.
    sentFolder.add(first.draft.messageId);
    let asked = 0;
    const retried = await outbox.send(account, first.draft.message, first.draft, { confirmResend: async () => (asked++, true) });
    assert.ok(retried.status === 'sent', retried.status);
    assert.equal(retried.alreadySent, true);
    assert.deepEqual(searched, [first.draft.messageId], 'Sent was searched for its Message-ID first');
    assert.equal(asked, 0, 'nothing to ask: it is in Sent');
    assert.equal(server.messages.length, 1, 'exactly one message reached the server');
    assert.deepEqual(await drafts.list(), [], 'the draft is gone: it was sent');
  });

  it('[SEC-32] not in Sent: Retry asks before sending again, and a "no" sends nothing (a "yes" does send: positive control)', async () => {
    server = await startHangingUpServer('afterData');
    const { outbox, drafts } = world(new Set());
    const account = accountAt(server.port);
    const first = await outbox.send(account, message);
    assert.ok(first.status === 'failed' && first.error.code === 'SendOutcomeUnknown');

    const questions: boolean[] = [];
    const declined = await outbox.send(account, first.draft.message, first.draft, {
      confirmResend: async (context) => (questions.push(context.searchedSent), false),
    });
    assert.ok(declined.status === 'failed');
    assert.equal(declined.error.code, 'SendOutcomeUnknown');
    assert.deepEqual(questions, [true], 'asked once, after Sent was searched');
    assert.equal(server.messages.length, 1, 'declined: nothing sent again');
    assert.equal((await drafts.list()).length, 1, 'the draft is still kept');

    const confirmed = await outbox.send(account, first.draft.message, first.draft, { confirmResend: async () => true });
    assert.ok(confirmed.status === 'sent');
    assert.equal(server.messages.length, 2, 'confirmed: sent again, with the same Message-ID');
    assert.ok(server.messages[1]?.includes(`Message-ID: ${first.draft.messageId}`));
    assert.deepEqual(await drafts.list(), []);
  });

  it('without anyone to ask, Retry of an unknown outcome never sends again', async () => {
    server = await startHangingUpServer('afterData');
    const { outbox } = world(new Set());
    const account = accountAt(server.port);
    const first = await outbox.send(account, message);
    assert.ok(first.status === 'failed');
    const retried = await outbox.send(account, first.draft.message, first.draft);
    assert.ok(retried.status === 'failed' && retried.error.code === 'SendOutcomeUnknown');
    assert.equal(server.messages.length, 1);
  });

  it('a connection lost before DATA is a plain failure: nothing reached the server, Retry just sends', async () => {
    server = await startHangingUpServer('beforeData');
    const { outbox, searched } = world(new Set());
    const account = accountAt(server.port);
    const first = await outbox.send(account, message);
    assert.ok(first.status === 'failed');
    assert.equal(first.error.code, 'ConnectionFailed');
    assert.equal(server.messages.length, 0);
    const retried = await outbox.send(account, first.draft.message, first.draft);
    assert.ok(retried.status === 'sent');
    assert.deepEqual(searched, [], 'no search needed');
    assert.equal(server.messages.length, 1);
  });
});
