// A patch mail in the reader: the commit message above, the diff's lines coloured by kind, everything
// as text (markup in a diff shows as written, nothing runs), and Apply / Reply to Patch acting on the
// message shown. Real reader bundle in Debian's Chromium, under the extension's CSP.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { parseMessage } from '../../src/mail/message';
import { colouredPatchLimit, parsePatchText } from '../../src/mail/patchText';
import type { MessageView } from '../../src/shared/protocol';
import { openReaderPage, postToWebview, postedMessages, readerMessage, waitForPosted } from '../support/webviewHost';
import type { ReaderPage } from '../support/webviewHost';

const text = [
  'Escape markup in titles',
  '',
  'Signed-off-by: Ada <ada@example.org>',
  '---',
  ' page.html | 2 +-',
  '',
  'diff --git a/page.html b/page.html',
  '--- a/page.html',
  '+++ b/page.html',
  '@@ -1,2 +1,2 @@',
  ' <html>',
  '-<title><img src=x onerror="document.title=\'ran\'"></title>',
  '+<title>&lt;safe&gt;</title>',
  '-- ',
  '2.39.5',
].join('\n');

describe('reader: patch mails', function () {
  this.timeout(60_000);
  let reader: ReaderPage | undefined;
  let page: Page;

  before(async () => {
    reader = await openReaderPage();
    page = reader.page;
  });

  after(async () => {
    await reader?.close();
  });

  async function showPatchMail(view: MessageView): Promise<void> {
    await postToWebview(page, { type: 'message', view, allowRemoteContent: false, senderTrust: { kind: 'none' } });
    await page.waitForSelector('.patch-diff');
  }

  it('shows the message, then the diff coloured by line kind, all as text', async () => {
    const patch = parsePatchText(text);
    assert.ok(patch);
    await showPatchMail(readerMessage({ subject: '[PATCH 2/3] Escape markup in titles', text, patch }));
    assert.equal(await page.textContent('.patch-message'), 'Escape markup in titles\n\nSigned-off-by: Ada <ada@example.org>');
    assert.equal(await page.textContent('.patch-removed'), '-<title><img src=x onerror="document.title=\'ran\'"></title>\n');
    assert.equal(await page.textContent('.patch-added'), '+<title>&lt;safe&gt;</title>\n');
    assert.equal(await page.textContent('.patch-hunk'), '@@ -1,2 +1,2 @@\n');
    assert.equal(await page.locator('.patch-file').count(), 3);
    assert.equal(await page.locator('.patch-diff img').count(), 0);
    assert.notEqual(await page.title(), 'ran');
    const colours = (await page.evaluate(
      "[...document.querySelectorAll('.patch-added, .patch-removed, .patch-context')].map((line) => getComputedStyle(line).backgroundColor)",
    )) as string[];
    assert.equal(new Set(colours).size, 3, `added, removed and context lines look alike: ${colours.join(' | ')}`);
    assert.equal(await page.locator('.mail-text:not(.patch-message)').count(), 0, 'the plain-text body is not shown as well');
  });

  it('offers Apply Series… on a part of a series, and both buttons act on the message shown', async () => {
    await page.locator('.patch-actions vscode-button', { hasText: 'Apply Series…' }).click();
    const apply = await waitForPosted(page, (message) => message.type === 'action' && message.action === 'applyPatch');
    assert.deepEqual(apply.message, readerMessage({}).ref);
    await page.locator('.patch-actions vscode-button', { hasText: 'Reply to Patch' }).click();
    await waitForPosted(page, (message) => message.type === 'action' && message.action === 'replyToPatch');
  });

  it('shows the mail’s own text, then the attached diff coloured like a body patch, as text', async () => {
    const diff = ['--- a/page.html', '+++ b/page.html', '@@ -1 +1 @@', '-<b onmouseover="x()">old</b>', '+<i>new</i>'].join('\n');
    const parsed = parsePatchText(diff);
    assert.ok(parsed);
    const patch = { ...parsed, attachment: '<fix>.diff' };
    const attachments = [{ index: 0, filename: '<fix>.diff', contentType: 'text/x-diff', size: diff.length }];
    await showPatchMail(readerMessage({ subject: 'A fix for the page', text: 'The fix is attached.', patch, attachments }));
    assert.equal(await page.textContent('.mail-text:not(.patch-message)'), 'The fix is attached.');
    assert.equal(await page.textContent('.patch-attachment'), 'Attached patch: <fix>.diff');
    assert.equal(await page.textContent('.patch-removed'), '-<b onmouseover="x()">old</b>\n');
    assert.equal(await page.textContent('.patch-added'), '+<i>new</i>\n');
    assert.equal(await page.locator('.patch-diff b, .patch-diff i').count(), 0);
    const colours = (await page.evaluate(
      "[...document.querySelectorAll('.patch-added, .patch-removed')].map((line) => getComputedStyle(line).backgroundColor)",
    )) as string[];
    assert.equal(new Set(colours).size, 2, `added and removed lines look alike: ${colours.join(' | ')}`);
    const applies = async (): Promise<number> => (await postedMessages(page)).filter((message) => message.action === 'applyPatch').length;
    const earlier = await applies();
    await page.locator('.patch-actions vscode-button', { hasText: 'Apply Patch…' }).click();
    // Posts are kept from the start: the earlier Apply Series… click must not count for this one.
    for (let tries = 0; (await applies()) === earlier && tries < 100; tries += 1) {
      await page.waitForTimeout(50);
    }
    assert.equal(await applies(), earlier + 1);
  });

  it('names an attached patch too large to show with its size and offers Apply and Reply, with none of its text', async () => {
    const attachments = [{ index: 0, filename: '<big>.patch', contentType: 'text/x-patch', size: 3_500_000 }];
    const view = readerMessage({
      subject: '[PATCH] A large change',
      text: 'The change is attached.',
      attachments,
      patchTooLarge: { attachment: '<big>.patch', size: 3_500_000 },
    });
    await postToWebview(page, { type: 'message', view, allowRemoteContent: false, senderTrust: { kind: 'none' } });
    await page.waitForSelector('.patch-too-large');
    assert.equal(await page.textContent('.patch-too-large .patch-attachment'), 'Attached patch: <big>.patch (3.3 MB), too large to show here');
    assert.equal(await page.locator('.patch-diff').count(), 0);
    assert.equal(await page.textContent('.mail-text'), 'The change is attached.');
    const posted = async (action: string): Promise<number> => (await postedMessages(page)).filter((message) => message.action === action).length;
    for (const [label, action] of [
      ['Apply Patch…', 'applyPatch'],
      ['Reply to Patch', 'replyToPatch'],
    ] as const) {
      const earlier = await posted(action);
      await page.locator('.patch-too-large vscode-button', { hasText: label }).click();
      for (let tries = 0; (await posted(action)) === earlier && tries < 100; tries += 1) {
        await page.waitForTimeout(50);
      }
      assert.equal(await posted(action), earlier + 1, label);
    }
  });

  it('colours a 2 MB diff in the body up to the limit and shows the rest as one text, all of it, with Apply', async () => {
    const hunkCount = 12_000;
    const hunks = Array.from({ length: hunkCount }, (_, index) => [
      `@@ -${index * 10 + 1},4 +${index * 10 + 1},4 @@`,
      '   const value = compute(input, options);',
      `-  return value + ${index};`,
      `+  return value + ${index + 1};`,
      '   // a line of context that is long enough',
      '   if (value > limit) {',
    ]);
    const diff = ['diff --git a/big.ts b/big.ts', '--- a/big.ts', '+++ b/big.ts', ...hunks.flat(), '-- ', '2.39.5', ''].join('\n');
    const headers = ['From: Carol <carol@example.org>', 'Subject: [PATCH] Count one more', 'Content-Type: text/plain; charset=utf-8', ''];
    const source = Buffer.from([...headers, 'Count one more everywhere.', '---', ' big.ts | 24000 +-', '', diff].join('\r\n').replace(/\r?\n/g, '\r\n'));
    assert.ok(source.length > 2_000_000);
    const loaded = await parseMessage(source, { ref: readerMessage({}).ref, flagged: false, unread: true, truncated: false });
    const lines = loaded.view.patch?.lines.length ?? 0;
    assert.ok(lines > 0 && lines < (colouredPatchLimit / 20) * 1.1, `${lines} lines coloured`);
    await showPatchMail(loaded.view);
    assert.equal(await page.locator('.patch-line').count(), lines);
    const shown = (await page.$$eval('.patch-diff', (diffs) => diffs.map((element) => element.textContent).join(''))) as string;
    const fromSeparator = `---\n big.ts | 24000 +-\n\n${diff}`;
    assert.equal(shown, `${fromSeparator}\n`, 'every line of the diff, once, in order');
    assert.equal(await page.locator('.patch-uncoloured .patch-line').count(), 0);
    const left = fromSeparator.split('\n').length - lines;
    assert.equal(await page.textContent('.patch-uncoloured-note'), `A large diff: its last ${left.toLocaleString('en-US')} lines are shown without colour.`);
    assert.equal(await page.locator('.patch-actions vscode-button', { hasText: 'Apply Patch…' }).count(), 1);
  });
});
