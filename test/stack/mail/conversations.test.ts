// Conversations against the stack's Dovecot: its THREAD=REFERENCES (RFC 5256) read through imapflow,
// and a folder listed as conversations with the person's reply joined from Sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { MailAccount } from '../../../src/auth/accountApi';
import { ConversationList } from '../../../src/mail/conversationList';
import { groupConversations, memberOf } from '../../../src/mail/conversationGrouping';
import { findSpecialUse } from '../../../src/mail/folders';
import { MailSession } from '../../../src/mail/connection';
import { threadByReferences } from '../../../src/mail/serverThreads';
import { withTestTransport } from '../../../src/util/testTransport';
import { countCommands } from '../../support/commandCounter';
import { recordingLogger } from '../../support/logging';
import { StackMailAccounts } from '../../support/stackAccounts';
import { startStack } from '..';
import type { Stack } from '..';

const folder = 'Conversations';

/** A plain message; `references` are the IDs it replies to, oldest first. */
function mail(id: string, from: string, subject: string, day: number, references: string[] = []): string {
  return [
    `From: ${from}`,
    'To: alice@mailroom.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}@mailroom.test>`,
    ...(references.length > 0
      ? [`In-Reply-To: <${references[references.length - 1]}@mailroom.test>`, `References: ${references.map((ref) => `<${ref}@mailroom.test>`).join(' ')}`]
      : []),
    `Date: ${new Date(Date.UTC(2026, 10, day, 9)).toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Words of ${id}.`,
    '',
  ].join('\r\n');
}

describe('conversations against Dovecot', function () {
  this.timeout(20_000);
  let stack: Stack;
  let account: MailAccount;
  let session: MailSession;
  const uids = new Map<string, number>();
  let sentReplyUid = 0;
  const logs: string[] = [];

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    const accounts = await StackMailAccounts.create(stack);
    account = await accounts.signInByEmail(stack, 'alice@mailroom.test');
    session = new MailSession(account, withTestTransport({ accounts, logger: recordingLogger(logs).logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    const sent = findSpecialUse(await session.folders(), '\\Sent');
    assert.ok(sent, 'alice has a Sent folder');
    await session.run(async (client) => {
      await client.mailboxCreate(folder);
      const append = async (key: string, raw: string): Promise<void> => {
        const appended = await client.append(folder, raw, ['\\Seen']);
        assert.ok(appended && appended.uid, `${key} appended with its UID`);
        uids.set(key, appended.uid);
      };
      await append('plan', mail('plan', 'Carol <carol@mailroom.test>', 'Release plan', 1));
      await append('lunch', mail('lunch', 'Dave <dave@mailroom.test>', 'Lunch', 2));
      await append('reply', mail('reply', 'Bob <bob@mailroom.test>', 'Re: Release plan', 3, ['plan']));
      // Arrives before its parent (which is in Sent): threaded by its References all the same.
      await append('late', mail('late', 'Carol <carol@mailroom.test>', 'Re: Lunch', 5, ['lunch', 'alice-lunch']));
      await append('subjectOnly', mail('subjectOnly', 'Erin <erin@mailroom.test>', 'RE: Release plan', 4));
      const reply = await client.append(sent.path, mail('alice-lunch', 'Alice <alice@mailroom.test>', 'Re: Lunch', 4, ['lunch']), ['\\Seen']);
      assert.ok(reply && reply.uid);
      sentReplyUid = reply.uid;
    });
    await session.folders({ refresh: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(logs.slice(-60).join('\n'));
    }
  });

  after(async () => {
    await session?.dispose();
    await stack?.stop();
  });

  const uid = (key: string): number => uids.get(key) ?? assert.fail(`${key} was not appended`);

  it('reads THREAD=REFERENCES groups of UIDs from Dovecot, the same as JWZ threading here', async () => {
    const { serverThreads, members, capable } = await session.run(async (client) => {
      await client.mailboxOpen(folder);
      const fetched = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true, headers: ['references'] });
      return {
        capable: client.capabilities.has('THREAD=REFERENCES'),
        serverThreads: await threadByReferences(client, '1:*'),
        members: fetched.map((message) => memberOf(message, folder, false)),
      };
    });
    assert.ok(capable, 'Dovecot offers THREAD=REFERENCES');
    assert.ok(serverThreads);
    const sorted = (groups: number[][]): number[][] => groups.map((group) => [...group].sort((a, b) => a - b)).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    const expected = [
      [uid('plan'), uid('reply'), uid('subjectOnly')],
      [uid('lunch'), uid('late')],
    ];
    assert.deepEqual(sorted(serverThreads), sorted(expected));
    const jwz = groupConversations(members, [], 'jwz').map((group) => group.map((member) => member.uid));
    assert.deepEqual(sorted(jwz), sorted(expected));
  });

  it('makes a page asked for while the first screen is completed with the reply from Sent joined', async () => {
    const list = new ConversationList(session, folder);
    await list.open(50);
    const [, page] = await Promise.all([list.completeFirstScreen(), list.load(0, 50)]);
    assert.deepEqual(
      page.rows.map((row) => [row.uid, row.conversation]),
      [
        [uid('late'), { count: 3, participants: ['Dave', 'me', 'Carol'] }],
        [uid('subjectOnly'), { count: 3, participants: ['Carol', 'Bob', 'Erin'] }],
      ],
    );
  });

  it('shows the first screen from EXAMINE + one FETCH of the cheap items, then adds previews, the server’s threads and the reply from Sent', async () => {
    const list = new ConversationList(session, folder);
    const fetchItems: string[] = [];
    const { result: page, commands } = await countCommands(
      session,
      () => list.open(50),
      (command, attributes) => {
        if (command.endsWith('FETCH')) {
          fetchItems.push(JSON.stringify(attributes));
        }
      },
    );
    assert.deepEqual(commands, ['EXAMINE', 'FETCH'], 'the first screen: the folder opened and one FETCH');
    assert.equal(fetchItems.length, 1);
    assert.match(fetchItems[0] ?? '', /"ENVELOPE"/);
    assert.doesNotMatch(fetchItems[0] ?? '', /BODYSTRUCTURE|"section":\[\{"type":"ATOM","value":"1"\}/, 'no structure, no body bytes on the first screen');
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.rows.map((row) => [row.uid, row.subject, row.preview, row.conversation]),
      [
        [uid('late'), 'Re: Lunch', '', { count: 2, participants: ['Dave', 'Carol'] }],
        [uid('subjectOnly'), 'RE: Release plan', '', { count: 3, participants: ['Carol', 'Bob', 'Erin'] }],
      ],
    );

    const detailItems: string[] = [];
    const { result: completed, commands: after } = await countCommands(
      session,
      () => list.completeFirstScreen(),
      (command, attributes) => command === 'UID FETCH' && detailItems.push(JSON.stringify(attributes)),
    );
    assert.deepEqual(after, ['UID FETCH', 'UID THREAD', 'EXAMINE', 'FETCH', 'EXAMINE'], 'previews, the server threads the window, Sent, the folder again');
    // The pattern above finds structure and body bytes where they are asked for.
    assert.match(detailItems[0] ?? '', /BODYSTRUCTURE/);
    assert.match(detailItems[0] ?? '', /"section":\[\{"type":"ATOM","value":"1"\}/);
    assert.ok(Array.isArray(completed), `the page stays as it is: ${String(completed)}`);
    assert.deepEqual(
      completed.map((row) => [row.uid, row.preview, row.conversation]),
      [
        [uid('late'), 'Words of late.', { count: 3, participants: ['Dave', 'me', 'Carol'] }],
        [uid('subjectOnly'), 'Words of subjectOnly.', { count: 3, participants: ['Carol', 'Bob', 'Erin'] }],
      ],
    );
    assert.deepEqual(
      list.conversationOf(uid('late'))?.map((member) => [member.folder === folder ? 'folder' : 'sent', member.uid]),
      [
        ['folder', uid('lunch')],
        ['sent', sentReplyUid],
        ['folder', uid('late')],
      ],
    );
    // Loading the page again: the folder is still selected for it.
    const { result: more, commands: scrolled } = await countCommands(session, () => list.load(0, 50));
    assert.deepEqual(scrolled, ['UID FETCH']);
    assert.deepEqual(
      more.rows.map((row) => [row.uid, row.conversation?.count]),
      [
        [uid('late'), 3],
        [uid('subjectOnly'), 3],
      ],
    );
  });
});
