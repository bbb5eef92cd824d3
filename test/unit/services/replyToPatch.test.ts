// Reply to Patch quotes the patch with "> " in a reply to everyone, in the patch's thread: the patch
// in the body as before, and a .patch/.diff attachment below the mail's own text. A patch larger
// than the reader shows is quoted in part, whole files first, and the quote says what it left out.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { MailAccount } from '../../../src/auth/accountApi';
import { quotablePatch, quotedPatchLimit } from '../../../src/mail/patchReply';
import type * as ComposingModule from '../../../src/services/composing';
import type * as MessageActionsModule from '../../../src/services/messageActions';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';
import { mailAttaching, sessionHolding } from '../../support/heldMessage';

const ref = { accountId: 'a', folder: 'INBOX', uid: 7 };
const account = { id: 'a', email: 'alice@mailroom.test' } as MailAccount;

const headers = [
  'From: Carol <carol@example.org>',
  'To: alice@mailroom.test, list@example.org',
  'Cc: dave@example.org',
  'Subject: [PATCH] Reword the second line',
  'Message-ID: <p2@example.org>',
  'References: <cover@example.org>',
];

function fileDiff(name: string, lines: number): string[] {
  const added = Array.from({ length: lines }, (_, index) => `+${name} line ${String(index).padStart(6, '0')} of the new text`);
  return [`diff --git a/${name} b/${name}`, 'new file mode 100644', '--- /dev/null', `+++ b/${name}`, `@@ -0,0 +1,${lines} @@`, ...added];
}

function attachmentMail(name: string, patch: string): Buffer {
  return mailAttaching(headers, name, 'text/x-patch', Buffer.from(patch));
}

describe('Reply to Patch', () => {
  const editor = new FakeEditor();
  let restore: () => void;
  let composingModule: typeof ComposingModule;
  let actionsModule: typeof MessageActionsModule;

  before(() => {
    restore = installFakeVscode(editor);
    const load = createRequire(__filename);
    composingModule = load('../../../src/services/composing') as typeof ComposingModule;
    actionsModule = load('../../../src/services/messageActions') as typeof MessageActionsModule;
  });

  after(() => restore());

  /** What the composer opens with when Reply to Patch is chosen on `source`. */
  async function replyToPatch(source: Buffer): Promise<ComposingModule.ComposerInit> {
    const opened: ComposingModule.ComposerInit[] = [];
    const mail = { session: () => sessionHolding(source) };
    const composing = new composingModule.Composing({ accounts: { list: () => [account] } as never, composer: { show: (init) => opened.push(init) }, mail });
    await new actionsModule.MessageActions(mail, composing, { apply: async () => undefined }).run(ref, 'replyToPatch');
    assert.equal(opened.length, 1);
    return opened[0] as ComposingModule.ComposerInit;
  }

  it('quotes an attached patch below the mail’s text, to everyone, in the patch’s thread', async () => {
    const init = await replyToPatch(attachmentMail('fix.patch', [...fileDiff('notes.txt', 2), ''].join('\n')));
    assert.match(init.body, /^> The fix is attached\.\n> \n> diff --git a\/notes\.txt b\/notes\.txt\n/m);
    assert.match(init.body, /^> \+notes\.txt line 000001 of the new text$/m);
    assert.equal(init.subject, 'Re: [PATCH] Reword the second line');
    assert.equal(init.inReplyTo, '<p2@example.org>');
    assert.deepEqual(init.references, ['<cover@example.org>', '<p2@example.org>']);
    assert.deepEqual(
      [...init.to, ...init.cc].map((address) => address.address),
      ['carol@example.org', 'list@example.org', 'dave@example.org'],
    );
  });

  it('quotes a patch in the body once, as a reply does', async () => {
    const source = Buffer.from([...headers, 'Content-Type: text/plain; charset=utf-8', '', 'Reword it.', '---', ...fileDiff('notes.txt', 2), ''].join('\r\n'));
    const init = await replyToPatch(source);
    assert.equal(init.body.split('> +notes.txt line 000001 of the new text').length - 1, 1);
    assert.match(init.body, /^> Reword it\.$/m);
  });

  it('quotes a patch above the reader’s cap up to a bound, whole files first, and names what it left out', async () => {
    const names = Array.from({ length: 40 }, (_, index) => `file-${String(index).padStart(2, '0')}.txt`);
    const patch = [...names.flatMap((name) => fileDiff(name, 900)), ''].join('\n');
    assert.ok(patch.length > 1024 * 1024);
    const init = await replyToPatch(attachmentMail('big.patch', patch));
    assert.ok(init.body.length < quotedPatchLimit * 1.1, `quoted ${init.body.length} characters`);
    const quotedFiles = names.filter((name) => init.body.includes(`> diff --git a/${name} `));
    assert.ok(quotedFiles.length > 1 && quotedFiles.length < names.length, `quoted ${quotedFiles.length} files`);
    const lastQuoted = quotedFiles[quotedFiles.length - 1] ?? '';
    assert.ok(init.body.includes(`> +${lastQuoted} line 000899 of the new text`), `the last file quoted is quoted whole: ${init.body.slice(-400)}`);
    const firstLeftOut = names[quotedFiles.length] ?? '';
    assert.match(
      init.body,
      new RegExp(`^> \\[Not quoted: the rest of big\\.patch, \\d+ more lines, in ${firstLeftOut.replace('.', '\\.')}, .* and \\d+ more\\.\\]$`, 'm'),
    );
    assert.equal(init.inReplyTo, '<p2@example.org>');
  });

  it('cuts one large file at a hunk, and a single hunk at a line, within the bound', () => {
    const hunks = Array.from({ length: 400 }, (_, hunk) => [
      `@@ -${hunk * 10 + 1},1 +${hunk * 10 + 1},1 @@`,
      `-old ${hunk}`,
      `+${'new '.repeat(800)}${hunk}`,
    ]).flat();
    const many = ['--- a/one.txt', '+++ b/one.txt', ...hunks, ''].join('\n');
    const quoted = quotablePatch({ filename: 'one.patch', text: many, bytes: Buffer.from(many) });
    const lines = quoted.split('\n');
    assert.ok(quoted.length < quotedPatchLimit + 200);
    assert.match(lines.at(-3) ?? '', /^\+(new )+\d+$/, 'the last hunk quoted is whole');
    // The lines quoted and the lines counted as not quoted are the patch's 1202 lines, and the file cut is named.
    assert.equal(lines.at(-2), `[Not quoted: the rest of one.patch, ${1202 - (lines.length - 2)} more lines, in one.txt.]`);
    const single = ['--- a/one.txt', '+++ b/one.txt', '@@ -0,0 +1,200000 @@', ...Array.from({ length: 200_000 }, (_, line) => `+line ${line}`), ''].join('\n');
    const cut = quotablePatch({ filename: 'one.patch', text: single, bytes: Buffer.from(single) });
    assert.ok(cut.length <= quotedPatchLimit + 100 && cut.length > quotedPatchLimit - 100, `${cut.length}`);
    const cutLines = cut.split('\n');
    assert.equal(cutLines.at(-2), `[Not quoted: the rest of one.patch, ${200_003 - (cutLines.length - 2)} more lines, in one.txt.]`);
    const small = ['--- a/one.txt', '+++ b/one.txt', '@@ -1 +1 @@', '-a', '+b', ''].join('\n');
    assert.equal(quotablePatch({ filename: 'one.patch', text: small, bytes: Buffer.from(small) }), small, 'the positive control: a small one whole');
  });
});
