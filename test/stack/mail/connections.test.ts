// [SEC-31] Connections counted at the server: `doveadm who` against the stack's Dovecot, sampled while
// an account's inbox is live and busy (IDLE watching, a burst of concurrent commands, new mail, the
// server dropping every connection).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { MailAccount } from '../../../src/auth/accountApi';
import { fetchNewestRows, loadRows, searchFolder, setFlag } from '../../../src/mail/mailbox';
import { loadMessage } from '../../../src/mail/message';
import { MailSession, MailSessions } from '../../../src/mail/connection';
import type { SessionState } from '../../../src/mail/connection';
import { recordingLogger } from '../../support/logging';
import { withTestTransport } from '../../../src/util/testTransport';
import { startStack } from '..';
import type { Stack } from '..';
import { StackMailAccounts } from '../../support/stackAccounts';

const alice = 'alice@mailroom.test';

function plainMessage(subject: string): string {
  return [
    `From: Bob <bob@mailroom.test>`,
    `To: ${alice}`,
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random()}@mailroom.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

describe('IMAP connections per account, counted by Dovecot', function () {
  this.timeout(90_000);
  let stack: Stack;
  let accounts: StackMailAccounts;
  let account: MailAccount;
  const logs: string[] = [];

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    accounts = await StackMailAccounts.create(stack);
    account = await accounts.signInByEmail(stack, alice);
  });

  after(async () => {
    await stack?.stop();
  });

  /** Alice's IMAP connections as Dovecot lists them (`doveadm who -1`: one line per connection). */
  async function connectionsOfAlice(): Promise<number> {
    const lines = (await stack.doveadm(['who', '-1', alice])).split('\n');
    return lines.filter((line) => line.includes(alice) && /\bimap\b/.test(line)).length;
  }

  /** Samples the count until `work` settles, and a little after; returns every sample. */
  async function sampleDuring(work: Promise<unknown>): Promise<number[]> {
    const samples: number[] = [];
    let done = false;
    const finished = work.finally(() => {
      done = true;
    });
    while (!done) {
      samples.push(await connectionsOfAlice());
    }
    await finished;
    for (let index = 0; index < 5; index++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples.push(await connectionsOfAlice());
    }
    return samples;
  }

  // Each test starts with no connection of Alice's left from the one before.
  beforeEach(async () => {
    const deadline = Date.now() + 10_000;
    while ((await connectionsOfAlice()) > 0) {
      assert.ok(Date.now() < deadline, 'connections of an earlier test are still open');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  function waitForState(session: MailSession, wanted: SessionState, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the session never became ${wanted}`)), timeoutMs);
      const subscription = session.onDidChangeState((state) => {
        if (state === wanted) {
          clearTimeout(timer);
          subscription.dispose();
          resolve();
        }
      });
    });
  }

  /** What the inbox and the reader do when a person works through the list quickly. */
  async function busyInbox(session: MailSession): Promise<void> {
    const { rows } = await fetchNewestRows(session, 'INBOX', 20);
    await Promise.all([
      loadRows(session, 'INBOX', 20, 20),
      session.folders({ refresh: true }),
      searchFolder(session, 'INBOX', 'Fixture'),
      ...rows.slice(0, 6).map((row) => loadMessage(session, { accountId: account.id, folder: 'INBOX', uid: row.uid })),
      ...rows.slice(0, 4).map((row) => setFlag(session, 'INBOX', [row.uid], '\\Flagged', !row.flagged)),
      stack.deliver(alice, plainMessage('Arrives while busy')),
      fetchNewestRows(session, 'Sent', 10),
      fetchNewestRows(session, 'INBOX', 20),
    ]);
    await Promise.all(rows.slice(0, 4).map((row) => setFlag(session, 'INBOX', [row.uid], '\\Flagged', row.flagged)));
  }

  it('[SEC-31] at most two IMAP connections per account while the inbox is live (commands + IDLE), through a burst and a reconnect', async () => {
    const sessions = new MailSessions(withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    const session = sessions.get(account);
    try {
      session.watch('INBOX');
      const samples = await sampleDuring(busyInbox(session));
      assert.ok(Math.max(...samples) <= 2, `more than two connections: ${samples.join(' ')}`);
      // The sampling sees what is there: both connections, while the inbox is live.
      assert.equal(samples.at(-1), 2, `samples: ${samples.join(' ')}`);

      // The server drops every connection; the session reconnects without leaving any behind.
      const online = waitForState(session, 'online', 30_000);
      await stack.doveadm(['kick', alice]);
      await online;
      const afterReconnect = await sampleDuring(busyInbox(session));
      assert.ok(Math.max(...afterReconnect) <= 2, `more than two connections after the reconnect: ${afterReconnect.join(' ')}`);
      assert.equal(afterReconnect.at(-1), 2, `samples: ${afterReconnect.join(' ')}`);
      assert.ok(!logs.join('\n').includes('AT-SENTINEL'), 'no token in the log');
    } finally {
      await sessions.dispose();
    }
  });

  it('one IDLE connection follows the watched folder: switches sign in nowhere again, and new mail names its folder', async () => {
    const switchLogs: string[] = [];
    const sessions = new MailSessions(withTestTransport({ accounts, logger: recordingLogger(switchLogs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    const session = sessions.get(account);
    const watching = (folder: string): Promise<void> =>
      new Promise((resolve) => {
        const subscription = session.onDidChangeFolder((change) => {
          if (change.kind === 'watching' && change.folder === folder) {
            subscription.dispose();
            resolve();
          }
        });
      });
    const signIns = (): number => switchLogs.filter((line) => line.includes('User authenticated')).length;
    try {
      let watched = watching('INBOX');
      session.watch('INBOX');
      await watched;
      await fetchNewestRows(session, 'INBOX', 5);
      const before = signIns();
      assert.equal(before, 2, 'control: the log shows each sign-in (commands + IDLE)');
      for (const folder of ['Sent', 'INBOX', 'Sent', 'INBOX', 'Sent', 'INBOX']) {
        watched = watching(folder);
        session.watch(folder);
        await watched;
      }
      assert.equal(signIns() - before, 0, 'a folder switch opened a connection');
      assert.ok((await connectionsOfAlice()) <= 2);
      const arrived = new Promise<void>((resolve) => {
        const subscription = session.onDidChangeFolder((change) => {
          if (change.kind === 'exists' && change.folder === 'INBOX') {
            subscription.dispose();
            resolve();
          }
        });
      });
      await stack.deliver(alice, plainMessage('After the folder switches'));
      await arrived;
    } finally {
      await sessions.dispose();
    }
  });

  it('[SEC-31] a quiet command connection stays open past its socket timeout (NOOP), and logs out after keepOpenMs', async () => {
    const quietLogs: string[] = [];
    const timeouts = { connectMs: 5_000, commandMs: 1_000, keepOpenMs: 4_000 };
    const sessions = new MailSessions(
      withTestTransport({ accounts, logger: recordingLogger(quietLogs).logger, timeouts }, { extraCa: fs.readFileSync(stack.caFile) }),
    );
    const session = sessions.get(account);
    const signIns = (): number => quietLogs.filter((line) => line.includes('User authenticated')).length;
    const quiet = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
    try {
      await fetchNewestRows(session, 'INBOX', 5);
      assert.equal(signIns(), 1, 'control: the log shows the sign-in');
      // Two and a half socket timeouts of quiet: without the NOOPs the connection is closed by now.
      await quiet(timeouts.commandMs * 2.5);
      assert.equal(await connectionsOfAlice(), 1, 'the quiet connection is still open at the server');
      await fetchNewestRows(session, 'INBOX', 5);
      assert.equal(signIns(), 1, 'reading on after the pause signed in again');
      assert.ok(!quietLogs.some((line) => line.includes('Socket timeout')), 'the quiet connection timed out');
      // Positive control for the same kind of wait: past keepOpenMs the connection is gone, and the next read signs in.
      const deadline = Date.now() + timeouts.keepOpenMs + timeouts.commandMs * 3;
      while ((await connectionsOfAlice()) > 0) {
        assert.ok(Date.now() < deadline, 'the quiet connection was not logged out after keepOpenMs');
        await quiet(200);
      }
      await fetchNewestRows(session, 'INBOX', 5);
      assert.equal(signIns(), 2, 'a new connection after the keep-open time');
    } finally {
      await sessions.dispose();
    }
  });

  it('[SEC-31] positive control: the same sampling counts a third connection when there is one', async () => {
    const sessions = new MailSessions(withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    const session = sessions.get(account);
    const another = new MailSession(account, withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      session.watch('INBOX');
      const samples = await sampleDuring(Promise.all([busyInbox(session), another.folders()]));
      assert.equal(Math.max(...samples), 3, `samples: ${samples.join(' ')}`);
    } finally {
      await another.dispose();
      await sessions.dispose();
    }
  });
});
