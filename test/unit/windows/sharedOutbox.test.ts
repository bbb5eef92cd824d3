import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import { drainLeftBehindSends } from '../../../src/mail/outboxDrain';
import { SharedOutboxQueue } from '../../../src/windows/sharedOutbox';
import { testLogger } from '../../support/logging';
import { messageToBob, outboxAccount } from '../../support/outboxFixtures';

const WORKER = path.join(__dirname, 'outboxWindowWorker.js');
const logger = testLogger();
const account = outboxAccount;
const message = messageToBob('s');

describe('outbox shared by windows (SharedOutboxQueue)', function () {
  this.timeout(20_000);
  let directory: string;
  let outboxFolder: string;
  let drafts: DraftStore;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailroom-outbox-'));
    outboxFolder = path.join(directory, 'outbox');
    drafts = new DraftStore(path.join(directory, 'drafts'), logger);
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /** Another window: an outbox over the same folders whose sender records what it is asked to send. */
  function drainingWindow(inSent = false): { sent: string[]; queue: SharedOutboxQueue; drain: () => ReturnType<typeof drainLeftBehindSends> } {
    const sent: string[] = [];
    const queue = new SharedOutboxQueue(outboxFolder, logger);
    const outbox = new Outbox({
      sender: {
        send: async (_account, _message, options) => {
          await options.beforeExchange?.();
          sent.push(options.messageId);
          return { messageId: options.messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: [] };
        },
      },
      drafts,
      logger,
      queue,
      findInSent: async () => inSent,
    });
    return { sent, queue, drain: () => drainLeftBehindSends({ queue, outbox, accountOf: (id) => (id === account.id ? account : undefined), logger }) };
  }

  /** A window in its own process that queues one send, reaches `stage` and is killed there (kill -9). */
  async function windowKilledAt(stage: 'waiting' | 'handedOver'): Promise<void> {
    const window = fork(WORKER, [outboxFolder, path.join(directory, 'drafts'), stage], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      window.once('message', () => resolve());
      window.once('exit', (code) => reject(new Error(`the window exited with ${String(code)} before its send was queued`)));
    });
    window.removeAllListeners('exit');
    const exited = new Promise((resolve) => window.once('exit', resolve));
    window.kill('SIGKILL');
    await exited;
  }

  function queuedFiles(): string[] {
    return readdirSync(outboxFolder).filter((name) => name.endsWith('.json'));
  }

  it('a send queued in a window killed while it waited is sent by the next drain, once', async () => {
    await windowKilledAt('waiting');
    assert.equal(queuedFiles().length, 1, 'the send is on disk');
    const other = drainingWindow();
    const drained = await other.drain();
    assert.deepEqual(
      drained.map((each) => each.outcome.status),
      ['sent'],
    );
    assert.equal(other.sent.length, 1);
    assert.deepEqual(queuedFiles(), []);
    assert.deepEqual(await other.drain(), [], 'nothing is left to send');
    assert.equal(other.sent.length, 1, 'sent once');
  });

  it('[SEC-32] a send a killed window had handed to SMTP is not sent again: it is kept as a draft that may have been sent', async () => {
    await windowKilledAt('handedOver');
    const other = drainingWindow();
    const [drained] = await other.drain();
    assert.ok(drained.outcome.status === 'failed');
    assert.equal(drained.outcome.error.code, 'SendOutcomeUnknown');
    assert.deepEqual(other.sent, [], 'not sent a second time');
    const [draft] = await drafts.list();
    assert.equal(draft.failure?.code, 'SendOutcomeUnknown');
    assert.equal(draft.message.subject, 'left behind');
    assert.deepEqual(queuedFiles(), []);
  });

  it('a send a killed window had handed to SMTP and that is in Sent counts as sent, with no draft', async () => {
    await windowKilledAt('handedOver');
    const other = drainingWindow(true);
    const [drained] = await other.drain();
    assert.ok(drained.outcome.status === 'sent' && drained.outcome.alreadySent === true);
    assert.deepEqual(other.sent, []);
    assert.deepEqual(await drafts.list(), []);
  });

  it('a send its window still holds is left to it; once that window lets go, the drain sends it', async () => {
    const queuing = new SharedOutboxQueue(outboxFolder, logger);
    const claimed = await queuing.add({ accountId: account.id, messageId: '<m1@mailroom.test>', message });
    const other = drainingWindow();
    assert.deepEqual(await other.drain(), []);
    assert.deepEqual(other.sent, [], 'the queuing window sends it itself');
    await claimed.release();
    await other.drain();
    assert.deepEqual(other.sent, ['<m1@mailroom.test>']);
  });

  it('a retried draft whose send a closed window left behind is discarded once the send goes out', async () => {
    const previous = await drafts.keep(account.id, message, { messageId: '<m2@mailroom.test>', failure: new Error('offline') });
    const queuing = new SharedOutboxQueue(outboxFolder, logger);
    await (await queuing.add({ accountId: account.id, messageId: previous.messageId, message, previousDraftId: previous.id })).release();
    await drainingWindow().drain();
    assert.deepEqual(await drafts.list(), []);
  });

  it('a send for an account this window does not know stays queued', async () => {
    const queuing = new SharedOutboxQueue(outboxFolder, logger);
    await (await queuing.add({ accountId: 'someone else', messageId: '<m3@mailroom.test>', message })).release();
    const other = drainingWindow();
    assert.deepEqual(await other.drain(), []);
    assert.equal(queuedFiles().length, 1);
  });

  it('a window’s own send leaves the outbox once the server took it; a failed one leaves it as a draft', async () => {
    const window = drainingWindow();
    const outbox = new Outbox({ sender: { send: async () => Promise.reject(new Error('connect ECONNREFUSED')) }, drafts, logger, queue: window.queue });
    const failed = await outbox.send(account, message);
    assert.equal(failed.status, 'failed');
    assert.equal((await drafts.list()).length, 1, 'kept as a draft');
    assert.deepEqual(queuedFiles(), [], 'and out of the queue: no window sends it behind the user’s back');
    const sending = new Outbox({
      sender: {
        send: async (_account, _message, options) => ({ messageId: options.messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: [] }),
      },
      drafts,
      logger,
      queue: window.queue,
    });
    assert.equal((await sending.send(account, message)).status, 'sent');
    assert.deepEqual(queuedFiles(), []);
    assert.deepEqual(await window.drain(), []);
  });

  it('an outbox folder out of reach does not stop sending: the send goes from this window', async () => {
    writeFileSync(outboxFolder, 'a file where the folder should be');
    const sent: string[] = [];
    const outbox = new Outbox({
      sender: {
        send: async (_account, _message, options) => (
          sent.push(options.messageId),
          { messageId: options.messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: [] }
        ),
      },
      drafts,
      logger,
      queue: new SharedOutboxQueue(outboxFolder, logger),
    });
    assert.equal((await outbox.send(account, message)).status, 'sent');
    assert.equal(sent.length, 1);
  });

  it('one window drains at a time', async () => {
    const first = new SharedOutboxQueue(outboxFolder, logger);
    const second = new SharedOutboxQueue(outboxFolder, logger);
    const inner = await first.whileDraining(() => second.whileDraining(async () => 'second drained too'));
    assert.equal(inner, undefined, 'the second window skips its pass while the first drains');
    assert.equal(await second.whileDraining(async () => 'drained'), 'drained', 'and drains once the first is done');
  });
});
