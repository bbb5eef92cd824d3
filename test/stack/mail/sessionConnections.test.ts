// [SEC-31] The IDLE command is renewed on Mailroom's clock before the 29 minutes after which a server may
// drop it, and a failed connection attempt never stays logged in beside the next one; counted at a
// scripted IMAP server on loopback.
import * as assert from 'node:assert/strict';
import { MailSession, IDLE_RENEWAL_MS } from '../../../src/mail/connection';
import { withTestTransport } from '../../../src/util/testTransport';
import { FakeClock } from '../../support/clock';
import { account, fakeAccounts, selfSignedCertificate, startScriptedTlsServer } from '../fakeImapServer';
import { recordingLogger } from '../../support/logging';
import type { Certificate, Recorder } from '../fakeImapServer';

const minute = 60_000;

/** Real time for imapflow to answer what the fake clock set off (its auto-IDLE starts 100 ms after a command). */
const settleMs = 1_500;

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}

/** Polls `condition` in real time for at most `withinMs`. */
async function eventually(condition: () => boolean, withinMs = settleMs): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function idles(server: Recorder): number {
  return server.commands.filter((command) => command === 'IDLE').length;
}

describe('IMAP connections and IDLE renewal', function () {
  this.timeout(30_000);
  let certificate: Certificate;
  let server: Recorder;
  let session: MailSession | undefined;

  before(() => {
    certificate = selfSignedCertificate();
  });

  beforeEach(async () => {
    server = await startScriptedTlsServer(certificate, { authenticate: 'OK authenticated', inbox: true });
  });

  afterEach(async () => {
    await session?.dispose();
    session = undefined;
    await server.close();
  });

  it('[SEC-31] renews IDLE before 29 minutes, on the same connection, again and again; not before its time', async () => {
    assert.ok(IDLE_RENEWAL_MS < 29 * minute);
    const clock = new FakeClock();
    session = new MailSession(
      account(server.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, clock }, { extraCa: certificate.cert }),
    );
    session.watch('INBOX');
    assert.ok(await eventually(() => idles(server) === 1, 10_000), `IDLE never started: ${server.commands.join(' ')}`);

    // One second before the renewal is due: nothing may happen within the settle time…
    await clock.advance(IDLE_RENEWAL_MS - 1_000, 1_000);
    await settle();
    assert.equal(idles(server), 1, `renewed too early: ${server.commands.join(' ')}`);
    assert.ok(!server.commands.includes('DONE'));
    // …and the same wait sees the renewal once the clock reaches it (the positive control).
    await clock.advance(1_000, 1_000);
    assert.ok(await eventually(() => idles(server) === 2), `IDLE was not renewed at ${IDLE_RENEWAL_MS / minute} minutes: ${server.commands.join(' ')}`);
    assert.ok(clock.now() < 29 * minute);
    assert.deepEqual(server.commands.slice(server.commands.indexOf('DONE')), ['DONE', 'NOOP', 'IDLE'], 'the IDLE was ended and a fresh one issued');

    await clock.advance(IDLE_RENEWAL_MS, 1_000);
    assert.ok(await eventually(() => idles(server) === 3), 'the renewal repeats');
    assert.equal(server.connections, 1, 'renewal keeps the connection');
    assert.equal(server.closedConnections, 0);
  });

  it('[SEC-31] a disposed session renews nothing', async () => {
    const clock = new FakeClock();
    session = new MailSession(
      account(server.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, clock }, { extraCa: certificate.cert }),
    );
    session.watch('INBOX');
    assert.ok(await eventually(() => idles(server) === 1, 10_000));
    await session.dispose();
    session = undefined;
    const commandsAtDispose = server.commands.length;
    await clock.advance(2 * IDLE_RENEWAL_MS, 60_000);
    await settle();
    assert.deepEqual(
      server.commands.slice(commandsAtDispose).filter((command) => command !== 'LOGOUT' && command !== 'DONE'),
      [],
    );
  });

  it('[SEC-31] a folder list that fails leaves one command connection, reused by the next attempt, never a second beside it', async () => {
    const failing = await startScriptedTlsServer(certificate, { authenticate: 'OK authenticated' });
    const failingSession = new MailSession(
      account(failing.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, random: () => 0 }, { extraCa: certificate.cert }),
    );
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await assert.rejects(failingSession.folders());
        assert.equal(failing.connections - failing.closedConnections, 1, `attempt ${attempt}: connections open`);
      }
      assert.equal(failing.connections, 1, 'the folder list is asked for on the connection that is open');
    } finally {
      await failingSession.dispose();
      await failing.close();
    }
  });
});
