// The reader's shortcuts are contributed keybindings: the extension passes them on as `shortcut` messages,
// and letter keys pressed in the document are left to the editor. Real reader bundle in Chromium.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ExtensionToReader } from '../../src/shared/protocol';
import { openReaderPage, postedMessages, postToWebview, readerMessage, waitForPosted } from '../support/webviewHost';
import type { ReaderPage } from '../support/webviewHost';

describe('reader: keyboard shortcuts', function () {
  this.timeout(60_000);
  let reader: ReaderPage | undefined;
  let page: Page;
  const shown = { accountId: 'a', folder: 'INBOX', uid: 7 };

  before(async () => {
    reader = await openReaderPage();
    page = reader.page;
    await postToWebview(page, {
      type: 'message',
      view: readerMessage({ ref: shown, subject: 'Keys', text: 'body', flagged: true }),
      allowRemoteContent: false,
      senderTrust: { kind: 'none' },
    } satisfies ExtensionToReader);
    await page.waitForSelector('.reader-header h1:text-is("Keys")');
  });

  after(async () => {
    await reader?.close();
  });

  it('acts on the message shown for each shortcut the extension passes on; Toggle Flag unflags a flagged one', async () => {
    for (const [action, expected] of [
      ['reply', 'reply'],
      ['replyAll', 'replyAll'],
      ['forward', 'forward'],
      ['archive', 'archive'],
      ['delete', 'delete'],
      ['markUnread', 'markUnread'],
      ['toggleFlag', 'unflag'],
    ] as const) {
      const before = (await postedMessages(page)).length;
      await postToWebview(page, { type: 'shortcut', action } satisfies ExtensionToReader);
      await waitForPosted(page, (posted) => posted.type === 'action' && posted.action === expected);
      assert.deepEqual((await postedMessages(page)).slice(before), [{ type: 'action', action: expected, message: shown }], action);
    }
  });

  it("does not act on letter keys itself: they go on to the editor's keybindings, which can be changed or turned off", async () => {
    await page.locator('.reader-header h1').click();
    await page.evaluate(`window.__reachedWindow = []; window.addEventListener('keydown', (event) => window.__reachedWindow.push(event.key))`);
    const before = (await postedMessages(page)).filter((posted) => posted.type === 'action').length;
    for (const key of ['r', 'Shift+R', 'f', 'a', 'e', 'u', 's', 'Delete']) {
      await page.keyboard.press(key);
    }
    await page.waitForTimeout(300);
    assert.equal((await postedMessages(page)).filter((posted) => posted.type === 'action').length, before, 'no action from a key');
    assert.deepEqual(await page.evaluate('window.__reachedWindow'), ['r', 'Shift', 'R', 'f', 'a', 'e', 'u', 's', 'Delete']);
  });

  it('tells the extension when it gains and loses the keyboard focus (mailroom.readerFocused)', async () => {
    const focusReports = async (): Promise<unknown[]> =>
      (await postedMessages(page)).filter((posted) => posted.type === 'focusChanged').map((posted) => posted.focused);
    const seen = (await focusReports()).length;
    await page.evaluate(`window.dispatchEvent(new FocusEvent('blur'))`);
    await page.evaluate(`window.dispatchEvent(new FocusEvent('focus'))`);
    await page.evaluate(`window.dispatchEvent(new FocusEvent('focus'))`);
    await page.evaluate(`window.dispatchEvent(new FocusEvent('blur'))`);
    const reports = (await focusReports()).slice(seen);
    // The click above proved focus; each change after it is told once.
    assert.deepEqual(reports, [false, true, false]);
  });
});
