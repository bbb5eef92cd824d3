// A queued send outlives its window: the profile's windows (separate processes sharing one global storage
// folder) share the outbox, and a send that a window queued and did not finish is sent by another, once.
// The stack's SMTP server counts what it accepts.
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MailAccount } from '../../../src/auth/accountApi';
import { SharedOutboxQueue } from '../../../src/windows/sharedOutbox';
import { SharedSendLedger } from '../../../src/windows/sharedSendLedger';
import { testLogger } from '../../support/logging';
import { messageToBob } from '../../support/outboxFixtures';
import { StackMailAccounts } from '../../support/stackAccounts';
import { startStack } from '..';
import type { Stack } from '..';
import type { OutboxWorkerRequest } from './outboxWorker';

const WORKER = path.join(__dirname, 'outboxWorker.js');

describe('outbox shared by windows (separate processes, one account)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let storage: string;
  let account: MailAccount;
  let accessToken: string;
  const windows: ChildProcess[] = [];

  before(async function () {
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem');
    stack = await startStack({});
    const accounts = await StackMailAccounts.create(stack);
    account = await accounts.signInAs(stack, stack.users[0]);
    accessToken = await accounts.getAccessToken(account.id, account.smtp.host);
  });

  after(async function () {
    await stack?.stop();
  });

  beforeEach(() => {
    storage = mkdtempSync(path.join(os.tmpdir(), 'mailroom-outbox-'));
    stack.submissions.length = 0;
  });

  afterEach(() => {
    windows.splice(0).forEach((window) => window.kill('SIGKILL'));
    rmSync(storage, { recursive: true, force: true });
  });

  function openWindow(maxPerMinute: number): ChildProcess {
    const window = fork(WORKER, [storage, String(stack.smtp.port), account.id, account.email, String(maxPerMinute)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    windows.push(window);
    return window;
  }

  function ask<T>(window: ChildProcess, request: OutboxWorkerRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      window.once('message', (answer) => (typeof answer === 'string' && answer.startsWith('drain failed') ? reject(new Error(answer)) : resolve(answer as T)));
      window.once('exit', (code, signal) => reject(new Error(`the window exited (${String(code ?? signal)}) before it answered`)));
      window.send(request);
    });
  }

  function closed(window: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise<void>((resolve) => window.once('exit', () => resolve()));
    window.kill(signal);
    return exited;
  }

  /** How many messages with each of `subjects` the SMTP server accepted. */
  function acceptedCounts(subjects: string[]): number[] {
    const received = stack.submissions.map((submission) => /^Subject: (.*)$/m.exec(submission.raw.toString('utf8'))?.[1]?.trim());
    return subjects.map((subject) => received.filter((each) => each === subject).length);
  }

  function queuedFiles(): string[] {
    try {
      return readdirSync(path.join(storage, 'outbox')).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
  }

  for (const [how, signal] of [
    ['is killed (kill -9)', 'SIGKILL'],
    ['is closed', 'SIGTERM'],
  ] as const) {
    it(`[SEC-32] a send waiting for the rate limit in a window that ${how} is sent once by the next window`, async function () {
      // The account's one send of the minute started 56 s ago (in another window): the next may start in about 4 s.
      const lastSendAt = Date.now() - 56_000;
      await new SharedSendLedger(path.join(storage, 'sends')).claim(account.id, 1, () => lastSendAt);
      const subject = `left behind ${randomBytes(4).toString('hex')}`;
      const windowA = openWindow(1);
      assert.equal(await ask(windowA, { command: 'queue', accessToken, subject }), 'queued');
      await closed(windowA, signal);
      assert.deepEqual(acceptedCounts([subject]), [0], 'window A was gone before its slot came');
      assert.equal(queuedFiles().length, 1, 'the send outlived its window on disk');

      const windowB = openWindow(1);
      const statuses = await ask<string[]>(windowB, { command: 'drain', accessToken, drainLock: true });
      assert.deepEqual(statuses, ['sent']);
      assert.deepEqual(acceptedCounts([subject]), [1], 'the SMTP server received it exactly once');
      assert.ok(stack.submissions[0].acceptedAtMs >= lastSendAt + 60_000, 'and not before the account’s limit allowed');
      assert.deepEqual(queuedFiles(), [], 'and it left the outbox');
      assert.deepEqual(await ask(windowB, { command: 'drain', accessToken, drainLock: true }), [], 'a second pass finds nothing to send');
    });
  }

  for (const drainLock of [true, false]) {
    it(`[SEC-32] two windows draining at once send each queued message exactly once (${drainLock ? 'one drains, the other skips' : 'the per-send claims alone'})`, async function () {
      const subjects = Array.from({ length: 8 }, (_, index) => `queued ${index} ${randomBytes(4).toString('hex')}`);
      // Sends left behind by windows that are gone: on disk, claimed by nobody.
      const queue = new SharedOutboxQueue(path.join(storage, 'outbox'), testLogger());
      for (const subject of subjects) {
        const message = messageToBob(subject, account.email);
        await (await queue.add({ accountId: account.id, messageId: `<${randomBytes(8).toString('hex')}@mailroom.test>`, message })).release();
      }
      const [first, second] = [openWindow(100), openWindow(100)];
      const statuses = await Promise.all([first, second].map((window) => ask<string[]>(window, { command: 'drain', accessToken, drainLock })));
      assert.equal(statuses.flat().length, subjects.length, `every send settled in one of the windows: ${JSON.stringify(statuses)}`);
      assert.ok(
        statuses.flat().every((status) => status === 'sent'),
        JSON.stringify(statuses),
      );
      assert.deepEqual(
        acceptedCounts(subjects),
        subjects.map(() => 1),
        'each message reached the SMTP server exactly once',
      );
      assert.deepEqual(queuedFiles(), []);
    });
  }
});
