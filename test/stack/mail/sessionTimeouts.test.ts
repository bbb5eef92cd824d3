// [SEC-31] A server that greets and then stops answering (without closing) holds nothing for long:
// the command connection fails within its timeout as a network error, and an IDLE connection whose
// setup hangs is abandoned and retried. Timeouts are shortened for the test; the product's are tens of seconds.
import * as assert from 'node:assert/strict';
import { MailSession } from '../../../src/mail/connection';
import { isMailroomError } from '../../../src/util/errors';
import { account, fakeAccounts, selfSignedCertificate, startScriptedTlsServer } from '../fakeImapServer';
import { recordingLogger } from '../../support/logging';
import type { Certificate } from '../fakeImapServer';
import { withTestTransport } from '../../../src/util/testTransport';

const timeouts = { connectMs: 500, commandMs: 500 };

describe('IMAP timeouts', function () {
  this.timeout(20_000);
  let certificate: Certificate;

  before(() => {
    certificate = selfSignedCertificate();
  });

  it('[SEC-31] a command connection whose server stops answering after the greeting fails within the timeout, as a network error', async () => {
    const server = await startScriptedTlsServer(certificate, { silentAfterGreeting: true });
    const session = new MailSession(
      account(server.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, random: () => 0, timeouts }, { extraCa: certificate.cert }),
    );
    try {
      const started = Date.now();
      const outcome = await Promise.race([
        session.folders().then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000)),
      ]);
      const elapsed = Date.now() - started;
      assert.ok(isMailroomError(outcome, 'NetworkError'), `a network error, got: ${String(outcome)}`);
      assert.ok(elapsed < timeouts.commandMs * 4, `within the bound (${elapsed} ms)`);
      assert.equal(session.state, 'offline');
    } finally {
      await session.dispose();
      await server.close();
    }
  });

  it('[SEC-31] an IDLE connection whose setup hangs is abandoned and opened again', async () => {
    const server = await startScriptedTlsServer(certificate, { silentAfterGreeting: true });
    const session = new MailSession(
      account(server.port, true),
      withTestTransport({ accounts: fakeAccounts(), logger: recordingLogger().logger, random: () => 0, timeouts }, { extraCa: certificate.cert }),
    );
    try {
      session.watch('INBOX');
      // Setup bound 1 s, then the first back-off (0.5 s with no jitter): a second attempt well within 4 s.
      const deadline = Date.now() + 4_000;
      while (server.connections < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(server.connections >= 2, `the hung IDLE connection was retried (${server.connections} connection(s))`);
    } finally {
      await session.dispose();
      await server.close();
    }
  });
});
