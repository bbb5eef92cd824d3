// [SEC-31] Throttling answers make the session back off instead of retrying or refreshing tokens.
import * as assert from 'node:assert/strict';
import { MailSession } from '../../../src/mail/session';
import { isMailroomError } from '../../../src/util/errors';
import { withTestTransport } from '../../../src/util/testTransport';
import { account, fakeAccounts, recordingLogger, selfSignedCertificate, startScriptedTlsServer } from './fakeImapServer';
import type { Certificate } from './fakeImapServer';

describe('IMAP throttling', function () {
  this.timeout(20_000);
  let certificate: Certificate;

  before(() => {
    certificate = selfSignedCertificate();
  });

  /** How long each test watches for a retry that must not come. */
  const quietMs = 2_000;

  for (const answer of ['NO [LIMIT] Too many simultaneous connections', 'NO [THROTTLED] Slow down', 'NO [UNAVAILABLE] Try again later', 'NO [INUSE] Mailbox in use']) {
    it(`[SEC-31] "${answer}" backs off: no token refresh, no sign-in prompt, no quick retry`, async () => {
      const server = await startScriptedTlsServer(certificate, { authenticate: answer });
      const accounts = fakeAccounts();
      let tokenCalls = 0;
      const counting = { ...accounts, getAccessToken: async (): Promise<string> => (tokenCalls++, accounts.getAccessToken()) };
      const session = new MailSession(account(server.port, true), withTestTransport({ accounts: counting, logger: recordingLogger([]), random: () => 0 }, { extraCa: certificate.cert }));
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
    const session = new MailSession(account(server.port, true), withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger([]), random: () => 0 }, { extraCa: certificate.cert }));
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
});
