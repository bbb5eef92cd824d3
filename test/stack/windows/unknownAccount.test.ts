// A leader not signed in to a follower's account (code-server tabs of two browsers share the server's
// global storage, so they form one window group, but each browser has its own SecretStorage): the leader
// refuses the account, and the follower serves it with its own connections, asking the leader once, not
// on every request; it asks again when the leader's accounts change. Real processes against Dovecot.
import * as assert from 'node:assert/strict';
import { eventually } from '../../support/windowProcesses';
import { alice, mailToAlice, windowSuite } from './windowSuite';

describe('A leader window not signed in to a follower’s account (real processes, Dovecot)', function () {
  this.timeout(120_000);
  const suite = windowSuite();

  /** A leader whose storage lacks the account (it starts first, so it leads), and a follower signed in to it. */
  const leaderWithoutTheAccount = (): ReturnType<typeof suite.leaderAndFollower> => suite.leaderAndFollower({ withoutAccount: true });

  it('[SEC-31] the follower’s folder pages and messages are served on its own two connections, the leader refusing the account once, not per request', async () => {
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
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 5_000, 'the follower’s IDLE and command connections open');
    await suite.stack.deliver(alice, mailToAlice('Heard by the window serving its own account'));
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
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 5_000, 'the follower serves the account');
    await leader.ask({ command: 'addAccount' });
    await eventually(async () => (await leader.ask<number>({ command: 'tokenRequests' })) > 0, 5_000, 'the leader took the follower’s watch');
    const tokensBefore = await follower.ask<number>({ command: 'tokenRequests' });
    assert.equal((await follower.ask<number[]>({ command: 'page', folder: 'INBOX', start: 0, count: 20 })).length, 20);
    assert.equal(await follower.ask({ command: 'tokenRequests' }), tokensBefore, 'the follower still opens connections of its own');
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 10_000, 'only the leader’s two connections');
    assert.equal(await follower.ask({ command: 'refusals' }), refusals, 'the leader refused the account it signed in to');
  });
});
