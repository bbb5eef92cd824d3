// A .patch or .diff attachment is shown and applied like a patch in the body: recognised by its name
// and a type patches are sent as, decoded in its charset, never when binary, shown only up to a size.
import * as assert from 'node:assert/strict';
import { parseMessage } from '../../../src/mail/message';
import type { MessageMeta } from '../../../src/mail/message';
import { parseMime } from '../../../src/mail/mimeTree';
import { attachedPatch, patchShowLimit } from '../../../src/mail/patchAttachment';
import { loadCharsetDecoder } from '../../../src/mail/transferDecoding';

const meta: MessageMeta = { ref: { accountId: 'a', folder: 'INBOX', uid: 9 }, flagged: false, unread: true, truncated: false };

const bareDiff = ['--- a/caf\u00e9.txt', '+++ b/caf\u00e9.txt', '@@ -1,2 +1,2 @@', '-d\u00e9j\u00e0 vu', '+d\u00e9j\u00e0 lu', ' fin', ''].join('\n');

const formatPatch = [
  'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
  'From: Ada <ada@example.org>',
  'Date: Thu, 1 Jan 2026 10:00:00 +0000',
  'Subject: [PATCH] greet: trim the name',
  '',
  'A name from a form can end with a newline.',
  '---',
  'diff --git a/greet.ts b/greet.ts',
  '--- a/greet.ts',
  '+++ b/greet.ts',
  '@@ -2 +2 @@',
  '-  return `Hello, ${name}!`;',
  '+  return `Hello, ${name.trim()}!`;',
  '-- ',
  '2.39.5',
  '',
].join('\n');

/** A plain mail saying what it carries, with `content` attached under the part headers given. */
function mailWith(partHeaders: string[], content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      [
        'From: Ada <ada@example.org>',
        'To: alice@mailroom.test',
        'Subject: A fix',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The fix is attached.',
        '--b',
        ...partHeaders,
        'Content-Transfer-Encoding: base64',
        '',
        content.toString('base64').replace(/.{76}/g, '$&\r\n'),
        '--b--',
        '',
      ].join('\r\n'),
    ),
  ]);
}

const attached = (type: string, name: string): string[] => [`Content-Type: ${type}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`];

describe('patches in: a .patch/.diff attachment', () => {
  it('shows a bare .diff attachment (text/x-diff, Latin-1) as a patch for git apply, below the mail’s own text', async () => {
    const { view } = await parseMessage(mailWith(attached('text/x-diff; charset=iso-8859-1', 'fix.diff'), Buffer.from(bareDiff, 'latin1')), meta);
    assert.ok(view.patch);
    assert.equal(view.patch.attachment, 'fix.diff');
    assert.equal(view.patch.commit, false);
    assert.deepEqual(view.patch.files, ['caf\u00e9.txt']);
    assert.deepEqual(
      view.patch.lines.filter((line) => line.kind === 'added' || line.kind === 'removed').map((line) => line.text),
      ['-d\u00e9j\u00e0 vu', '+d\u00e9j\u00e0 lu'],
    );
    assert.equal(view.text, 'The fix is attached.');
  });

  it('reads a format-patch file sent as application/octet-stream as a mail for git am, without mbox’s From line', async () => {
    const source = mailWith(attached('application/octet-stream', '0001-Reword.patch'), Buffer.from(formatPatch));
    const { view } = await parseMessage(source, meta);
    assert.equal(view.patch?.commit, true);
    assert.equal(view.patch?.attachment, '0001-Reword.patch');
    const decode = await loadCharsetDecoder();
    const found = attachedPatch(parseMime(source, decode), decode);
    assert.equal(found?.mail?.toString('utf8'), formatPatch.slice(formatPatch.indexOf('\n') + 1));
  });

  it('goes by name and type: a diff in notes.txt, or in an image named .patch, is not a patch', async () => {
    for (const [type, name] of [
      ['text/plain', 'notes.txt'],
      ['image/png', 'shot.patch'],
    ] as const) {
      const { view } = await parseMessage(mailWith(attached(type, name), Buffer.from(bareDiff)), meta);
      assert.equal(view.patch, undefined, `${type} ${name}`);
    }
    const { view } = await parseMessage(mailWith(attached('text/x-patch', 'FIX.PATCH'), Buffer.from(bareDiff)), meta);
    assert.equal(view.patch?.attachment, 'FIX.PATCH', 'the positive control');
  });

  it('a binary file named .patch is not one, even where it holds diff lines', async () => {
    const binary = Buffer.concat([Buffer.from([0x89, 0x00, 0x01, 0x02, 0x0a]), Buffer.from(bareDiff)]);
    const { view } = await parseMessage(mailWith(attached('application/octet-stream', 'blob.patch'), binary), meta);
    assert.equal(view.patch, undefined);
  });

  it('shows one up to the cap; a larger one is named with its size for Apply, its text not sent to the reader', async () => {
    const large = largeDiff();
    const source = mailWith(attached('text/x-patch', 'big.patch'), Buffer.from(large));
    const { view } = await parseMessage(source, meta);
    assert.equal(view.patch, undefined);
    assert.deepEqual(view.patchTooLarge, { attachment: 'big.patch', size: Buffer.byteLength(large) });
    assert.ok(!JSON.stringify(view).includes('+line 000000000001'), 'none of the patch’s text goes to the webview');
    assert.deepEqual(
      view.attachments.map((attachment) => attachment.filename),
      ['big.patch'],
    );
    const decode = await loadCharsetDecoder();
    assert.deepEqual(attachedPatch(parseMime(source, decode), decode)?.view.files, ['big.txt']);
    const small = mailWith(attached('text/x-patch', 'fix.patch'), Buffer.from(bareDiff));
    assert.equal((await parseMessage(small, meta)).view.patchTooLarge, undefined, 'a small one is shown, not named too large');
  });

  it('in a message cut short, goes by the server’s structure: a large patch is named for Apply, a small one stays an attachment', async () => {
    const decode = await loadCharsetDecoder();
    const large = largeDiff();
    const source = mailWith(attached('text/x-patch', 'big.patch'), Buffer.from(large));
    const cut = { ...meta, truncated: true, structure: parseMime(source, decode) };
    const { view } = await parseMessage(source.subarray(0, 600_000), cut);
    assert.equal(view.patch, undefined);
    assert.equal(view.patchTooLarge?.attachment, 'big.patch');
    assert.ok(
      Math.abs((view.patchTooLarge?.size ?? 0) - Buffer.byteLength(large)) < Buffer.byteLength(large) / 100,
      'the size is the decoded one, not base64’s',
    );
    const small = mailWith(attached('text/x-patch', 'fix.patch'), Buffer.from(bareDiff));
    const smallView = (await parseMessage(small, { ...meta, truncated: true, structure: parseMime(small, decode) })).view;
    assert.equal(smallView.patch, undefined);
    assert.equal(smallView.patchTooLarge, undefined);
    assert.ok((await parseMessage(small, meta)).view.patch, 'the positive control');
  });
});

/** A bare diff adding lines to big.txt, past the reader's cap. */
function largeDiff(): string {
  const filler = Array.from({ length: Math.ceil(patchShowLimit / 18) }, (_, index) => `+line ${String(index).padStart(12, '0')}`);
  const large = ['--- a/big.txt', '+++ b/big.txt', `@@ -0,0 +1,${filler.length} @@`, ...filler, ''].join('\n');
  assert.ok(Buffer.byteLength(large) > patchShowLimit);
  return large;
}
