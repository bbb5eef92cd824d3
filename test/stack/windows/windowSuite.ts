// The frame of a suite of window processes (test/support/windowProcess.ts) against the stack's Dovecot:
// one stack with alice signed in, a fresh group folder per test, every window stopped after it, and
// alice's IMAP connections counted by Dovecot itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StackMailAccounts } from '../../support/stackAccounts';
import { WindowProcess, eventually } from '../../support/windowProcesses';
import type { WindowSetup } from '../../support/windowProcess';
import { buildMessage } from '../mimeBuilder';
import { startStack } from '..';
import type { Stack } from '..';

export const alice = 'alice@mailroom.test';

export interface WindowSuite {
  stack: Stack;
  /** This test's setup: alice's account and token, and a group folder of its own. */
  setup: WindowSetup;
  /** The windows this test started: stopped after it. */
  windows: WindowProcess[];
  connectionsOfAlice(): Promise<number>;
  /** Starts a window and waits until it leads (`leaderSetup` changes its setup), then a second that follows it. */
  leaderAndFollower(leaderSetup?: Partial<WindowSetup>): Promise<{ leader: WindowProcess; follower: WindowProcess }>;
}

/** Registers the suite's hooks (call it inside `describe`); the fields are set once `before` has run. */
export function windowSuite(): WindowSuite {
  let signedIn: WindowSetup;
  const suite: WindowSuite = {
    stack: undefined as unknown as Stack,
    setup: undefined as unknown as WindowSetup,
    windows: [],
    async connectionsOfAlice() {
      const lines = (await suite.stack.doveadm(['who', '-1', alice])).split('\n');
      return lines.filter((line) => line.includes(alice) && /\bimap\b/.test(line)).length;
    },
    async leaderAndFollower(leaderSetup = {}) {
      const leader = await WindowProcess.start({ ...suite.setup, ...leaderSetup });
      suite.windows.push(leader);
      await eventually(async () => (await leader.role()).leading, 10_000, 'the first window leads');
      const follower = await WindowProcess.start(suite.setup);
      suite.windows.push(follower);
      await eventually(async () => (await follower.role()).settled, 10_000, 'the second window follows');
      assert.equal((await follower.role()).leading, false);
      return { leader, follower };
    },
  };

  before(async () => {
    suite.stack = await startStack({ seed: 'fixture' });
    const accounts = await StackMailAccounts.create(suite.stack);
    const account = await accounts.signInByEmail(suite.stack, alice);
    const accessToken = await accounts.getAccessToken(account.id, account.imap.host);
    signedIn = { directory: '', account, accessToken, caFile: suite.stack.caFile };
  });

  beforeEach(async () => {
    suite.setup = { ...signedIn, directory: fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-windows-')) };
    await eventually(async () => (await suite.connectionsOfAlice()) === 0, 10_000, 'connections of an earlier test closed');
  });

  afterEach(async () => {
    await Promise.all(suite.windows.map((window) => window.stop()));
    suite.windows = [];
    fs.rmSync(suite.setup.directory, { recursive: true, force: true });
  });

  after(async () => {
    await suite.stack?.stop();
  });

  return suite;
}

/** A plain mail from Bob to alice, for `stack.deliver`. */
export function mailToAlice(subject: string): Buffer {
  return buildMessage({
    from: { name: 'Bob', address: 'bob@mailroom.test' },
    to: [{ name: 'Alice', address: alice }],
    subject,
    date: new Date(),
    messageId: `${Date.now()}.${Math.random()}@mailroom.test`,
    text: `Body of ${subject}.`,
  });
}
