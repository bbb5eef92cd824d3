// The folder picker's unread counts against Dovecot: they follow new mail (LMTP) and flags changed in
// another client, equal the server's STATUS UNSEEN and the badge's count, and cost no LIST after the
// first. The IMAP commands are counted on the session's connection.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ImapFlow } from 'imapflow';
import type { MailAccount } from '../../../src/auth/accountApi';
import { MailSession } from '../../../src/mail/connection';
import { MAX_COUNTS_PER_REFRESH } from '../../../src/mail/connection/folderListCache';
import { fetchNewestRows, moveMessages, setFlag, summarizeFolders, unreadCount } from '../../../src/mail/mailbox';
import { withTestTransport } from '../../../src/util/testTransport';
import { countCommands } from '../../support/commandCounter';
import { testLogger } from '../../support/logging';
import { StackMailAccounts } from '../../support/stackAccounts';
import { startStack } from '..';
import type { Stack } from '..';
import { FIXTURE_CUSTOM_FOLDER } from '../fixtureMailbox';
import { mailToAlice } from '../windows/windowSuite';

describe('folder counts against Dovecot', function () {
  this.timeout(60_000);
  let stack: Stack;
  let accounts: StackMailAccounts;
  let alice: MailAccount;
  let session: MailSession;
  /** Another mail client of alice's: it changes flags behind Mailroom's back and says what the server counts. */
  let other: ImapFlow;

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInByEmail(stack, 'alice@mailroom.test');
    session = new MailSession(alice, withTestTransport({ accounts, logger: testLogger() }, { extraCa: fs.readFileSync(stack.caFile) }));
    other = new ImapFlow({
      host: stack.imap.host,
      port: stack.imap.port,
      secure: true,
      auth: { user: alice.email, accessToken: await accounts.getAccessToken(alice.id, stack.imap.host) },
      logger: false,
    });
    await other.connect();
  });

  after(async () => {
    await other?.logout();
    await session?.dispose();
    await stack?.stop();
  });

  async function serverUnseen(path: string): Promise<number> {
    const status = await other.status(path, { unseen: true });
    assert.ok(status && typeof status.unseen === 'number', `STATUS of ${path} answered`);
    return status.unseen;
  }

  /** The unread count of each folder, as the picker shows it (a folder without unread mail: 0). */
  function pickerCounts(folders: Awaited<ReturnType<MailSession['folders']>>): Map<string, number> {
    return new Map(summarizeFolders(folders).map((folder) => [folder.path, folder.unread ?? 0]));
  }

  /** Marks every message of `path` read (`seen`) or unread, as another client would. */
  async function markAllInOtherClient(path: string, seen: boolean): Promise<void> {
    const lock = await other.getMailboxLock(path);
    try {
      await (seen ? other.messageFlagsAdd('1:*', ['\\Seen']) : other.messageFlagsRemove('1:*', ['\\Seen']));
    } finally {
      lock.release();
    }
  }

  it('new mail: after the badge’s one STATUS the folder list shows its count, the server’s, with no LIST', async () => {
    const listed = pickerCounts(await session.folders());
    await stack.deliver(alice.email, mailToAlice('Counted by the badge 1'));
    await stack.deliver(alice.email, mailToAlice('Counted by the badge 2'));
    const server = await serverUnseen('INBOX');
    assert.equal(server, (listed.get('INBOX') ?? 0) + 2, 'positive control: the listing’s count is two behind the server');

    const { result: badge, commands: badgeCommands } = await countCommands(session, () => unreadCount(session, 'INBOX'));
    assert.deepEqual(badgeCommands, ['STATUS'], 'the badge costs what it did');
    const { result: folders, commands } = await countCommands(session, () => session.folders());
    assert.deepEqual(commands, [], 'the folder list is not fetched again per new mail');
    assert.equal(badge, server);
    assert.equal(pickerCounts(folders).get('INBOX'), server, 'the picker shows the badge’s count');
  });

  it('flags changed in another client: the picker opening reads each older count (one STATUS per folder, no LIST), then none while fresh', async () => {
    const listed = pickerCounts(await session.folders());
    await markAllInOtherClient('Archive', false);
    await markAllInOtherClient(FIXTURE_CUSTOM_FOLDER, true);
    await stack.deliver(alice.email, mailToAlice('Arrived before the picker opened'));
    const changed = ['Archive', FIXTURE_CUSTOM_FOLDER, 'INBOX'];
    for (const path of changed) {
      assert.notEqual(listed.get(path), await serverUnseen(path), `positive control: ${path} changed on the server`);
    }

    const { result: opened, commands } = await countCommands(session, () => session.folders({ countsMaxAgeMs: 0 }));
    const counts = pickerCounts(opened);
    assert.deepEqual(
      commands,
      [...counts.keys()].map(() => 'STATUS'),
      'one STATUS per folder, nothing else',
    );
    for (const [path, unread] of counts) {
      assert.equal(unread, await serverUnseen(path), `${path}: the picker’s count is the server’s`);
    }

    const { result: again, commands: whileFresh } = await countCommands(session, () => session.folders({ countsMaxAgeMs: 60_000 }));
    assert.deepEqual(whileFresh, [], 'counts read a moment ago are not read again');
    assert.deepEqual(pickerCounts(again), counts);
  });

  it('Mailroom’s own move and read: the picker reads again just the two folders they changed, however fresh the others', async () => {
    await session.folders({ countsMaxAgeMs: 0 });
    const [moved, read] = (await fetchNewestRows(session, 'INBOX', 20)).rows.filter((row) => row.unread);
    assert.ok(moved && read, 'two unread messages in INBOX');
    const listed = pickerCounts(await session.folders());
    await moveMessages(session, 'INBOX', [moved.uid], 'Junk');
    await setFlag(session, 'INBOX', [read.uid], '\\Seen', true);
    await setFlag(session, 'INBOX', [read.uid], '\\Flagged', true);
    assert.equal(await serverUnseen('Junk'), (listed.get('Junk') ?? 0) + 1, 'positive control: Junk has one more unread');

    const { result, commands } = await countCommands(session, () => session.folders({ countsMaxAgeMs: 60_000 }));
    assert.deepEqual(commands, ['STATUS', 'STATUS'], 'INBOX and Junk, no other folder');
    const counts = pickerCounts(result);
    assert.equal(counts.get('INBOX'), await serverUnseen('INBOX'));
    assert.equal(counts.get('Junk'), await serverUnseen('Junk'));
  });

  it('a folder switch asked for while the picker reads many counts again is answered before the last of them', async () => {
    const created = Array.from({ length: 12 }, (_, index) => `Counted/Folder ${index + 1}`);
    for (const path of created) {
      await other.mailboxCreate(path);
    }
    const listed = pickerCounts(await session.folders({ refresh: true }));
    assert.ok(listed.size > MAX_COUNTS_PER_REFRESH, `positive control: more folders (${listed.size}) than one refresh counts`);
    for (const path of created) {
      await other.append(path, mailToAlice(`Unread in ${path}`));
    }
    await markAllInOtherClient('INBOX', true);

    const events: string[] = [];
    const countedPaths: string[] = [];
    const { result: refreshed } = await countCommands(
      session,
      async () => {
        const refreshing = session.folders({ countsMaxAgeMs: 0 }).then((folders) => (events.push('refreshed'), folders));
        const switching = fetchNewestRows(session, FIXTURE_CUSTOM_FOLDER, 20).then(() => void events.push('switched'));
        return (await Promise.all([refreshing, switching]))[0];
      },
      (command, attributes) => {
        events.push(command);
        if (command === 'STATUS') {
          countedPaths.push(String((attributes as [{ value: unknown }])[0].value));
        }
      },
    );
    const switchedAt = events.indexOf('switched');
    assert.ok(switchedAt >= 0 && switchedAt < events.indexOf('refreshed'), `the switch is answered first: ${events.join(' ')}`);
    const statusesBeforeSwitch = events.slice(0, switchedAt).filter((event) => event === 'STATUS').length;
    assert.ok(statusesBeforeSwitch <= 1, `the switch waits for at most one STATUS, not ${statusesBeforeSwitch}: ${events.join(' ')}`);

    assert.equal(countedPaths.length, MAX_COUNTS_PER_REFRESH, 'the oldest counts, as many as one refresh reads');
    const counts = pickerCounts(refreshed);
    for (const path of countedPaths) {
      assert.equal(counts.get(path), await serverUnseen(path), `${path}: the picker’s count is the server’s`);
    }
    assert.ok(
      countedPaths.some((path) => counts.get(path) !== listed.get(path)),
      'positive control: a count read again changed (13 of the folders changed, more than the ones left out)',
    );
  });
});
