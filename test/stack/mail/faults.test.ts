// The mail session against the real Dovecot through a relay that can black-hole the traffic: a server
// that stops answering without closing must fail the request in bounded time with a clear network
// error, take the session offline, and the session must come back on its own once the path is back.
// Runs in the stack layer (NODE_EXTRA_CA_CERTS trusts the test CA).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { MailAccount } from '../../../src/auth/accountApi';
import { appendToSpecialUse } from '../../../src/mail/folders';
import { specialUseHoldsMessageId } from '../../../src/mail/mailbox';
import { MailSession } from '../../../src/mail/connection';
import type { SessionState } from '../../../src/mail/connection';
import { isMailroomError } from '../../../src/util/errors';
import { testLogger } from '../../support/logging';
import { startStack } from '..';
import type { Stack } from '..';
import { startTcpProxy } from '../../e2e/tcpProxy';
import type { TcpProxy } from '../../e2e/tcpProxy';
import { StackMailAccounts } from '../../support/stackAccounts';
import { withTestTransport } from '../../../src/util/testTransport';

const logLines: string[] = [];
const logger = testLogger((line) => void logLines.push(line));

/** Short enough for a test; the product waits tens of seconds (DEFAULT_IMAP_TIMEOUTS). */
const timeouts = { connectMs: 1_500, commandMs: 1_500 };

function waitForState(session: MailSession, wanted: SessionState, timeoutMs: number): Promise<void> {
  if (session.state === wanted) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the session did not become ${wanted} within ${timeoutMs} ms (it is ${session.state})`));
    }, timeoutMs);
    const subscription = session.onDidChangeState((state) => {
      if (state === wanted) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  });
}

describe('IMAP under faults (stack)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let relay: TcpProxy;
  let accounts: StackMailAccounts;
  let alice: MailAccount;

  before(async () => {
    stack = await startStack();
    relay = await startTcpProxy();
    relay.target = stack.imap;
    accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInAs(stack, stack.users[0], { imap: { host: stack.imap.host, port: relay.port, implicitTls: true } });
  });

  after(async () => {
    await relay?.close();
    await stack?.stop();
  });

  it('[SEC-31] a black-holed server fails the request within the timeout as a network error, and the session recovers after the path is back', async () => {
    const session = new MailSession(alice, withTestTransport({ accounts, logger, random: () => 0, timeouts }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      const watching = new Promise<void>((resolve) => {
        const subscription = session.onDidChangeFolder((change) => {
          if (change.kind === 'watching') {
            subscription.dispose();
            resolve();
          }
        });
      });
      session.watch('INBOX');
      await session.folders();
      await watching;

      relay.blackHole();
      const started = Date.now();
      // A bound of our own, so that on a session without a timeout the test fails here instead of hanging for minutes.
      const outcome = await Promise.race([
        session.folders({ refresh: true }).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), timeouts.commandMs * 4)),
      ]);
      const elapsed = Date.now() - started;
      assert.ok(isMailroomError(outcome, 'NetworkError'), `a network error, got: ${String(outcome)}`);
      assert.match(outcome.message, /stopped answering/);
      assert.ok(elapsed >= timeouts.commandMs * 0.8, `not before the timeout (${elapsed} ms)`);
      assert.ok(elapsed < timeouts.commandMs * 2.5, `within the bound (${elapsed} ms)`);
      assert.equal(session.state, 'offline');

      // Still black-holed: a new connection gets no greeting and fails in bounded time too.
      const again = await session.folders().catch((error: unknown) => error);
      assert.ok(isMailroomError(again, 'NetworkError'), String(again));

      await relay.restore();
      // Nobody asks: the session reconnects by itself (the IDLE connection, with back-off) and says so.
      await waitForState(session, 'online', 20_000);
      const folders = await session.folders();
      assert.ok(folders.some((folder) => folder.path === 'INBOX'));
    } finally {
      await session.dispose();
    }
  });

  it('[SEC-32] finds a message in Sent by its Message-ID (how Retry of an unknown-outcome send checks), and not one that is not there', async () => {
    const session = new MailSession(alice, withTestTransport({ accounts, logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      const messageId = `<unknown-outcome-${Date.now()}@mailroom.test>`;
      const raw = [
        'From: alice@mailroom.test',
        'To: bob@mailroom.test',
        'Subject: maybe sent',
        `Message-ID: ${messageId}`,
        `Date: ${new Date().toUTCString()}`,
        '',
        'Hello.',
        '',
      ].join('\r\n');
      assert.equal(await specialUseHoldsMessageId(session, '\\Sent', messageId), false, 'not there before it is filed');
      await appendToSpecialUse(session, '\\Sent', raw);
      assert.equal(await specialUseHoldsMessageId(session, '\\Sent', messageId), true);
      assert.equal(await specialUseHoldsMessageId(session, '\\Sent', `<other-${Date.now()}@mailroom.test>`), false);
    } finally {
      await session.dispose();
    }
  });
});
