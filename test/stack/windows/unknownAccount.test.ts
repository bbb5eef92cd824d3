// A leader not signed in to a follower's account (code-server tabs of two browsers share the server's
// global storage, so they form one window group, but each browser has its own SecretStorage): the leader
// refuses the account, and the follower serves it with its own connections, asking the leader once, not
// on every request; it asks again when the leader's accounts change. Real processes against Dovecot.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StackMailAccounts } from '../../support/stackAccounts';
import { eventually, WindowProcess } from '../../support/windowProcesses';
import type { WindowSetup } from '../../support/windowProcess';
import { startStack } from '..';
import type { Stack } from '..';

const alice = 'alice@mailroom.test';

describe('A leader window not signed in to a follower’s account (real processes, Dovecot)', function () {
  this.timeout(120_000);
  let stack: Stack;
  let setup: WindowSetup;
  let windows: WindowProcess[] = [];

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    const accounts = await StackMailAccounts.create(stack);
    const user = stack.users.find((candidate) => candidate.email === alice);
    assert.ok(user);
    const account = await accounts.signInAs(stack, user);
    const accessToken = await accounts.getAccessToken(account.id, account.imap.host);
    setup = { directory: '', account, accessToken, caFile: stack.caFile };
  });

  beforeEach(async () => {
    setup = { ...setup, directory: fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-windows-')) };
    await eventually(async () => (await connectionsOfAlice()) === 0, 10_000, 'connections of an earlier test closed');
  });

  afterEach(async () => {
    await Promise.all(windows.map((window) => window.stop()));
    windows = [];
    fs.rmSync(setup.directory, { recursive: true, force: true });
  });

  after(async () => {
    await stack?.stop();
  });

  async function connectionsOfAlice(): Promise<number> {
    const lines = (await stack.doveadm(['who', '-1', alice])).split('\n');
    return lines.filter((line) => line.includes(alice) && /\bimap\b/.test(line)).length;
  }

  /** A leader whose storage lacks the account (it starts first, so it leads), and a follower signed in to it. */
  async function leaderWithoutTheAccount(): Promise<{ leader: WindowProcess; follower: WindowProcess }> {
    const leader = await WindowProcess.start({ ...setup, withoutAccount: true });
    windows.push(leader);
    await eventually(async () => (await leader.role()).leading, 10_000, 'the first window leads');
    const follower = await WindowProcess.start(setup);
    windows.push(follower);
    await eventually(async () => (await follower.role()).settled, 10_000, 'the second window follows');
    assert.equal((await follower.role()).leading, false);
    return { leader, follower };
  }

  it('the follower’s folder pages and messages are served, the leader refusing the account once, not per request', async () => {
    const { leader, follower } = await leaderWithoutTheAccount();
    const first = await follower.ask<number[]>({ command: 'page', folder: 'INBOX', start: 0, count: 20 });
    assert.equal(first.length, 20);
    // Positive control: the leader was asked, and refused, after its one wait for the account to appear
    // (twice when the watch the follower sent on joining was still waiting beside the page).
    const refusals = await follower.ask<number>({ command: 'refusals' });
    assert.ok(refusals >= 1 && refusals <= 2, `${refusals} refusals`);
    await follower.ask({ command: 'watch', folder: 'INBOX' });
    for (const uid of first.slice(0, 4)) {
      assert.equal(typeof (await follower.ask({ command: 'message', folder: 'INBOX', uid })), 'string');
      assert.equal((await follower.ask<number[]>({ command: 'page', folder: 'INBOX', start: 20, count: 20 })).length, 20);
    }
    assert.equal(await follower.ask({ command: 'refusals' }), refusals, 'the follower asked the leader again for an account it refused');
    assert.equal(await leader.ask({ command: 'tokenRequests' }), 0, 'the leader signed in to an account it does not know');
    assert.ok((await follower.ask<number>({ command: 'tokenRequests' })) > 0);
    // The follower's own command and IDLE connections, and no others.
    await eventually(async () => (await connectionsOfAlice()) === 2, 5_000, 'the follower’s IDLE and command connections open');
    await stack.deliver(alice, newMail('Heard by the window serving its own account'));
    await eventually(
      () => follower.folderChanges.some((report) => report.change.kind === 'exists' && report.announces),
      5_000,
      'the follower announces new mail of the account it serves (the leader cannot)',
    );
  });

  it('once the leader signs in to the account, the follower relays to it again and closes its own connections', async () => {
    const { leader, follower } = await leaderWithoutTheAccount();
    await follower.ask({ command: 'watch', folder: 'INBOX' });
    await follower.ask({ command: 'page', folder: 'INBOX', start: 0, count: 20 });
    const refusals = await follower.ask<number>({ command: 'refusals' });
    assert.ok(refusals >= 1);
    await eventually(async () => (await connectionsOfAlice()) === 2, 5_000, 'the follower serves the account');
    await leader.ask({ command: 'addAccount' });
    await eventually(async () => (await leader.ask<number>({ command: 'tokenRequests' })) > 0, 5_000, 'the leader took the follower’s watch');
    const tokensBefore = await follower.ask<number>({ command: 'tokenRequests' });
    assert.equal((await follower.ask<number[]>({ command: 'page', folder: 'INBOX', start: 0, count: 20 })).length, 20);
    assert.equal(await follower.ask({ command: 'tokenRequests' }), tokensBefore, 'the follower still opens connections of its own');
    await eventually(async () => (await connectionsOfAlice()) === 2, 10_000, 'only the leader’s two connections');
    assert.equal(await follower.ask({ command: 'refusals' }), refusals, 'the leader refused the account it signed in to');
  });
});

function newMail(subject: string): string {
  return [
    'From: Bob <bob@mailroom.test>',
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
