// A window group disposed while its election is still under way (a window closed at once, or a
// benchmark that activates the extension and leaves): nothing of it may keep running, not the leader
// socket, not the heartbeat that would keep the process alive, not the lease another window needs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WindowGroup } from '../../../src/windows/windowGroup';
import { testLogger } from '../../support/logging';
import { eventually } from '../../support/windowProcesses';

function groupIn(directory: string): WindowGroup {
  return new WindowGroup({
    directory,
    logger: testLogger(),
    sessionFor: () => Promise.reject(new Error('no sessions in this test')),
    onDidChangeAccounts: () => ({ dispose: () => undefined }),
    claimCallback: () => false,
    followerEvents: { folderChanged: () => undefined, stateChanged: () => undefined, leaderAccountsChanged: () => undefined },
  });
}

describe('a window group disposed while it elects', function () {
  this.timeout(20_000);
  const directories: string[] = [];
  const groups: WindowGroup[] = [];

  function newDirectory(): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-group-'));
    directories.push(directory);
    return directory;
  }

  function started(directory: string): WindowGroup {
    const group = groupIn(directory);
    groups.push(group);
    group.start();
    return group;
  }

  after(() => {
    groups.forEach((group) => group.dispose());
    directories.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true }));
  });

  it('never leads, listens on no socket, and leaves the lease to the next window at once', async () => {
    const directory = newDirectory();
    const disposed = started(directory);
    disposed.dispose();
    // Positive control: the same election, not disposed, ends with a leader.
    const control = started(newDirectory());
    await eventually(() => control.leading, 5_000, 'the control group leads');
    // The disposed group's election began first; give it as long again as the control's took.
    await new Promise((resolve) => setTimeout(resolve, 300));

    assert.equal(disposed.leading, false, 'a disposed group does not become the leader');
    assert.deepEqual(
      fs.readdirSync(directory, { recursive: true }).filter((name) => String(name).endsWith('.sock')),
      [],
      'no leader socket listens',
    );
    const next = started(directory);
    await eventually(() => next.leading, 2_000, 'the next window in the same storage leads');
  });
});
