// The mail layer against the local stack: real tokens (PKCE sign-in at oidc-provider), real Dovecot.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MailAccount } from '../../../src/auth/accountApi';
import { FIXTURE_CUSTOM_FOLDER } from '../fixtureMailbox';
import { startStack } from '..';
import type { Stack } from '..';
import { appendToSpecialUse, findSpecialUse } from '../../../src/mail/folders';
import {
  archiveMessages,
  deleteMessages,
  fetchNewestRows,
  loadRow,
  loadRows,
  loadRowsByUid,
  moveMessages,
  searchFolder,
  setFlag,
  summarizeFolders,
} from '../../../src/mail/mailbox';
import { loadMessage } from '../../../src/mail/message';
import { MailSession, MailSessions } from '../../../src/mail/connection';
import { EnvelopeCache, completeFirstScreen, openFolderWithCache } from '../../../src/mail/envelopeCache';
import type { FolderChange, SessionState } from '../../../src/mail/connection';
import { FolderRows } from '../../../src/views/folderRows';
import { recordingLogger } from '../../support/logging';
import { withTestTransport } from '../../../src/util/testTransport';
import { isMailroomError } from '../../../src/util/errors';
import { StackMailAccounts } from '../../support/stackAccounts';
import { countCommands } from '../../support/commandCounter';
import { ImapCommandLog, commandNames } from '../../support/imapCommandLog';

function waitFor<T>(register: (resolve: (value: T) => void) => void, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function plainMessage(subject: string): string {
  return [
    `From: Bob Example <bob@mailroom.test>`,
    'To: alice@mailroom.test',
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random()}@mailroom.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

/**
 * How long a test watches for a reconnect or retry that must not come. The sign-out test proves, as its
 * positive control, that a session reconnects within this time after the server drops it.
 */
const quietMs = 3_000;

describe('mail layer against Dovecot', function () {
  this.timeout(60_000);
  let stack: Stack;
  let accounts: StackMailAccounts;
  let alice: MailAccount;
  let session: MailSession;
  const logs: string[] = [];

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInByEmail(stack, 'alice@mailroom.test');
    session = new MailSession(alice, withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
  });

  /** A session of its own, as another window or a reloaded one has. */
  function newSession(logger = recordingLogger(logs).logger): MailSession {
    return new MailSession(alice, withTestTransport({ accounts, logger }, { extraCa: fs.readFileSync(stack.caFile) }));
  }

  after(async () => {
    await session?.dispose();
    await stack?.stop();
  });

  it('lists folders once per connection, special-use first, with unread counts', async () => {
    const folders = await session.folders();
    const again = await session.folders();
    assert.equal(again, folders, 'the second call reuses the listing of this connection');
    const summary = summarizeFolders(folders);
    assert.equal(summary[0]?.path, 'INBOX');
    for (const use of ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive']) {
      assert.ok(
        summary.some((folder) => folder.specialUse === use),
        `${use} is listed`,
      );
    }
    const specialCount = summary.filter((folder) => folder.specialUse || folder.path === 'INBOX').length;
    assert.ok(
      summary.slice(0, specialCount).every((folder) => folder.specialUse || folder.path === 'INBOX'),
      'special-use folders come first',
    );
    assert.ok(summary.some((folder) => folder.path === FIXTURE_CUSTOM_FOLDER));
    assert.equal(summary[0]?.unread, stack.fixture?.unreadInInbox);
  });

  it('shows the first screen of a new session before any folder list, and its IDLE connection selects without a look-up', async () => {
    const log = new ImapCommandLog();
    const fresh = new MailSession(alice, withTestTransport({ accounts, logger: log.logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      await fetchNewestRows(fresh, 'INBOX', 20);
      const firstScreen = log.afterAuthentication();
      // ID, NAMESPACE and ENABLE are imapflow's connection set-up, which it cannot skip.
      assert.deepEqual(commandNames(firstScreen), ['ID', 'NAMESPACE', 'ENABLE', 'EXAMINE', 'FETCH'], firstScreen.join(' | '));

      log.reset();
      const watching = waitFor<string>(
        (resolve) =>
          fresh.onDidChangeFolder((change) => {
            if (change.kind === 'watching') {
              resolve(change.folder);
            }
          }),
        10_000,
        'the IDLE connection',
      );
      fresh.watch('INBOX');
      await watching;
      assert.deepEqual(commandNames(log.afterAuthentication()), ['ID', 'NAMESPACE', 'ENABLE', 'EXAMINE'], log.afterAuthentication().join(' | '));
    } finally {
      await fresh.dispose();
    }
  });

  it('opens a folder with two commands (EXAMINE + FETCH) and pages older messages', async () => {
    await session.folders();
    await session.run(async (client) => {
      await client.mailboxClose().catch(() => undefined);
    });
    const { result: first, commands } = await countCommands(session, () => fetchNewestRows(session, 'INBOX', 20));
    assert.deepEqual(commands, ['EXAMINE', 'FETCH'], `commands sent: ${commands.join(', ')}`);
    assert.equal(first.status.total, stack.fixture?.folders.INBOX);
    assert.equal(first.rows.length, 20);
    const uids = first.rows.map((row) => row.uid);
    assert.deepEqual(
      uids,
      [...uids].sort((a, b) => b - a),
      'newest first',
    );

    const { result: second, commands: pageCommands } = await countCommands(session, () => loadRows(session, 'INBOX', 20, 20));
    assert.deepEqual(pageCommands, ['FETCH'], 'a further page is one FETCH');
    assert.equal(second.rows.length, 20);
    assert.ok(Math.max(...second.rows.map((row) => row.uid)) < Math.min(...uids), 'the second page is older');
    assert.ok(
      first.rows.some((row) => row.preview.length > 0),
      'previews are filled',
    );
    assert.ok(first.rows.every((row) => row.subject && row.from && row.date > 0));
  });

  it('shows a folder first from the cheap items (EXAMINE + FETCH), then fills previews with a second FETCH after it', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
    const log = new ImapCommandLog();
    const fresh = new MailSession(alice, withTestTransport({ accounts, logger: log.logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      const cache = new EnvelopeCache(directory, () => true, recordingLogger([]).logger);
      await fresh.run(async () => undefined);
      log.reset();
      const first = await openFolderWithCache(fresh, cache, 'INBOX', 20);
      const firstScreen = [...log.lines];
      assert.deepEqual(log.commands, ['EXAMINE', 'FETCH'], firstScreen.join(' | '));
      assert.doesNotMatch(firstScreen[1] ?? '', /BODYSTRUCTURE|BODY\.PEEK/, 'the first screen opens no message');
      // RFC822.SIZE would make Dovecot read a Maildir's whole uidlist on every open; no row shows it.
      assert.deepEqual(
        /\(([^()]*)\)$/
          .exec(firstScreen[1] ?? '')?.[1]
          ?.split(' ')
          .sort(),
        ['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'MODSEQ', 'UID'],
        firstScreen[1],
      );
      assert.equal(first.rows.length, 20);
      assert.ok(
        first.rows.every((row) => row.subject && row.from && row.date > 0 && row.preview === ''),
        'rows are there before their previews',
      );
      assert.equal(await cache.read(alice.id, 'INBOX'), undefined, 'rows without previews are not kept');

      const completed = await completeFirstScreen(fresh, cache, 'INBOX', first);
      assert.deepEqual(log.commands, ['EXAMINE', 'FETCH', 'UID FETCH'], log.lines.join(' | '));
      assert.match(log.lines[2] ?? '', /BODYSTRUCTURE/);
      assert.deepEqual(
        completed?.map((row) => row.uid),
        first.rows.map((row) => row.uid),
      );
      assert.ok(
        completed?.some((row) => row.preview.length > 0),
        'previews are filled',
      );
      assert.deepEqual((await cache.read(alice.id, 'INBOX'))?.rows.slice(0, 20), completed);
    } finally {
      await fresh.dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reopens an unchanged folder from the cache with EXAMINE alone, and resyncs changed flags with CONDSTORE', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
    const other = new MailSession(alice, withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      const cache = new EnvelopeCache(directory, () => true, recordingLogger(logs).logger);
      const firstScreen = await openFolderWithCache(session, cache, 'INBOX', 20);
      const first = { ...firstScreen, rows: (await completeFirstScreen(session, cache, 'INBOX', firstScreen)) ?? [] };
      assert.ok(first.status.highestModseq, 'the server offers CONDSTORE');
      const { result: again, commands } = await countCommands(session, () => openFolderWithCache(session, cache, 'INBOX', 20));
      assert.deepEqual(commands, ['EXAMINE'], 'nothing changed: no FETCH');
      assert.deepEqual(again.rows, first.rows);
      const target = first.rows[3];
      assert.ok(target);
      // Another client flags a message.
      await setFlag(other, 'INBOX', [target.uid], '\\Flagged', !target.flagged);
      const { result: synced, commands: resync } = await countCommands(session, () => openFolderWithCache(session, cache, 'INBOX', 20));
      assert.deepEqual(resync, ['EXAMINE', 'FETCH'], 'only the changed flags are fetched');
      assert.equal(synced.rows[3]?.flagged, !target.flagged);
      assert.equal((await cache.read(alice.id, 'INBOX'))?.rows[3]?.flagged, !target.flagged);
      await setFlag(other, 'INBOX', [target.uid], '\\Flagged', target.flagged);
    } finally {
      await other.dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('cold start: shows the cached rows before any IMAP command, then the server page with a changed flag and a new message', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
    const cache = new EnvelopeCache(directory, () => true, recordingLogger(logs).logger);
    // The window before the reload: the Inbox was shown and cached with its previews.
    const before = newSession();
    let cachedRows;
    try {
      const firstScreen = await openFolderWithCache(before, cache, 'INBOX', 20);
      cachedRows = await completeFirstScreen(before, cache, 'INBOX', firstScreen);
    } finally {
      await before.dispose();
    }
    assert.ok(cachedRows && cachedRows.length === 20);
    const target = cachedRows[3];
    assert.ok(target);

    // Meanwhile another client flags a message and new mail arrives.
    const other = newSession();
    const subject = `Arrived while the window was closed ${Date.now()}`;
    try {
      await setFlag(other, 'INBOX', [target.uid], '\\Flagged', !target.flagged);
      await other.run((client) => client.append('INBOX', plainMessage(subject)));
    } finally {
      await other.dispose();
    }

    // The reloaded window.
    const log = new ImapCommandLog();
    const reloaded = newSession(log.logger);
    try {
      const opened = await new FolderRows(cache).open(reloaded, 'INBOX', 20);
      assert.deepEqual(log.lines, [], 'the cached rows came before any IMAP command');
      assert.equal(opened.page.reconciling, true);
      assert.deepEqual(opened.page.rows, cachedRows);
      assert.ok(opened.reconciled, 'the server page follows');

      const reconciled = await opened.reconciled;
      assert.ok(log.commands.includes('EXAMINE'), `the reconciliation went to the server: ${log.lines.join(' | ')}`);
      assert.equal(reconciled.page.reconciling, undefined);
      assert.equal(reconciled.page.total, opened.page.total + 1);
      assert.equal(reconciled.page.rows[0]?.subject, subject, 'the new message is on top');
      const flagged = reconciled.page.rows.find((row) => row.uid === target.uid);
      assert.equal(flagged?.flagged, !target.flagged, 'the flag changed elsewhere is shown');
      assert.equal(flagged?.preview, target.preview, 'known rows keep their cached previews until the details follow');
      const details = await reconciled.details;
      assert.ok(Array.isArray(details), 'the details are rows');
      assert.equal(details[0]?.subject, subject);
      await setFlag(reloaded, 'INBOX', [target.uid], '\\Flagged', target.flagged);
    } finally {
      await reloaded.dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a session that is already connected opens from the server as before, without a cached first page', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
    const live = newSession();
    try {
      const cache = new EnvelopeCache(directory, () => true, recordingLogger(logs).logger);
      await live.run(async () => undefined);
      await (
        await new FolderRows(cache).open(live, 'INBOX', 20)
      ).details;
      assert.ok(await cache.read(alice.id, 'INBOX'), 'the folder is cached (the cold path would have been taken)');
      const opened = await new FolderRows(cache).open(live, 'INBOX', 20);
      assert.equal(opened.page.reconciling, undefined);
      assert.equal(opened.reconciled, undefined);
    } finally {
      await live.dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('sets and clears flags: the folder the list opened read-only is selected read-write for the change, once', async () => {
    const { rows } = await fetchNewestRows(session, 'INBOX', 5);
    const target = rows[0];
    assert.ok(target);
    const { commands: change } = await countCommands(session, () => setFlag(session, 'INBOX', [target.uid], '\\Flagged', true));
    assert.deepEqual(change, ['SELECT', 'UID STORE'], 'EXAMINE for reading, SELECT for changing');
    const { commands: read } = await countCommands(session, () => loadRow(session, 'INBOX', target.uid));
    assert.deepEqual(read, ['UID FETCH'], 'a read takes the folder as it is open');
    await setFlag(session, 'INBOX', [target.uid], '\\Seen', true);
    let row = await loadRow(session, 'INBOX', target.uid);
    assert.equal(row?.flagged, true);
    assert.equal(row?.unread, false);
    await setFlag(session, 'INBOX', [target.uid], '\\Seen', false);
    await setFlag(session, 'INBOX', [target.uid], '\\Flagged', false);
    row = await loadRow(session, 'INBOX', target.uid);
    assert.equal(row?.flagged, false);
    assert.equal(row?.unread, true);
  });

  it('moves, archives and deletes to Trash, then deletes for good from Trash', async () => {
    const folders = await session.folders();
    const trash = findSpecialUse(folders, '\\Trash')?.path ?? '';
    const archive = findSpecialUse(folders, '\\Archive')?.path ?? '';
    const before = await fetchNewestRows(session, 'INBOX', 3);
    const [first, second, third] = before.rows;
    assert.ok(first && second && third);

    await moveMessages(session, 'INBOX', [first.uid], FIXTURE_CUSTOM_FOLDER);
    await archiveMessages(session, 'INBOX', [second.uid]);
    assert.equal(await deleteMessages(session, 'INBOX', [third.uid]), 'trash');

    const after = await fetchNewestRows(session, 'INBOX', 3);
    assert.equal(after.status.total, before.status.total - 3);
    const subjectsIn = async (folder: string): Promise<string[]> => (await fetchNewestRows(session, folder, 50)).rows.map((row) => row.subject);
    assert.ok((await subjectsIn(FIXTURE_CUSTOM_FOLDER)).includes(first.subject));
    assert.ok((await subjectsIn(archive)).includes(second.subject));
    const inTrash = await fetchNewestRows(session, trash, 50);
    const trashed = inTrash.rows.find((row) => row.subject === third.subject);
    assert.ok(trashed, 'deleted mail is in Trash');

    assert.equal(await deleteMessages(session, trash, [trashed.uid]), 'expunged');
    assert.ok(!(await subjectsIn(trash)).includes(third.subject), 'deleted for good from Trash');
  });

  it('searches on the server', async () => {
    const landmark = stack.fixture?.landmarks.nonAsciiAttachment ?? '';
    const { uids } = await searchFolder(session, 'INBOX', landmark);
    assert.ok(uids.length >= 1, 'found');
    const rows = await loadRowsByUid(session, 'INBOX', uids);
    assert.ok(rows.some((row) => row.subject.includes(landmark)));
    assert.deepEqual(
      uids,
      [...uids].sort((a, b) => b - a),
    );
    const none = await searchFolder(session, 'INBOX', 'no-such-text-anywhere-9f3a');
    assert.deepEqual(none.uids, []);
  });

  it('searches mail that arrived after the folder was selected on this connection', async () => {
    await searchFolder(session, 'INBOX', 'anything');
    await stack.deliver('alice@mailroom.test', plainMessage('Arrived while selected 7c21'));
    const { uids } = await searchFolder(session, 'INBOX', 'Arrived while selected 7c21');
    assert.equal(uids.length, 1);
  });

  it('reads a message: HTML, attachments with sanitized names, non-ASCII', async () => {
    const landmark = stack.fixture?.landmarks.nonAsciiAttachment ?? '';
    const { uids } = await searchFolder(session, 'INBOX', landmark);
    const uid = uids[0];
    assert.ok(uid);
    const loaded = await loadMessage(session, { accountId: alice.id, folder: 'INBOX', uid });
    assert.ok(loaded.view.subject.includes(landmark));
    assert.ok(loaded.attachments.length >= 1, 'attachments listed from BODYSTRUCTURE');
    for (const attachment of loaded.attachments) {
      assert.ok(attachment.part && !/[/\\]/.test(attachment.filename));
    }
    assert.ok(loaded.view.from[0]?.address);
  });

  it('appends to Sent for the composer', async () => {
    const subject = `Appended ${Date.now()}`;
    const result = await appendToSpecialUse(session, '\\Sent', plainMessage(subject));
    const sent = await fetchNewestRows(session, result.path, 5);
    assert.equal(sent.rows[0]?.subject, subject);
    assert.equal(sent.rows[0]?.unread, false);
  });

  it('new mail arrives through IDLE within about a second', async () => {
    const changes: FolderChange[] = [];
    const online = waitFor<boolean>(
      (resolve) => {
        const subscription = session.onDidChangeState((state) => {
          if (state === 'online') {
            subscription.dispose();
            resolve(true);
          }
        });
      },
      10_000,
      'the IDLE connection',
    );
    session.watch('INBOX');
    await online;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const arrived = waitFor<FolderChange>(
      (resolve) => {
        session.onDidChangeFolder((change) => {
          changes.push(change);
          if (change.kind === 'exists') {
            resolve(change);
          }
        });
      },
      5_000,
      'new mail',
    );
    const started = Date.now();
    await stack.deliver('alice@mailroom.test', plainMessage('Live delivery'));
    const change = await arrived;
    const latency = Date.now() - started;
    assert.equal(change.folder, 'INBOX');
    assert.ok(latency < 2_000, `arrived after ${latency} ms`);
    const { rows } = await fetchNewestRows(session, 'INBOX', 1);
    assert.equal(rows[0]?.subject, 'Live delivery');
  });

  it('mail that arrived before IDLE was listening is counted when IDLE opens the folder', async () => {
    session.watch(undefined);
    const { status } = await fetchNewestRows(session, 'INBOX', 1);
    await stack.deliver('alice@mailroom.test', plainMessage('Before IDLE'));
    const watching = waitFor<FolderChange>(
      (resolve) => {
        const subscription = session.onDidChangeFolder((change) => {
          if (change.kind === 'watching') {
            subscription.dispose();
            resolve(change);
          }
        });
      },
      10_000,
      'IDLE watching the folder',
    );
    session.watch('INBOX');
    const change = await watching;
    assert.equal(change.folder, 'INBOX');
    assert.equal(change.exists, status.total + 1, 'the count includes the mail delivered before IDLE');
  });

  it('reconnects by itself after the server drops the connections', async () => {
    const states: SessionState[] = [];
    const subscription = session.onDidChangeState((state) => states.push(state));
    const backOnline = waitFor<boolean>(
      (resolve) => {
        const watching = session.onDidChangeState((state) => {
          if (state === 'online' && states.includes('offline')) {
            watching.dispose();
            resolve(true);
          }
        });
      },
      20_000,
      'the IDLE connection to come back',
    );
    await stack.doveadm(['kick', 'alice@mailroom.test']);
    await backOnline;
    subscription.dispose();
    // The command connection was dropped too: the next command opens a new one.
    const { rows } = await fetchNewestRows(session, 'INBOX', 2);
    assert.equal(rows.length, 2);
    const arrived = waitFor<FolderChange>(
      (resolve) => {
        session.onDidChangeFolder((change) => {
          if (change.kind === 'exists') {
            resolve(change);
          }
        });
      },
      5_000,
      'new mail after the reconnect',
    );
    await stack.deliver('alice@mailroom.test', plainMessage('After reconnect'));
    await arrived;
    assert.ok(!logs.join('\n').includes('AT-SENTINEL'), 'no token in the log');
  });

  it('[SEC-18] an expired token during a session is refreshed once and the session continues', async () => {
    const refreshesBefore = accounts.refreshHosts.length;
    accounts.spoilAccessToken(alice.id);
    await stack.doveadm(['kick', 'alice@mailroom.test']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await fetchNewestRows(session, 'INBOX', 1);
    assert.equal(rows.length, 1);
    assert.equal(accounts.refreshHosts.length - refreshesBefore, 1, 'exactly one refresh');
    assert.deepEqual(accounts.signInRequired, []);
  });

  it('[SEC-18] a token the server keeps rejecting means "sign-in required" after one refresh, with no loop', async () => {
    let tokenRequests = 0;
    let forced = 0;
    const requireSignIn: string[] = [];
    const rejected = new MailSession(
      alice,
      withTestTransport(
        {
          accounts: {
            getAccessToken: async (_id, _host, options) => {
              tokenRequests++;
              forced += options?.forceRefresh ? 1 : 0;
              return 'AT-SENTINEL-never-valid';
            },
            requireSignIn: (id) => requireSignIn.push(id),
          },
          logger: recordingLogger(logs).logger,
        },
        { extraCa: fs.readFileSync(stack.caFile) },
      ),
    );
    try {
      rejected.watch('INBOX');
      const error = await rejected.folders().catch((failure: unknown) => failure);
      assert.ok(isMailroomError(error, 'SignInRequired'), String(error));
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      assert.equal(rejected.state, 'signInRequired');
      // Both connections (commands, IDLE) asked once; they shared one forced refresh, then stopped.
      assert.equal(forced, 1);
      assert.equal(tokenRequests, 3);
      assert.equal(requireSignIn.length, 1);
      // Using the account again sends nothing to the server with the rejected token, and does not refresh.
      const again = await rejected.folders().catch((failure: unknown) => failure);
      assert.ok(isMailroomError(again, 'SignInRequired'));
      assert.equal(forced, 1);
      assert.equal(requireSignIn.length, 1);
    } finally {
      await rejected.dispose();
    }
  });

  it("[SEC-22] closing an account's sessions (sign-out) ends both connections and stops reconnecting", async () => {
    const sessions = new MailSessions(withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    const signedOut = sessions.get(alice);
    signedOut.watch('INBOX');
    await signedOut.folders();
    const connectionsOfAlice = async (): Promise<number> =>
      (await stack.doveadm(['who', '-1', 'alice@mailroom.test'])).split('\n').filter((line) => line.includes('alice@mailroom.test')).length;
    await session.dispose();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.ok((await connectionsOfAlice()) >= 2, 'the command and IDLE connections are open');
    // Positive control for the waits below and in the rejected-token test: a live session the server
    // drops is connected again within quietMs, so a reconnect after sign-out would be seen.
    await stack.doveadm(['kick', 'alice@mailroom.test']);
    const kicked = Date.now();
    while ((await connectionsOfAlice()) > 0 && Date.now() - kicked < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const dropped = Date.now();
    while ((await connectionsOfAlice()) === 0 && Date.now() - dropped < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok((await connectionsOfAlice()) >= 1, `the kicked session did not reconnect within ${quietMs} ms`);
    await sessions.close(alice.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(await connectionsOfAlice(), 0, 'no connection left');
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    assert.equal(await connectionsOfAlice(), 0, 'and none comes back');
    assert.equal(sessions.find(alice.id), undefined);
  });
});
