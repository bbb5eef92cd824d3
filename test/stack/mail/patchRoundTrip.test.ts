// Patches by mail against the local stack: a repository's branch formatted with git format-patch,
// sent as a threaded series over the stack's SMTP, read back over IMAP and applied with git am on a
// clean clone, which must reproduce the branch's tree, authors, dates and messages byte for byte.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { MailAccount } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { applyMails, formatPatches, runGit } from '../../../src/mail/patchGit';
import { coverLetterDraft, missingParts, patchMessage } from '../../../src/mail/patchFormat';
import { PatchSeriesSend } from '../../../src/mail/patchSeries';
import { hunkAt, parsePatchText } from '../../../src/mail/patchText';
import { readSeries } from '../../../src/mail/patchThread';
import { MailSessions } from '../../../src/mail/connection';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { testLogger } from '../../support/logging';
import { StackMailAccounts } from '../../support/stackAccounts';
import { startStack } from '..';
import { DEMO_SOURCE, DEMO_SOURCE_FILE, patchSeriesMessages } from '../fixturePatches';
import { buildMessage } from '../mimeBuilder';
import type { Stack } from '..';

const logger = testLogger(() => undefined);

async function git(repository: string, ...args: string[]): Promise<string> {
  const output = await runGit(repository, args);
  assert.equal(output.code, 0, `git ${args.join(' ')}: ${output.stderr}`);
  return output.stdout;
}

/** A repository whose `topic` branch has three commits by Carol, with everything that must survive mail. */
async function topicRepository(root: string): Promise<string> {
  const repository = join(root, 'origin');
  await runGit(root, ['init', '-q', '-b', 'main', repository]);
  await git(repository, 'config', 'user.name', 'Ada Lovelace');
  await git(repository, 'config', 'user.email', 'ada@example.org');
  await writeFile(join(repository, 'notes.txt'), 'first line\nsecond line\nthird line\n');
  await git(repository, 'add', '.');
  await git(repository, 'commit', '-qm', 'Start');
  await git(repository, 'checkout', '-qb', 'topic');
  const carol = ['-c', 'user.name=Carol Ünïcode', '-c', 'user.email=carol@example.org'];
  const commits: [string, string, string][] = [
    ['notes.txt', 'first line\nsecond line  \n\tthird line\nnaïve café\n', 'Keep trailing blanks and tabs\n\nFrom here on the notes are indented.\n'],
    ['windows.txt', 'crlf line\r\nanother\r\n', 'Add a CRLF file\n\nSigned-off-by: Carol Ünïcode <carol@example.org>\n'],
    ['notes.txt', 'first line\nsecond line  \n\tthird line\nnaïve café\nFrom the start of a line\n', 'Add a From line ✓\n'],
  ];
  for (const [index, [file, content, message]] of commits.entries()) {
    await writeFile(join(repository, file), content);
    await git(repository, 'add', '.');
    await git(repository, ...carol, 'commit', '-q', `--date=2026-01-0${index + 1}T10:00:00+02:00`, '-m', message);
  }
  return repository;
}

async function waitForSeries(
  stack: Stack,
  accounts: StackMailAccounts,
  account: MailAccount,
  tag: string,
  count: number,
): Promise<{ uid: number; raw: Buffer }[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const client = new ImapFlow({
      host: stack.imap.host,
      port: stack.imap.port,
      secure: true,
      auth: { user: account.email, accessToken: await accounts.getAccessToken(account.id, stack.imap.host) },
      logger: false,
    });
    await client.connect();
    const found: { uid: number; raw: Buffer }[] = [];
    try {
      await client.mailboxOpen('INBOX');
      for await (const message of client.fetch('1:*', { source: true, envelope: true })) {
        if (message.source && message.envelope?.subject?.includes(tag)) {
          found.push({ uid: message.uid, raw: message.source });
        }
      }
    } finally {
      await client.logout();
    }
    if (found.length >= count) {
      return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the series ${tag} did not arrive`);
}

describe('patches by mail against the local stack', function () {
  this.timeout(60_000);
  let stack: Stack;
  let root: string;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailroom-patches-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a branch of three commits goes out as a threaded series (cover + 3) and git am on a clean clone reproduces it', async () => {
    const accounts = await StackMailAccounts.create(stack);
    const alice = await accounts.signInAs(stack, stack.users[0]);
    const bob = await accounts.signInAs(stack, stack.users[1]);
    const drafts = new DraftStore(join(root, 'drafts'), logger);
    const sender = new SmtpSender({
      accounts,
      logger,
      rateLimiter: new SendRateLimiter(() => 30),
      maxMessageBytes: () => 10 * 1024 * 1024,
      connectTimeoutMs: 5_000,
    });
    const outbox = new Outbox({ sender, drafts, logger });
    const repository = await topicRepository(root);

    const files = await formatPatches(repository, { revisions: ['main'], subjectPrefix: 'PATCH rt', coverLetter: true });
    assert.deepEqual(
      files.map((file) => file.subject),
      [
        '[PATCH rt 0/3] *** SUBJECT HERE ***',
        '[PATCH rt 1/3] Keep trailing blanks and tabs',
        '[PATCH rt 2/3] Add a CRLF file',
        '[PATCH rt 3/3] Add a From line ✓',
      ],
    );
    const addressing = { from: { name: 'Alice', address: alice.email }, to: [{ address: bob.email }], cc: [] };
    const [coverFile, ...patchFiles] = files;
    assert.ok(coverFile);
    const draft = coverLetterDraft(coverFile);
    const cover: OutgoingMessage = {
      ...addressing,
      bcc: [],
      subject: `${draft.subject}Mail-safe notes`,
      text: `Three fixes.${draft.body}`,
      html: '',
      attachments: [],
    };
    const coverSent = await outbox.send(alice, cover);
    assert.equal(coverSent.status, 'sent');
    const series = new PatchSeriesSend(
      patchFiles.map((file) => patchMessage(file, addressing)),
      coverSent.status === 'sent' ? coverSent.messageId : undefined,
    );
    const result = await series.sendRemaining(async (message) => {
      const outcome = await outbox.send(alice, message);
      return outcome.status === 'sent' ? outcome : { status: 'failed', draft: outcome.draft };
    });
    assert.deepEqual(result, { complete: true });

    const review = await outbox.send(alice, {
      ...cover,
      subject: `Re: ${cover.subject}`,
      text: 'A review of the series',
      inReplyTo: coverSent.status === 'sent' ? coverSent.messageId : '',
    });
    assert.equal(review.status, 'sent');
    const received = await waitForSeries(stack, accounts, bob, '[PATCH rt ', 5);
    const parsed = await Promise.all(received.map(({ raw }) => simpleParser(raw)));
    const bySubject = new Map(parsed.map((mail, index) => [mail.subject ?? '', { mail, ...(received[index] ?? { uid: 0, raw: Buffer.alloc(0) }) }]));
    const root0 = bySubject.get('[PATCH rt 0/3] Mail-safe notes');
    assert.ok(root0, 'the cover letter arrived');
    const parts = [1, 2, 3].map((part) => {
      const found = [...bySubject.entries()].find(([subject]) => subject.startsWith(`[PATCH rt ${part}/3]`))?.[1];
      assert.ok(found, `part ${part} arrived`);
      return found;
    });
    assert.deepEqual(missingParts([...bySubject.keys()]), []);
    // Apply Series… from part 2 finds the parts in order, leaving out the cover letter and the review.
    const sessions = new MailSessions({ accounts, logger });
    const found = await readSeries(sessions.get(bob), { accountId: bob.id, folder: 'INBOX', uid: parts[1]?.uid ?? 0 }, parts[1]?.mail.subject ?? '');
    // … and so does it from part 1 (threaded under the cover letter) and from the cover letter itself.
    const fromFirst = await readSeries(sessions.get(bob), { accountId: bob.id, folder: 'INBOX', uid: parts[0]?.uid ?? 0 }, parts[0]?.mail.subject ?? '');
    const fromCover = await readSeries(sessions.get(bob), { accountId: bob.id, folder: 'INBOX', uid: root0.uid }, root0.mail.subject ?? '');
    await sessions.dispose();
    for (const series of [found, fromFirst, fromCover]) {
      assert.deepEqual(
        series.parts.map((part) => part.subject),
        parts.map((part) => part.mail.subject),
      );
    }
    assert.deepEqual(found.missing, []);
    for (const part of parts) {
      assert.equal(part.mail.inReplyTo, root0.mail.messageId);
      assert.deepEqual([part.mail.references].flat(), [root0.mail.messageId]);
      assert.doesNotMatch(String(part.mail.headers.get('content-type') && JSON.stringify(part.mail.headers.get('content-type'))), /multipart|flowed/);
      assert.ok(parsePatchText(part.mail.text ?? '')?.commit, 'the reader sees a commit to apply');
    }
    assert.match(parts[0]?.mail.text ?? '', /^From: Carol Ünïcode <carol@example.org>\nDate: /);

    const clone = join(root, 'clone');
    await runGit(root, ['clone', '-q', '--branch', 'main', repository, clone]);
    await git(clone, 'config', 'user.name', 'Bob');
    await git(clone, 'config', 'user.email', 'bob@example.org');
    const outcome = await applyMails(
      clone,
      found.parts.map((part) => part.raw),
      { threeWay: false },
    );
    assert.deepEqual(outcome, { applied: true, commits: 3 });
    assert.equal(await git(clone, 'rev-parse', 'HEAD^{tree}'), await git(repository, 'rev-parse', 'HEAD^{tree}'));
    const history = ['log', '--format=%an <%ae>|%ad|%B', 'main..HEAD'];
    assert.equal(await git(clone, ...history.slice(0, 2), 'origin/main..HEAD'), await git(repository, ...history));
  });

  it('a patch that does not apply leaves the repository untouched and names the failing hunk', async () => {
    const repository = await topicRepository(root);
    const [patch] = await formatPatches(repository, { revisions: ['-1', 'topic~2'], subjectPrefix: 'PATCH', coverLetter: false });
    assert.ok(patch);
    const mail = Buffer.from(`From: Carol <carol@example.org>\r\nSubject: ${patch.subject}\r\nDate: ${patch.date}\r\n\r\n${patch.body.replace(/\n/g, '\r\n')}`);
    await git(repository, 'checkout', '-q', 'main');
    await writeFile(join(repository, 'notes.txt'), 'first line\nchanged here\nthird line\n');
    await git(repository, 'commit', '-qam', 'Diverge');
    const head = await git(repository, 'rev-parse', 'HEAD');
    await writeFile(join(repository, 'untracked.txt'), 'mine\n');

    const outcome = await applyMails(repository, [mail], { threeWay: false });

    assert.equal(outcome.applied, false);
    assert.ok(!outcome.applied);
    assert.equal(outcome.file, 'notes.txt');
    assert.equal(outcome.line, 1);
    assert.equal(outcome.part, 1);
    assert.equal(hunkAt(patch.body, 'notes.txt', 1), '@@ -1,3 +1,4 @@');
    assert.equal(await git(repository, 'rev-parse', 'HEAD'), head);
    assert.equal(await git(repository, 'status', '--porcelain'), '?? untracked.txt\n');
    assert.equal((await runGit(repository, ['am', '--show-current-patch'])).code === 0, false, 'no am session is left behind');
  });

  it("the demo mailbox's patch series applies with git am to the demo workspace's greet.ts", async () => {
    const repository = join(root, 'demo');
    await runGit(root, ['init', '-q', '-b', 'main', repository]);
    await git(repository, 'config', 'user.name', 'Alice');
    await git(repository, 'config', 'user.email', 'alice@mailroom.test');
    await writeFile(join(repository, DEMO_SOURCE_FILE), DEMO_SOURCE);
    await git(repository, 'add', '.');
    await git(repository, 'commit', '-qm', 'Demo workspace');
    let counter = 0;
    const [cover, ...parts] = patchSeriesMessages(
      { name: 'Bob Example', address: 'bob@mailroom.test' },
      { name: 'Alice Example', address: 'alice@mailroom.test' },
      new Date(Date.UTC(2026, 0, 1)),
      (kind) => `${kind}-${++counter}@x`,
    );
    assert.ok(cover && parsePatchText(cover.spec.text ?? '') === undefined, 'the cover letter carries no diff');
    assert.deepEqual(missingParts(parts.map((part) => part.spec.subject)), []);
    const outcome = await applyMails(
      repository,
      parts.map((part) => buildMessage(part.spec)),
      { threeWay: false },
    );
    assert.deepEqual(outcome, { applied: true, commits: 2 });
    assert.equal(
      await git(repository, 'log', '--format=%an|%s', '-2'),
      'Bob Example|fibonacci: return nothing for a count below one\nBob Example|greet: trim the name before greeting\n',
    );
    assert.match(
      await git(repository, 'show', 'HEAD:greet.ts'),
      /Hello, \$\{name\.trim\(\)\}!`;\n\}\n\nexport function fibonacci\(count: number\): number\[\] \{\n {2}if \(count < 1\) \{/,
    );
  });
});
