// Apply Patch… as the person sees it: the preview names the files, `git am` runs on the chosen
// repository, and a failure is told naming the patch, the file and the hunk, the repository as it was.
// The editor is the fake one (its dialogs answer with the first button); git is real.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailSession } from '../../../src/mail/connection';
import { runGit } from '../../../src/mail/patchGit';
import type * as PatchesInModule from '../../../src/services/patchesIn';
import { testLogger } from '../../support/logging';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';

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

/** A mail that says what it carries and attaches `file` as `name` (base64), as a mail client attaches a patch file. */
function attachmentMail(name: string, type: string, file: Buffer): Buffer {
  return Buffer.from(
    [
      'From: Carol <carol@example.org>',
      'To: alice@mailroom.test',
      'Subject: A fix for notes.txt',
      'Message-ID: <a1@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="part"',
      '',
      '--part',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The fix is attached.',
      '--part',
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      file.toString('base64'),
      '--part--',
      '',
    ].join('\r\n'),
  );
}

/** A session whose folder holds `source` as UID 7. */
function sessionHolding(source: Buffer): MailSession {
  const client = { mailbox: { path: 'INBOX' }, fetchOne: async () => ({ uid: 7, size: source.length, source }) };
  // This window holds the connections: relayed operations run here.
  return {
    account: { id: 'a' },
    run: async (work: (imap: unknown) => Promise<unknown>) => work(client),
    relayed: async (_name: string, _args: unknown[], local: () => Promise<unknown>) => local(),
  } as unknown as MailSession;
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

  function applier(source: Buffer): PatchesInModule.PatchesIn {
    return new patches.PatchesIn({
      mail: { session: () => sessionHolding(source) },
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
});
