// An inline patch part next to the mail's own body (`git format-patch --attach`/`--inline`, and
// clients that send a diff as an inline text part) is shown once: as the patch, not also as text
// in an HTML body. Without a name, a text/x-patch or text/x-diff part is a patch by its type.
import * as assert from 'node:assert/strict';
import { parseMessage } from '../../../src/mail/message';
import type { MessageMeta } from '../../../src/mail/message';
import type { MessageView } from '../../../src/shared/protocol';

const meta: MessageMeta = { ref: { accountId: 'a', folder: 'INBOX', uid: 3 }, flagged: false, unread: true, truncated: false };

const diff = ['diff --git a/notes.txt b/notes.txt', '--- a/notes.txt', '+++ b/notes.txt', '@@ -1 +1 @@', '-an old line', '+a line only the patch has', ''];

function mixed(parts: string[][]): Buffer {
  const lines = [
    'From: Ada <ada@example.org>',
    'To: alice@mailroom.test',
    'Subject: A fix',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="m"',
    '',
  ];
  for (const part of parts) {
    lines.push('--m', ...part);
  }
  return Buffer.from([...lines, '--m--', ''].join('\r\n'));
}

const alternative = [
  'Content-Type: multipart/alternative; boundary="a"',
  '',
  '--a',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'See the patch below.',
  '--a',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>See the patch below.</p>',
  '--a--',
];
const html = ['Content-Type: text/html; charset=utf-8', '', '<p>See the patch below.</p>'];
const plain = ['Content-Type: text/plain; charset=utf-8', '', 'See the patch below.'];
const inlinePatch = (type: string, name?: string): string[] => [
  name ? `Content-Type: ${type}; name="${name}"` : `Content-Type: ${type}`,
  name ? `Content-Disposition: inline; filename="${name}"` : 'Content-Disposition: inline',
  '',
  ...diff,
];

/** How often the reader shows the patch's added line: in the HTML, in the text it shows, in the patch view. */
function timesShown(view: MessageView): number {
  const count = (text: string | undefined): number => (text ?? '').split('+a line only the patch has').length - 1;
  const inPatch = view.patch?.lines.filter((line) => line.text === '+a line only the patch has').length ?? 0;
  // The reader shows the HTML when there is some, else the text unless the patch is the body.
  const inBody = view.html !== undefined ? count(view.html) : view.patch && view.patch.attachment === undefined ? 0 : count(view.text);
  return inBody + inPatch;
}

describe('patches in: an inline patch part is shown once', () => {
  const cases: [string, Buffer][] = [
    ['multipart/alternative body + inline text/plain fix.patch', mixed([alternative, inlinePatch('text/plain; charset=utf-8', 'fix.patch')])],
    ['HTML body + inline text/x-patch fix.patch', mixed([html, inlinePatch('text/x-patch', 'fix.patch')])],
    ['multipart/alternative body + unnamed inline text/x-diff', mixed([alternative, inlinePatch('text/x-diff')])],
    ['HTML body + unnamed inline text/x-patch', mixed([html, inlinePatch('text/x-patch')])],
    ['plain body + inline text/plain fix.patch', mixed([plain, inlinePatch('text/plain; charset=utf-8', 'fix.patch')])],
    ['plain body + unnamed inline text/x-patch', mixed([plain, inlinePatch('text/x-patch')])],
  ];
  for (const [name, source] of cases) {
    it(name, async () => {
      const { view } = await parseMessage(source, meta);
      assert.ok(view.patch, 'shown as a patch, with Apply');
      assert.equal(timesShown(view), 1);
      assert.match(view.html ?? view.text, /See the patch below\./, 'the mail’s own words stay');
    });
  }

  it('names an unnamed patch part by its number and type, and lists nothing for it', async () => {
    const { view } = await parseMessage(mixed([html, inlinePatch('text/x-diff')]), meta);
    assert.equal(view.patch?.attachment, 'part-2.diff');
    assert.deepEqual(view.attachments, []);
  });

  it('leaves an inline patch part over the reader’s cap out of the body too, and names it for Apply', async () => {
    const filler = Array.from({ length: 70_000 }, (_, index) => `+line ${index} of a long patch`);
    const large = ['--- a/big.txt', '+++ b/big.txt', `@@ -0,0 +1,${filler.length} @@`, ...filler, ''];
    const part = ['Content-Type: text/x-patch; name="big.patch"', 'Content-Disposition: inline; filename="big.patch"', '', ...large];
    for (const body of [plain, html]) {
      const { view } = await parseMessage(mixed([body, part]), meta);
      assert.equal(view.patch, undefined);
      assert.equal(view.patchTooLarge?.attachment, 'big.patch');
      assert.ok(!JSON.stringify(view).includes('of a long patch'), 'none of the patch’s text goes to the webview');
      assert.match(view.html ?? view.text, /See the patch below\./);
    }
  });
});

describe('patches in: an unnamed inline patch part over the reader’s cap', () => {
  it('is listed under its made-up name, so Open and Save reach it [SEC-29b]', async () => {
    const filler = Array.from({ length: 45_000 }, (_, index) => `+line ${index} of a long patch`);
    const large = ['--- a/big.txt', '+++ b/big.txt', `@@ -0,0 +1,${filler.length} @@`, ...filler, ''];
    const source = mixed([
      ['Content-Type: text/plain; charset=utf-8', '', 'See the patch.'],
      ['Content-Type: text/x-patch', 'Content-Disposition: inline', '', ...large],
    ]);
    assert.ok(source.length > 1024 * 1024);
    const { view, attachments } = await parseMessage(source, meta);
    assert.equal(view.patchTooLarge?.attachment, 'part-2.patch');
    assert.equal(view.text.trim(), 'See the patch.');
    assert.ok(!JSON.stringify(view).includes('of a long patch'), 'none of the patch’s text goes to the webview');
    assert.deepEqual(
      attachments.map(({ index, part, filename, contentType }) => ({ index, part, filename, contentType })),
      [{ index: 0, part: '2', filename: 'part-2.patch', contentType: 'text/x-patch' }],
    );
    assert.equal(view.attachments[0]?.filename, view.patchTooLarge?.attachment, 'the note names what the list shows');
  });
});

describe('patches in: an inline patch part in a message cut short', () => {
  it('is shown once, as the patch fetched on its own, not also in the HTML', async () => {
    const source = mixed([html, inlinePatch('text/x-patch')]);
    const content = Buffer.from(diff.join('\r\n'));
    const part = { part: '2', filename: 'part-2.patch', size: content.length, encoding: undefined, charset: undefined };
    const { view } = await parseMessage(source, { ...meta, truncated: true, patchFile: { part, content } });
    assert.equal(view.patch?.attachment, 'part-2.patch');
    assert.equal(timesShown(view), 1);
    assert.match(view.html ?? '', /See the patch below\./);
  });
});
