import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MailAccounts } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type * as OutboxWiring from '../../../src/services/outboxWiring';
import type * as SendingModule from '../../../src/services/sending';
import type { SendingDependencies } from '../../../src/services/sending';
import { SharedOutboxQueue } from '../../../src/windows/sharedOutbox';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';
import { recordingLogger, testLogger } from '../../support/logging';
import { messageToBob, outboxAccount } from '../../support/outboxFixtures';
import { eventually } from '../../support/windowProcesses';

const logger = testLogger();
const accounts = { list: () => [outboxAccount] } as unknown as MailAccounts;

describe('sends left behind by a closed window: drained and told in one window', function () {
  this.timeout(10_000);
  let directory: string;
  let editor: FakeEditor;
  let restore: () => void;
  let wiring: typeof OutboxWiring;
  let sendingModule: typeof SendingModule;

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailroom-draining-'));
    editor = new FakeEditor();
    editor.choose = undefined;
    restore = installFakeVscode(editor);
    const load = createRequire(__filename);
    wiring = load('../../../src/services/outboxWiring') as typeof OutboxWiring;
    sendingModule = load('../../../src/services/sending') as typeof SendingModule;
  });

  afterEach(() => {
    restore();
    rmSync(directory, { recursive: true, force: true });
  });

  /** A window: its outbox over the profile's folders, and its Sending that tells its user. */
  function openWindow(sent: string[]): { drain: () => { dispose(): void } } {
    const queue = new SharedOutboxQueue(path.join(directory, 'outbox'), logger);
    const drafts = new DraftStore(path.join(directory, 'drafts'), logger);
    const outbox = new Outbox({
      sender: {
        send: async (_account, _message, options) => {
          sent.push(options.messageId);
          return { messageId: options.messageId, raw: Buffer.from('raw'), accepted: ['bob@mailroom.test'], rejected: [] };
        },
      },
      drafts,
      logger,
      queue,
    });
    const sending = new sendingModule.Sending({ accounts, outbox, drafts, recent: { remember: async () => undefined } } as unknown as SendingDependencies);
    return { drain: () => wiring.drainOutboxPeriodically({ queue, outbox, accounts, logger, report: (each) => void sending.reportLeftBehind(each) }) };
  }

  it('two windows open: the send goes once, and one of them says it was sent, naming the closed window', async () => {
    const closedWindow = new SharedOutboxQueue(path.join(directory, 'outbox'), logger);
    await (await closedWindow.add({ accountId: outboxAccount.id, messageId: '<left@mailroom.test>', message: messageToBob('left behind') })).release();
    const sent: string[] = [];
    const draining = [openWindow(sent).drain(), openWindow(sent).drain()];
    try {
      const told = (): string[] => editor.rendered.filter((each) => each.surface === 'information message').map((each) => each.text);
      await eventually(() => told().length > 0, 5_000, 'a window tells the outcome');
      // Both windows have drained once by now, at their start; give a late notification time to show.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(sent, ['<left@mailroom.test>']);
      assert.deepEqual(told(), ['Sent to bob@mailroom.test (queued in a window that was closed).']);
    } finally {
      draining.forEach((each) => each.dispose());
    }
  });

  it('says once that the outbox cannot be drained while every pass fails the same way', async () => {
    const { logger: recording, lines } = recordingLogger();
    let passes = 0;
    const unreachable = {
      whileDraining: async () => {
        passes++;
        throw new Error('EACCES: permission denied, open outbox/drain.lock');
      },
    } as unknown as SharedOutboxQueue;
    const draining = wiring.drainOutboxPeriodically({
      queue: unreachable,
      outbox: {} as Outbox,
      accounts,
      logger: recording,
      report: () => undefined,
      everyMs: 10,
    });
    try {
      // The control: the passes did run, and failed, several times.
      await eventually(() => passes >= 4, 5_000, 'four passes');
    } finally {
      draining.dispose();
    }
    assert.deepEqual(
      lines.filter((line) => line.startsWith('warn')),
      ['warn Could not drain the outbox: EACCES: permission denied, open outbox/drain.lock'],
    );
  });
});
