// [SEC-31] Throttling answers make the session back off instead of retrying or refreshing tokens.
import * as assert from 'node:assert/strict';
import { MailSession } from '../../../src/mail/connection';
import { isMailroomError } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { systemClock } from '../../../src/util/clock';
import { account, fakeAccounts, selfSignedCertificate, startScriptedTlsServer } from '../fakeImapServer';
import { recordingLogger } from '../../support/logging';
import type { Certificate } from '../fakeImapServer';

describe('IMAP throttling', function () {
  this.timeout(20_000);
  let certificate: Certificate;

  before(() => {
    certificate = selfSignedCertificate();
  });

  /** How long each test watches for a retry that must not come. */
  const quietMs = 2_000;

  for (const answer of [
    'NO [LIMIT] Too many simultaneous connections',
    'NO [THROTTLED] Slow down',
    'NO [UNAVAILABLE] Try again later',
    'NO [INUSE] Mailbox in use',
  ]) {
    it(`[SEC-31] "${answer}" backs off: no token refresh, no sign-in prompt, no quick retry`, async () => {
      const server = await startScriptedTlsServer(certificate, { authenticate: answer });
      const accounts = fakeAccounts();
      let tokenCalls = 0;
      const counting = { ...accounts, getAccessToken: async (): Promise<string> => (tokenCalls++, accounts.getAccessToken()) };
      const session = new MailSession(
        account(server.port, true),
        withTestTransport({ accounts: counting, logger: recordingLogger().logger, random: () => 0 }, { extraCa: certificate.cert }),
      );
      try {
        session.watch('INBOX');
        const error = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(error, 'Throttled'), String(error));
        // The IDLE connection's next attempt waits at least 15 s (throttled floor); nothing happens for 2 s.
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        assert.equal(server.connections, 2, 'one attempt per connection, no retry yet');
        assert.equal(tokenCalls, 2, 'no forced refresh for throttling');
        assert.equal(accounts.signInRequired, 0);
        assert.equal(session.state, 'offline');
      } finally {
        await session.dispose();
        await server.close();
      }
    });
  }

  it('[SEC-31] positive control: the same wait sees the retry after a dropped connection, which is not throttling', async () => {
    const server = await startScriptedTlsServer(certificate, { dropOnAuthenticate: true });
    const session = new MailSession(
      account(server.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, random: () => 0 }, { extraCa: certificate.cert }),
    );
    try {
      session.watch('INBOX');
      const error = await session.folders().catch((failure: unknown) => failure);
      assert.ok(isMailroomError(error, 'NetworkError'), String(error));
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      assert.ok(server.connections > 2, `no retry within ${quietMs} ms: ${server.connections} connections`);
    } finally {
      await session.dispose();
      await server.close();
    }
  });

  describe("the back-off is the session's, not only the IDLE connection's", () => {
    let clock: number;
    const sessionAt = (port: number): MailSession =>
      new MailSession(
        account(port, true),
        withTestTransport(
          { accounts: fakeAccounts(), logger: recordingLogger().logger, random: () => 0, clock: { now: () => clock, sleep: systemClock.sleep } },
          { extraCa: certificate.cert },
        ),
      );

    beforeEach(() => {
      clock = 1_000_000;
    });

    it('[SEC-31] after [THROTTLED] the next request fails fast, says how long, and connects again only once the wait is over', async () => {
      const server = await startScriptedTlsServer(certificate, { authenticate: 'NO [THROTTLED] Slow down' });
      const session = sessionAt(server.port);
      try {
        const first = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(first, 'Throttled'), String(first));
        assert.equal(first.retryAfterMs, 15_000, 'the throttled floor, with no jitter');
        assert.equal(server.connections, 1);

        const second = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(second, 'Throttled'), String(second));
        assert.match(second.message, /slow down.*15 s/);
        assert.equal(second.retryAfterMs, 15_000);
        assert.equal(server.connections, 1, "no connection while the server's wait lasts");

        clock += 14_000;
        const third = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(third, 'Throttled'));
        assert.match(third.message, /1 s/);
        assert.equal(server.connections, 1);

        // Positive control: the same request once the wait is over does reach the server.
        clock += 1_000;
        const fourth = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(fourth, 'Throttled'), 'the server still says slow down');
        assert.equal(server.connections, 2, 'connected again once the wait was over');
      } finally {
        await session.dispose();
        await server.close();
      }
    });

    it('[SEC-31] a [LIMIT] answered to the IDLE connection holds back the command connection too', async () => {
      const server = await startScriptedTlsServer(certificate, { authenticate: 'NO [LIMIT] Too many simultaneous connections' });
      const session = sessionAt(server.port);
      try {
        session.watch('INBOX');
        const deadline = Date.now() + 5_000;
        while (session.state !== 'offline' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal(session.state, 'offline');
        assert.equal(server.connections, 1, 'the IDLE connection was refused');
        const error = await session.folders().catch((failure: unknown) => failure);
        assert.ok(isMailroomError(error, 'Throttled'), String(error));
        assert.equal(server.connections, 1, 'the UI request did not knock again');
        clock += 15_000;
        await session.folders().catch(() => undefined);
        assert.equal(server.connections, 2, 'positive control: after the wait it connects');
      } finally {
        await session.dispose();
        await server.close();
      }
    });
  });
});
