// The reader's code blocks and file references (issue 15, part 3): a button per action, and only the
// snippet's index and the action go back to the extension. Real reader bundle in Chromium.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ExtensionToReader } from '../../src/shared/protocol';
import { openReaderPage, postedMessages, postToWebview, readerMessage, waitForPosted } from '../support/webviewHost';
import type { ReaderPage } from '../support/webviewHost';

describe('reader: code blocks and file references', function () {
  this.timeout(60_000);
  let reader: ReaderPage | undefined;
  let page: Page;
  const shown = { accountId: 'a', folder: 'INBOX', uid: 9 };

  before(async () => {
    reader = await openReaderPage();
    page = reader.page;
    await postToWebview(page, {
      type: 'message',
      view: readerMessage({ ref: shown, subject: 'src/lines.ts:L3-L5', text: 'code below' }),
      allowRemoteContent: false,
      senderTrust: { kind: 'none' },
      snippets: [
        { index: 0, language: 'typescript', lines: 3, source: { path: 'src/lines.ts', startLine: 3, endLine: 5 } },
        { index: 1, language: '', lines: 2 },
        { index: 2, language: '', lines: 0, source: { path: '<img src=x onerror=alert(1)>.ts', startLine: 7, endLine: 7 } },
      ],
    } satisfies ExtensionToReader);
    await page.waitForSelector('.snippets li');
  });

  after(async () => {
    await reader?.close();
  });

  it('lists each snippet with its file and lines, and the buttons that fit it', async () => {
    const rows = page.locator('.snippets li');
    assert.equal(await rows.count(), 3);
    assert.equal(await page.locator('.snippets h2').innerText(), 'Code in this message (3)');
    const buttons = async (row: number): Promise<string[]> => (await rows.nth(row).locator('vscode-button').allInnerTexts()).map((text) => text.trim());
    assert.equal(await rows.nth(0).locator('.name').innerText(), 'src/lines.ts, lines 3–5');
    assert.equal(await rows.nth(0).locator('.language').innerText(), 'typescript');
    assert.deepEqual(await buttons(0), ['Copy', 'Open in Editor', 'Open in Workspace', 'Compare with Workspace']);
    assert.equal(await rows.nth(1).locator('.name').innerText(), 'Code block (2 lines)');
    assert.deepEqual(await buttons(1), ['Copy', 'Open in Editor']);
    // A stranger's path is text on the page, never markup.
    assert.equal(await rows.nth(2).locator('.name').innerText(), '<img src=x onerror=alert(1)>.ts, line 7');
    assert.equal(await page.locator('.snippets img').count(), 0);
    assert.deepEqual(await buttons(2), ['Open in Workspace']);
  });

  it('[SEC-29c] posts the action and the index of the snippet, for the message shown, and nothing of the code or path', async () => {
    const rows = page.locator('.snippets li');
    for (const [row, label, action, index] of [
      [0, 'Open in Workspace', 'openInWorkspace', 0],
      [0, 'Compare with Workspace', 'compareWithWorkspace', 0],
      [1, 'Copy', 'copy', 1],
      [1, 'Open in Editor', 'openInEditor', 1],
      [2, 'Open in Workspace', 'openInWorkspace', 2],
    ] as const) {
      const before = (await postedMessages(page)).length;
      await rows.nth(row).locator('vscode-button', { hasText: label }).click();
      await waitForPosted(page, (posted) => posted.type === 'snippet' && posted.action === action && posted.index === index);
      const posted = (await postedMessages(page)).slice(before).filter((message) => message.type !== 'focusChanged');
      assert.deepEqual(posted, [{ type: 'snippet', action, index, message: shown }], label);
    }
  });

  it('shows no code section for a message without snippets', async () => {
    await postToWebview(page, {
      type: 'message',
      view: readerMessage({ ref: { ...shown, uid: 10 }, subject: 'Plain', text: 'no code' }),
      allowRemoteContent: false,
      senderTrust: { kind: 'none' },
    } satisfies ExtensionToReader);
    await page.waitForSelector('.reader-header h1:text-is("Plain")');
    assert.equal(await page.locator('.snippets').count(), 0);
  });
});
