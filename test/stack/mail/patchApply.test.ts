// Apply Patch… as the person sees it: the preview names the files, `git am` runs on the chosen
// repository, and a failure is told naming the patch, the file and the hunk, the repository as it was.
// The editor is the fake one (its dialogs answer with the first button); git is real.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMessage } from '../../../src/mail/message';
import { patchShowLimit } from '../../../src/mail/patchAttachment';
import { runGit } from '../../../src/mail/patchGit';
import type * as PatchesInModule from '../../../src/services/patchesIn';
import { testLogger } from '../../support/logging';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';
import { mailAttaching, sessionHolding } from '../../support/heldMessage';

async function git(repository: string, ...args: string[]): Promise<string> {
  const output = await runGit(repository, args);
  assert.equal(output.code, 0, output.stderr);
  return output.stdout;
}

/** A mail the way it arrives: one patch as git send-email sends it. */
function patchMail(line2: string): Buffer {
  return Buffer.from(
    [
      'From: Carol <carol@example.org>',
      'To: alice@mailroom.test',
      'Subject: [PATCH] Reword the second line',
      'Date: Thu, 1 Jan 2026 10:00:00 +0000',
      'Message-ID: <p1@example.org>',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'The second line says what it means.',
      '---',
      ' notes.txt | 2 +-',
      '',
      'diff --git a/notes.txt b/notes.txt',
      '--- a/notes.txt',
      '+++ b/notes.txt',
      '@@ -1,3 +1,3 @@',
      ' first',
      '-second',
      `+${line2}`,
      ' third',
      '-- ',
      '2.39.5',
      '',
    ].join('\r\n'),
  );
}

/** A mail that attaches `file` as `name`, as a mail client attaches a patch file. */
function attachmentMail(name: string, type: string, file: Buffer): Buffer {
  const headers = ['From: Carol <carol@example.org>', 'To: alice@mailroom.test', 'Subject: A fix for notes.txt', 'Message-ID: <a1@example.org>'];
  return mailAttaching(headers, name, type, file);
}

describe('Apply Patch… (fake editor, real git)', () => {
  const editor = new FakeEditor();
  let restore: () => void;
  let patches: typeof PatchesInModule;
  let root: string;
  let repository: string;

  before(() => {
    restore = installFakeVscode(editor);
    patches = createRequire(__filename)('../../../src/services/patchesIn') as typeof PatchesInModule;
  });

  after(() => restore());

  beforeEach(async () => {
    editor.rendered.length = 0;
    root = await mkdtemp(join(tmpdir(), 'mailroom-apply-'));
    repository = join(root, 'repo');
    await runGit(root, ['init', '-q', '-b', 'main', repository]);
    await git(repository, 'config', 'user.name', 'Alice');
    await git(repository, 'config', 'user.email', 'alice@mailroom.test');
    await writeFile(join(repository, 'notes.txt'), 'first\nsecond\nthird\n');
    await git(repository, 'add', '.');
    await git(repository, 'commit', '-qm', 'Start');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function applier(source: Buffer, size = source.length): PatchesInModule.PatchesIn {
    return new patches.PatchesIn({
      mail: { session: () => sessionHolding(source, size) },
      repositories: { chooseRepository: async () => repository },
      logger: testLogger(() => undefined),
    });
  }

  const told = (surface: string): string[] => editor.rendered.filter((entry) => entry.surface === surface).map((entry) => entry.text);

  it('previews the files and applies the patch as a commit by its author', async () => {
    await applier(patchMail('second, reworded')).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').some((text) => text === 'Apply the patch (git am)?'));
    assert.ok(told('information message').some((text) => text.startsWith('Touches: notes.txt\nIn: ')));
    assert.ok(told('information message').includes('Applied 1 commit.'));
    assert.equal(await git(repository, 'log', '-1', '--format=%an|%s'), 'Carol|Reword the second line\n');
  });

  it('applies a format-patch file attached as application/octet-stream with git am, as a commit by its author', async () => {
    // A format-patch file without the mbox From line (some tools leave it out): its headers make it a mail.
    const file = patchMail('second, from the attachment').toString('utf8').split('\r\n').join('\n');
    await applier(attachmentMail('0001-Reword.patch', 'application/octet-stream', Buffer.from(file))).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').includes('Apply the patch (git am)?'));
    assert.ok(told('information message').includes('Applied 1 commit.'));
    assert.equal(await git(repository, 'log', '-1', '--format=%an|%s'), 'Carol|Reword the second line\n');
    assert.equal(await readFile(join(repository, 'notes.txt'), 'utf8'), 'first\nsecond, from the attachment\nthird\n');
  });

  it('applies a Latin-1 .diff attachment with git apply, byte for byte', async () => {
    await writeFile(join(repository, 'notes.txt'), Buffer.from('first\nd\u00e9j\u00e0 vu\nthird\n', 'latin1'));
    await git(repository, 'commit', '-qam', 'Latin-1');
    const diff = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1,3 +1,3 @@', ' first', '-d\u00e9j\u00e0 vu', '+d\u00e9j\u00e0 lu', ' third', ''].join('\n');
    await applier(attachmentMail('fix.diff', 'text/x-diff; charset=iso-8859-1', Buffer.from(diff, 'latin1'))).apply({
      accountId: 'a',
      folder: 'INBOX',
      uid: 7,
    });
    assert.ok(told('information message').includes('Apply the diff (git apply)?'));
    assert.ok(told('information message').includes('Applied the diff to the working tree.'));
    assert.deepEqual(await readFile(join(repository, 'notes.txt')), Buffer.from('first\nd\u00e9j\u00e0 lu\nthird\n', 'latin1'));
  });

  /**
   * A format-patch file in windows-1252 (its café is the byte e9, not UTF-8's c3 a9) of a file whose
   * lines end in `lineEnd`: as git writes one, only the file's own lines end so.
   */
  function latin1FormatPatch(lineEnd: string): Buffer {
    const content = (line: string): string => `${line}${lineEnd.slice(0, -1)}`;
    const lines = [
      'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
      'From: Carol <carol@example.org>',
      'Date: Thu, 1 Jan 2026 10:00:00 +0000',
      'Subject: [PATCH] Drink tea',
      '',
      'The caf\u00e9 line is now th\u00e9.',
      '---',
      ' notes.txt | 2 +-',
      '',
      'diff --git a/notes.txt b/notes.txt',
      '--- a/notes.txt',
      '+++ b/notes.txt',
      '@@ -1,3 +1,3 @@',
      content(' first'),
      content('-caf\u00e9'),
      content('+th\u00e9'),
      content(' third'),
      '-- ',
      '2.39.5',
      '',
    ];
    return Buffer.from(lines.join('\n'), 'latin1');
  }

  for (const [ends, lineEnd] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`applies a windows-1252 format-patch file with ${ends} line ends to a Latin-1 file, byte for byte, its message in UTF-8`, async () => {
      await writeFile(join(repository, 'notes.txt'), Buffer.from(['first', 'caf\u00e9', 'third', ''].join(lineEnd), 'latin1'));
      await git(repository, 'commit', '-qam', 'Latin-1');
      const mail = attachmentMail('0001-Drink-tea.patch', 'text/x-patch; charset=windows-1252', latin1FormatPatch(lineEnd));
      await applier(mail).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
      assert.ok(told('information message').includes('Applied 1 commit.'), JSON.stringify(editor.rendered));
      assert.deepEqual(await readFile(join(repository, 'notes.txt')), Buffer.from(['first', 'th\u00e9', 'third', ''].join(lineEnd), 'latin1'));
      assert.match(await git(repository, 'log', '-1', '--format=%an|%s|%b'), /^Carol\|Drink tea\|The caf\u00e9 line is now th\u00e9\./);
    });
  }

  it('a patch that does not apply is named with its hunk, and the repository is as it was', async () => {
    await writeFile(join(repository, 'notes.txt'), 'first\nsecond changed here\nthird\n');
    await git(repository, 'commit', '-qam', 'Diverge');
    const head = await git(repository, 'rev-parse', 'HEAD');
    await applier(patchMail('second, reworded')).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.deepEqual(told('error message'), ['Patch 1 of 1 does not apply: notes.txt, hunk @@ -1,3 +1,3 @@. The repository is as it was.']);
    assert.equal(await git(repository, 'rev-parse', 'HEAD'), head);
    assert.equal(await git(repository, 'status', '--porcelain'), '');
  });

  it('says git needs a name and email when the repository has no identity to commit with', async () => {
    await git(repository, 'config', '--unset', 'user.name');
    await git(repository, 'config', '--unset', 'user.email');
    await git(repository, 'config', 'user.useConfigOnly', 'true');
    const head = await git(repository, 'rev-parse', 'HEAD');
    const globalConfig = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    try {
      await applier(patchMail('second, reworded')).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    } finally {
      if (globalConfig === undefined) {
        delete process.env.GIT_CONFIG_GLOBAL;
      } else {
        process.env.GIT_CONFIG_GLOBAL = globalConfig;
      }
    }
    assert.deepEqual(told('error message'), [
      'git needs your name and email to make the commits (git config user.name, git config user.email). The repository is as it was.',
    ]);
    assert.equal(await git(repository, 'rev-parse', 'HEAD'), head);
  });

  /** A clone of the repository with one commit adding `big.txt`: over the reader's cap, with what patches lose (trailing blanks, tabs, CRLF, `From `, non-ASCII). */
  async function largeChange(): Promise<string> {
    const source = join(root, 'source');
    await git(root, 'clone', '-q', repository, source);
    await git(source, 'config', 'user.name', 'Carol');
    await git(source, 'config', 'user.email', 'carol@example.org');
    const kinds = ['trailing blank   ', '\tindented\twith tabs', 'crlf line\r', 'From the start of a line', 'caf\u00e9 d\u00e9j\u00e0 vu'];
    const lines = Array.from({ length: 80_000 }, (_, index) => `${String(index).padStart(6, '0')} ${kinds[index % kinds.length] ?? ''}`);
    await writeFile(join(source, 'big.txt'), `${lines.join('\n')}\n`);
    await writeFile(join(source, 'notes.txt'), 'first\nsecond, with big.txt\nthird\n');
    await git(source, 'add', '.');
    await git(source, 'commit', '-qm', 'Add big.txt');
    return source;
  }

  it('applies a format-patch file over the reader’s cap, which the reader names for Apply: the same tree, byte for byte', async () => {
    const source = await largeChange();
    const file = Buffer.from(await git(source, 'format-patch', '-1', '--stdout'));
    const mail = attachmentMail('0001-Add-big.txt.patch', 'application/octet-stream', file);
    const { view } = await parseMessage(mail, { ref: { accountId: 'a', folder: 'INBOX', uid: 7 }, flagged: false, unread: true, truncated: false });
    assert.equal(view.patch, undefined);
    assert.deepEqual(view.patchTooLarge, { attachment: '0001-Add-big.txt.patch', size: file.length });
    assert.ok(file.length > patchShowLimit);
    await applier(mail).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').includes('Apply the patch (git am)?'));
    assert.ok(told('information message').includes('Applied 1 commit.'));
    assert.equal(await git(repository, 'rev-parse', 'HEAD^{tree}'), await git(source, 'rev-parse', 'HEAD^{tree}'));
    assert.equal(await git(repository, 'log', '-1', '--format=%an|%s'), 'Carol|Add big.txt\n');
  });

  it('applies a bare diff over the reader’s cap with git apply, byte for byte', async () => {
    const source = await largeChange();
    const diff = Buffer.from(await git(source, 'diff', 'HEAD~1', 'HEAD'));
    assert.ok(diff.length > patchShowLimit);
    await applier(attachmentMail('big.diff', 'text/x-diff', diff)).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').includes('Applied the diff to the working tree.'));
    for (const name of ['big.txt', 'notes.txt']) {
      assert.deepEqual(await readFile(join(repository, name)), await readFile(join(source, name)), name);
    }
  });

  it('refuses a message larger than it reads whole, so a patch cut short never applies in part', async () => {
    const file = patchMail('second, reworded').toString('utf8').split('\r\n').join('\n');
    const mail = attachmentMail('0001-Reword.patch', 'application/octet-stream', Buffer.from(file));
    const head = await git(repository, 'rev-parse', 'HEAD');
    await applier(mail, 60 * 1024 * 1024).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.deepEqual(told('error message'), ['This message is larger than 50 MB: too large to apply from here. Save the patch and apply it with git.']);
    assert.equal(await git(repository, 'rev-parse', 'HEAD'), head);
    await applier(mail).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').includes('Applied 1 commit.'), 'the positive control: the same mail, whole');
  });

  it('applies an unnamed inline text/x-diff part after an HTML body, which the reader shows once as the patch', async () => {
    const diff = ['--- a/notes.txt', '+++ b/notes.txt', '@@ -1,3 +1,3 @@', ' first', '-second', '+second, inline', ' third', ''];
    const mail = Buffer.from(
      [
        'From: Carol <carol@example.org>',
        'Subject: A fix for notes.txt',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="part"',
        '',
        '--part',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>The fix is below.</p>',
        '--part',
        'Content-Type: text/x-diff',
        'Content-Disposition: inline',
        '',
        ...diff,
        '--part--',
        '',
      ].join('\r\n'),
    );
    const { view } = await parseMessage(mail, { ref: { accountId: 'a', folder: 'INBOX', uid: 7 }, flagged: false, unread: true, truncated: false });
    assert.equal(view.patch?.attachment, 'part-2.diff');
    await applier(mail).apply({ accountId: 'a', folder: 'INBOX', uid: 7 });
    assert.ok(told('information message').includes('Applied the diff to the working tree.'), JSON.stringify(editor.rendered));
    assert.equal(await readFile(join(repository, 'notes.txt'), 'utf8'), 'first\nsecond, inline\nthird\n');
  });
});
