// The folder picker's and the badge's unread counts in several windows sharing one connection (issue 13):
// a follower's counts are the leader's, and they follow new mail (LMTP) and flags changed by another client
// (doveadm). Real processes against Dovecot.
import * as assert from 'node:assert/strict';
import { alice, mailToAlice, windowSuite } from './windowSuite';

describe('Folder counts across windows (real processes, Dovecot)', function () {
  this.timeout(120_000);
  const suite = windowSuite();

  async function serverUnseen(folder: string): Promise<number> {
    const output = await suite.stack.doveadm(['mailbox', 'status', '-u', alice, 'unseen', folder]);
    const unseen = /unseen=(\d+)/.exec(output)?.[1];
    assert.ok(unseen !== undefined, `doveadm said: ${output}`);
    return Number(unseen);
  }

  it('a follower’s picker and badge show the server’s counts after new mail and flags changed elsewhere, and so does the leader’s picker', async () => {
    const { leader, follower } = await suite.leaderAndFollower();

    const listed = await follower.ask<Record<string, number>>({ command: 'folderCounts' });
    await suite.stack.deliver(alice, mailToAlice('Counted in every window 1'));
    await suite.stack.deliver(alice, mailToAlice('Counted in every window 2'));
    await suite.stack.doveadm(['flags', 'remove', '-u', alice, '\\Seen', 'mailbox', 'Archive', 'all']);
    const inbox = await serverUnseen('INBOX');
    const archive = await serverUnseen('Archive');
    assert.equal(inbox, (listed.INBOX ?? 0) + 2, 'positive control: the listing is two behind in INBOX');
    assert.notEqual(archive, listed.Archive, 'positive control: Archive changed on the server');

    // The badge of the follower (INBOX shown): its STATUS runs on the leader's connection.
    assert.equal(await follower.ask<number>({ command: 'unread', folder: 'INBOX' }), inbox);
    assert.equal((await follower.ask<Record<string, number>>({ command: 'folderCounts' })).INBOX, inbox, 'the follower’s picker shows its badge’s count');
    assert.equal((await leader.ask<Record<string, number>>({ command: 'folderCounts' })).INBOX, inbox, 'the leader’s picker too');

    // The follower's picker about to open: the older counts are read again, for every window.
    assert.equal((await follower.ask<Record<string, number>>({ command: 'folderCounts', countsMaxAgeMs: 0 })).Archive, archive);
    assert.equal((await leader.ask<Record<string, number>>({ command: 'folderCounts' })).Archive, archive);
  });
});
