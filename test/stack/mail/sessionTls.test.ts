// [SEC-24] The IMAP session refuses servers it cannot verify or that offer no TLS, before any
// authentication: fake servers on loopback record everything they receive.
import * as assert from 'node:assert/strict';
import { MailSession } from '../../../src/mail/connection';
import { isMailroomError } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { account, fakeAccounts, selfSignedCertificate, sentinelToken, startPlainServer, startScriptedTlsServer, startTlsServer } from '../fakeImapServer';
import { recordingLogger } from '../../support/logging';
import type { Certificate } from '../fakeImapServer';

describe('IMAP transport security', function () {
  this.timeout(20_000);
  let certificate: Certificate;

  before(() => {
    certificate = selfSignedCertificate();
  });

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
    const server = await startTlsServer(certificate);
    const logs: string[] = [];
    const accounts = fakeAccounts();
    try {
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, true), { accounts, logger: recordingLogger(logs).logger }));
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
    const server = await startTlsServer(certificate);
    try {
      const session = new MailSession(
        account(server.port, true),
        withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger }, { extraCa: certificate.cert }),
      );
      await connectAndExpectRefusal(session);
      assert.equal(server.secureConnections, 1);
      assert.ok(server.received.length > 0, 'the client spoke once TLS was verified');
    } finally {
      await server.close();
    }
  });

  it('[SEC-24] the IDLE connection does not retry a TLS refusal on its own; a dropped connection it does retry', async () => {
    const waitMs = 2_000;
    const untrusted = await startTlsServer(certificate);
    const dropping = await startScriptedTlsServer(certificate, { dropOnAuthenticate: true });
    const refusedLogs: string[] = [];
    const droppedLogs: string[] = [];
    const refused = new MailSession(account(untrusted.port, true), { accounts: fakeAccounts(), logger: recordingLogger(refusedLogs).logger, random: () => 0 });
    const dropped = new MailSession(
      account(dropping.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger(droppedLogs).logger, random: () => 0 }, { extraCa: certificate.cert }),
    );
    const attempts = (logs: string[]): number => logs.filter((line) => line.includes('IMAP IDLE connection failed')).length;
    try {
      refused.watch('INBOX');
      dropped.watch('INBOX');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      assert.ok(attempts(droppedLogs) >= 2, `positive control: a dropped connection is retried within ${waitMs} ms (${attempts(droppedLogs)} attempts)`);
      assert.equal(attempts(refusedLogs), 1, 'a TLS refusal is tried once');
      assert.equal(refused.state, 'offline');
    } finally {
      await Promise.all([refused.dispose(), dropped.dispose()]);
      await Promise.all([untrusted.close(), dropping.close()]);
    }
  });

  it('[SEC-24] a server without STARTTLS is refused; nothing is authenticated in plaintext', async () => {
    const server = await startPlainServer(false);
    try {
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, false), { accounts: fakeAccounts(), logger: recordingLogger().logger }));
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
      const error = await connectAndExpectRefusal(new MailSession(account(server.port, false), { accounts: fakeAccounts(), logger: recordingLogger().logger }));
      assert.ok(isMailroomError(error), String(error));
      assert.match(server.received, /STARTTLS/i, 'the client asked for TLS');
      assert.doesNotMatch(server.received, /AUTHENTICATE|LOGIN/i);
      assert.ok(!server.received.includes(sentinelToken));
    } finally {
      await server.close();
    }
  });
});
