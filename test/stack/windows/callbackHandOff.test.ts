// Sign-in callbacks between windows over the leader's socket (src/windows): three window groups in one
// process (each as its own window would run it), a callback reaching a window that did not start the
// sign-in is completed by the one that did, whether that one leads or follows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testLogger } from '../../support/logging';
import { eventually } from '../../support/windowProcesses';
import { WindowGroup } from '../../../src/windows/windowGroup';
import type { CallbackUri } from '../../../src/windows/windowProtocol';

interface TestWindow {
  group: WindowGroup;
  /** The states of the sign-ins this window started. */
  started: Set<string>;
  completed: CallbackUri[];
}

describe('URI callbacks handed to the window that started the sign-in (window groups over the local socket)', () => {
  let directory: string;
  let windows: TestWindow[] = [];

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-callbacks-'));
  });

  afterEach(() => {
    windows.forEach((window) => window.group.dispose());
    windows = [];
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function openWindow(): TestWindow {
    const started = new Set<string>();
    const completed: CallbackUri[] = [];
    const group = new WindowGroup({
      directory,
      logger: testLogger(),
      sessionFor: () => Promise.reject(new Error('no mail in this test')),
      onDidChangeAccounts: () => ({ dispose: () => undefined }),
      claimCallback: (uri) => {
        const state = new URLSearchParams(uri.query).get('state') ?? '';
        if (!started.delete(state)) {
          return false;
        }
        completed.push(uri);
        return true;
      },
      followerEvents: { folderChanged: () => undefined, stateChanged: () => undefined, leaderAccountsChanged: () => undefined },
    });
    group.start();
    const window = { group, started, completed };
    windows.push(window);
    return window;
  }

  async function openGroup(): Promise<TestWindow[]> {
    const opened = [openWindow()];
    await eventually(() => opened[0].group.leading, 5_000, 'the first window leads');
    opened.push(openWindow(), openWindow());
    await Promise.all(opened.map((window) => window.group.relay()));
    return opened;
  }

  it('a follower’s sign-in completed with a callback that reached another follower', async () => {
    const [, starter, receiver] = await openGroup();
    starter.started.add('state-1');
    receiver.group.handOffCallback({ path: '/auth/oidc', query: 'code=CODE&state=state-1' });
    await eventually(() => starter.completed.length === 1, 2_000, 'the starting window got the callback');
    assert.equal(windows.filter((window) => window.completed.length > 0).length, 1);
  });

  it('the leader’s sign-in completed with a callback that reached a follower; a follower’s with one that reached the leader', async () => {
    const [leader, follower] = await openGroup();
    leader.started.add('state-leader');
    follower.group.handOffCallback({ path: '/auth/oidc', query: 'code=CODE&state=state-leader' });
    follower.started.add('state-follower');
    leader.group.handOffCallback({ path: '/auth/oidc', query: 'code=CODE&state=state-follower' });
    await eventually(() => leader.completed.length === 1 && follower.completed.length === 1, 2_000, 'both completed');
  });

  it('positive control for "nobody else": a callback no window started completes nothing anywhere', async () => {
    const [, follower] = await openGroup();
    windows[2].started.add('state-other');
    follower.group.handOffCallback({ path: '/auth/oidc', query: 'code=CODE&state=nobody' });
    follower.group.handOffCallback({ path: '/auth/oidc', query: 'code=CODE&state=state-other' });
    await eventually(() => windows[2].completed.length === 1, 2_000, 'the control callback arrived');
    assert.deepEqual(
      windows.map((window) => window.completed.length),
      [0, 0, 1],
    );
  });
});
