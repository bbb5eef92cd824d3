// A small patch attached to a mail larger than the reader fetches (a 20 kB .patch next to a 5 MB
// screenshot), through the local Dovecot: the reader fetches the patch part on its own and shows it
// as a patch, with one FETCH more only for such a mail; Apply Patch… and Reply to Patch read the
// message whole and find it too. The editor is the fake one (its dialogs answer with the first button).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailAccount } from '../../../src/auth/accountApi';
import { MailSession } from '../../../src/mail/connection';
import { searchFolder } from '../../../src/mail/mailbox';
import { loadMessage } from '../../../src/mail/message';
import { patchShowLimit } from '../../../src/mail/patchAttachment';
import { runGit } from '../../../src/mail/patchGit';
import { readPatchOriginal } from '../../../src/mail/patchReply';
import type * as PatchesInModule from '../../../src/services/patchesIn';
import type { MessageRef, MessageView } from '../../../src/shared/protocol';
import { withTestTransport } from '../../../src/util/testTransport';
import { countCommands } from '../../support/commandCounter';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';
import { testLogger } from '../../support/logging';
import { StackMailAccounts } from '../../support/stackAccounts';
import { startStack } from '..';
import type { Stack } from '..';

const screenshotSize = 5 * 1024 * 1024;

async function git(repository: string, ...args: string[]): Promise<string> {
  const output = await runGit(repository, args);
  assert.equal(output.code, 0, output.stderr);
  return output.stdout;
}

type Attached = readonly [name: string, type: string, bytes: Buffer, sent?: 'inline' | 'longLines'];

/**
 * A mail with a text, then each attachment (name, type, bytes) in base64 (in lines of 76 characters,
 * or of 996), or shown inline as 8-bit text (a named text part, which the reader both shows and
 * lists); found again by `landmark`.
 */
function mailWith(landmark: string, attachments: readonly Attached[]): Buffer {
  const parts = attachments.flatMap(([name, type, bytes, sent]) => [
    '--part',
    `Content-Type: ${type}; name="${name}"`,
    `Content-Disposition: ${sent === 'inline' ? 'inline' : 'attachment'}; filename="${name}"`,
    `Content-Transfer-Encoding: ${sent === 'inline' ? '8bit' : 'base64'}`,
    '',
    sent === 'inline'
      ? bytes.toString('latin1').replace(/\n/g, '\r\n')
      : bytes.toString('base64').replace(sent === 'longLines' ? /.{996}/g : /.{76}/g, '$&\r\n'),
  ]);
  const head = ['From: Carol <carol@example.org>', 'To: alice@mailroom.test', `Subject: ${landmark}`, `Message-ID: <${landmark}@example.org>`];
  const text = ['--part', 'Content-Type: text/plain; charset=utf-8', '', 'The fix is attached, and a screenshot of what it fixes.'];
  const lines = [...head, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="part"', '', ...text, ...parts, '--part--', ''];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** A diff of a little over the reader's cap (1.06 MB), which in base64 of 996-character lines the structure estimates under it. */
function overEstimatePatch(): Buffer {
  const lines = Array.from({ length: 28_700 }, (_, index) => `+line ${String(index).padStart(6, '0')} of a patch over the cap`);
  const file = Buffer.from(['--- a/big.txt', '+++ b/big.txt', `@@ -0,0 +1,${lines.length} @@`, ...lines, ''].join('\n'));
  const estimate = Math.floor((Math.ceil(file.length / 747) * 998 * 57) / 78);
  assert.ok(file.length > patchShowLimit && estimate <= patchShowLimit, `a patch of ${file.length} bytes, estimated ${estimate}`);
  return file;
}

describe('a small patch in a mail larger than the reader fetches, through Dovecot', function () {
  this.timeout(120_000);
  const editor = new FakeEditor();
  let restoreVscode: () => void;
  let patches: typeof PatchesInModule;
  let stack: Stack;
  let alice: MailAccount;
  let session: MailSession;
  let root: string;
  let repository: string;
  let patchFile: Buffer;
  const refs = new Map<string, MessageRef>();

  async function deliver(landmark: string, attachments: readonly Attached[]): Promise<void> {
    await stack.deliver('alice@mailroom.test', mailWith(landmark, attachments));
    const found = await searchFolder(session, 'INBOX', landmark);
    assert.equal(found.uids.length, 1, `${landmark} delivered once`);
    refs.set(landmark, { accountId: alice.id, folder: 'INBOX', uid: found.uids[0] ?? 0 });
  }

  before(async () => {
    restoreVscode = installFakeVscode(editor);
    patches = createRequire(__filename)('../../../src/services/patchesIn') as typeof PatchesInModule;
    root = await mkdtemp(join(tmpdir(), 'mailroom-big-mail-'));
    repository = join(root, 'repo');
    const source = join(root, 'source');
    await runGit(root, ['init', '-q', '-b', 'main', repository]);
    await git(repository, 'config', 'user.name', 'Alice');
    await git(repository, 'config', 'user.email', 'alice@mailroom.test');
    await writeFile(join(repository, 'notes.txt'), `${Array.from({ length: 500 }, (_, index) => `line ${index}`).join('\n')}\n`);
    await git(repository, 'add', '.');
    await git(repository, 'commit', '-qm', 'Start');
    await git(root, 'clone', '-q', repository, source);
    await git(source, 'config', 'user.name', 'Carol');
    await git(source, 'config', 'user.email', 'carol@example.org');
    await writeFile(join(source, 'notes.txt'), `${Array.from({ length: 500 }, (_, index) => `line ${index}, reworded at some length`).join('\n')}\n`);
    await git(source, 'commit', '-qam', 'Reword every line');
    patchFile = Buffer.from(await git(source, 'format-patch', '-1', '--stdout'));
    assert.ok(patchFile.length > 20_000 && patchFile.length < 64 * 1024, `a patch of ${patchFile.length} bytes`);

    stack = await startStack({ seed: 'none' });
    const accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInByEmail(stack, 'alice@mailroom.test');
    session = new MailSession(alice, withTestTransport({ accounts, logger: testLogger() }, { extraCa: fs.readFileSync(stack.caFile) }));
    const screenshot: [string, string, Buffer] = ['screenshot.png', 'image/png', randomBytes(screenshotSize)];
    const patch: [string, string, Buffer] = ['0001-Reword-every-line.patch', 'text/x-patch', patchFile];
    // The screenshot first: the fetched 2 MB hold none of the patch.
    await deliver('big-with-patch', [screenshot, patch]);
    await deliver('big-without-patch', [screenshot]);
    await deliver('small-with-patch', [patch]);
    const latin1 = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1 +1 @@', '-line 0', '+line z\u00e9ro', ''].join('\n');
    await deliver('big-with-latin1-inline-diff', [screenshot, ['fix.diff', 'text/plain; charset=iso-8859-1', Buffer.from(latin1, 'latin1'), 'inline']]);
    // Base64 in long lines carries more bytes than the structure's size suggests: a patch over the cap that looks under it.
    await deliver('big-with-patch-over-estimate', [screenshot, ['over.patch', 'text/x-patch', overEstimatePatch(), 'longLines']]);
    // A .patch that is binary (git's NUL test) is listed, never shown as a patch.
    await deliver('big-with-binary-patch', [screenshot, ['image.patch', 'application/octet-stream', Buffer.concat([Buffer.alloc(1), patchFile])]]);
  });

  after(async () => {
    restoreVscode?.();
    await session?.dispose();
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** loadMessage with the IMAP commands it sent, what each FETCH asked for, and the bytes it read. */
  async function load(landmark: string): Promise<{ view: MessageView; commands: string[]; fetches: string[]; received: number }> {
    const ref = refs.get(landmark);
    assert.ok(ref);
    await session.run(async (client) => (client as unknown as { stats(reset: boolean): unknown }).stats(true));
    const fetches: string[] = [];
    const { result, commands } = await countCommands(
      session,
      () => loadMessage(session, ref),
      (command, attributes) => command.includes('FETCH') && fetches.push(JSON.stringify(attributes)),
    );
    const { received } = await session.run(async (client) => (client as unknown as { stats(reset: boolean): { received: number } }).stats(true));
    return { view: result.view, commands, fetches, received };
  }

  it('shows the patch of a message over the fetch limit, fetching only that part once more', async () => {
    const { view, commands, fetches, received } = await load('big-with-patch');
    assert.equal(view.truncated, true);
    assert.equal(view.patch?.attachment, '0001-Reword-every-line.patch');
    assert.deepEqual(view.patch?.files, ['notes.txt']);
    assert.equal(view.patch?.commit, true);
    assert.equal(view.patch?.lines.filter((line) => line.kind === 'added').length, 500);
    assert.equal(view.patchTooLarge, undefined);
    assert.deepEqual(
      view.attachments.map((attachment) => attachment.filename),
      ['screenshot.png', '0001-Reword-every-line.patch'],
    );
    assert.deepEqual(
      commands.filter((command) => command.includes('FETCH')),
      ['UID FETCH', 'UID FETCH'],
      commands.join(', '),
    );
    assert.match(fetches[1] ?? '', /BODY\.PEEK/);
    assert.match(fetches[1] ?? '', /"3"/, 'the second FETCH asks for the patch part, not the message');
    const expected = 2 * 1024 * 1024 + patchFile.length * 1.4;
    assert.ok(received < expected + 16 * 1024, `read ${received} bytes, the cut source and the part are ${expected}`);
  });

  it('sends no FETCH more for a message over the limit without a patch, nor for one the reader loads whole', async () => {
    const without = await load('big-without-patch');
    assert.equal(without.view.truncated, true);
    assert.deepEqual(
      without.commands.filter((command) => command.includes('FETCH')),
      ['UID FETCH'],
    );
    const small = await load('small-with-patch');
    assert.equal(small.view.truncated, false);
    assert.equal(small.view.patch?.attachment, '0001-Reword-every-line.patch', 'the positive control: the same patch, in the source fetched');
    assert.deepEqual(
      small.commands.filter((command) => command.includes('FETCH')),
      ['UID FETCH'],
    );
  });

  it('shows an inline Latin-1 diff part of a message over the limit in its own charset', async () => {
    // imapflow would make an inline text part UTF-8 on the way: the part is fetched as sent and read in its charset once.
    const { view } = await load('big-with-latin1-inline-diff');
    assert.equal(view.patch?.attachment, 'fix.diff');
    assert.deepEqual(
      view.patch?.lines.map((line) => line.text),
      ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1 +1 @@', '-line 0', '+line z\u00e9ro', ''],
    );
  });

  it('names a patch part longer than the structure suggests as too large to show, and lists it', async () => {
    const { view, commands } = await load('big-with-patch-over-estimate');
    // Estimated under the cap, the part is fetched (imapflow downloads a large part in pieces).
    assert.ok(commands.filter((command) => command.includes('FETCH')).length > 1, commands.join(', '));
    assert.equal(view.patch, undefined);
    assert.equal(view.patchTooLarge?.attachment, 'over.patch');
    assert.ok((view.patchTooLarge?.size ?? 0) > patchShowLimit);
    assert.deepEqual(
      view.attachments.map((attachment) => attachment.filename),
      ['screenshot.png', 'over.patch'],
    );
  });

  it('lists a binary .patch in a message over the limit and shows no patch', async () => {
    const { view, commands } = await load('big-with-binary-patch');
    assert.deepEqual(
      commands.filter((command) => command.includes('FETCH')),
      ['UID FETCH', 'UID FETCH'],
      'named a patch: fetched to look',
    );
    assert.equal(view.patch, undefined);
    assert.equal(view.patchTooLarge, undefined);
    assert.deepEqual(
      view.attachments.map((attachment) => attachment.filename),
      ['screenshot.png', 'image.patch'],
    );
  });

  it('Apply Patch… applies it as a commit by its author, and Reply to Patch quotes it', async () => {
    const ref = refs.get('big-with-patch');
    assert.ok(ref);
    const applier = new patches.PatchesIn({
      mail: { session: () => session },
      repositories: { chooseRepository: async () => repository },
      logger: testLogger(() => undefined),
    });
    await applier.apply(ref);
    const told = editor.rendered.filter((entry) => entry.surface === 'information message').map((entry) => entry.text);
    assert.ok(told.includes('Apply the patch (git am)?'), JSON.stringify(editor.rendered));
    assert.ok(told.includes('Applied 1 commit.'), JSON.stringify(editor.rendered));
    assert.equal(await git(repository, 'log', '-1', '--format=%an|%s'), 'Carol|Reword every line\n');
    assert.match(await readFile(join(repository, 'notes.txt'), 'utf8'), /^line 499, reworded at some length$/m);
    const original = await readPatchOriginal(session, 'INBOX', ref.uid);
    assert.match(original.text, /^The fix is attached, and a screenshot of what it fixes\.\n\n/);
    assert.match(original.text, /^\+line 499, reworded at some length$/m);
  });
});
