// Where the leader window listens (src/windows/windowGroup.ts) and what a failed listen leaves behind
// (src/windows/leaderHost.ts): a Unix socket path longer than the system keeps is cut short when bound.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '../../../src/util/log';
import { LeaderHost } from '../../../src/windows/leaderHost';
import type { LeaderServices } from '../../../src/windows/leaderHost';
import { leaderSocketPath, socketPathLimit } from '../../../src/windows/windowGroup';

const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function services(): LeaderServices & { subscribed: number } {
  const state = {
    subscribed: 0,
    sessionFor: () => Promise.reject(new Error('not used')),
    onDidChangeAccounts: () => {
      state.subscribed += 1;
      return { dispose: () => (state.subscribed -= 1) };
    },
    claimCallback: () => false,
    logger: new Logger(silent),
  };
  return state;
}

/** Connects to `socketPath`: resolves 'accepted', or the error code. */
function connectCode(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath, () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('The leader window’s socket', () => {
  const deep = (root: string): string => path.join(root, 'x'.repeat(60), 'y'.repeat(60));

  it('is in the storage folder when that path fits, else under the temporary folder, else under /tmp', () => {
    const owner = 'alice';
    assert.match(leaderSocketPath('/home/a/.config/Code/User/globalStorage/mailroom', owner), /^\/home\/a\/.*\/leader-[0-9a-f]{8}\.sock$/);
    assert.match(leaderSocketPath(deep('/home/a'), owner, '/tmp/user-1000'), /^\/tmp\/user-1000\/mailroom-[0-9a-f]{20}\.sock$/);
    const neither = leaderSocketPath(deep('/home/a'), owner, deep('/work/project/.test-output/tmp'));
    assert.match(neither, /^\/tmp\/mailroom-[0-9a-f]{20}\.sock$/);
    for (const candidate of [neither, leaderSocketPath(deep('/a'), owner, deep('/b'))]) {
      assert.ok(Buffer.byteLength(candidate) <= socketPathLimit, candidate);
    }
  });

  it('a listen that fails after binding stops listening and keeps no subscription', async function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'leader-socket-'));
    const tooLong = path.join(folder, 'z'.repeat(120 - folder.length), 'leader.sock');
    fs.mkdirSync(path.dirname(tooLong), { recursive: true });
    const cut = path.join(path.dirname(tooLong), 'leader.sock'.slice(0, 107 - Buffer.byteLength(path.dirname(tooLong)) - 1));
    const served = services();
    try {
      await assert.rejects(LeaderHost.listen(tooLong, 'window-a', 'secret', served), /ENOENT/);
      assert.equal(served.subscribed, 0, 'the failed host keeps no subscription');
      // The system bound the cut path; the failed host must not be listening there (it used to be, and kept the
      // address: every later try failed with EADDRINUSE).
      assert.equal(await connectCode(cut), 'ECONNREFUSED');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
