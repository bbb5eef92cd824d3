// The Inbox's and the reader's shortcuts in the real workbench: letter keys pressed in a webview reach the
// contributed keybindings, whose commands act on the focused row or the message shown. (That
// mailroom.keyboard.singleKeyShortcuts turns them off is checked on the manifest and in the browser layer.)
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { openSignedInInbox, readerShowing } from './mailroom';
import type { Workbench } from './workbench';

describe('Keyboard shortcuts as keybindings in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let inbox: Frame;

  const rowIsUnread = async (index: number): Promise<boolean> =>
    (await inbox.locator(`#row-${index}`).getAttribute('class'))?.split(' ').includes('unread') ?? false;

  async function waitForRow(index: number, unread: boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await rowIsUnread(index)) === unread) {
        return true;
      }
      await workbench.page.waitForTimeout(100);
    }
    return false;
  }

  before(async () => {
    ({ workbench, inbox } = await openSignedInInbox('keybindings'));
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('u in the Inbox toggles read on the focused row, through mailroom.inbox.toggleRead', async () => {
    // As a person gets there: a click into the Inbox (its search box), then down into the list.
    await inbox.locator('vscode-textfield').click();
    await workbench.page.keyboard.press('ArrowDown');
    await workbench.page.keyboard.press('Home');
    await workbench.page.waitForTimeout(500);
    const before = await rowIsUnread(0);
    await workbench.page.keyboard.press('u');
    assert.ok(await waitForRow(0, !before, 15_000), 'the row changed read state');
    await workbench.page.keyboard.press('u');
    assert.ok(await waitForRow(0, before, 15_000), 'and back');
  });

  it('s in the reader toggles the flag of the message shown, through mailroom.reader.toggleFlag', async () => {
    await inbox.locator('.list').focus();
    await workbench.page.keyboard.press('Home');
    const subject = (await inbox.locator('#row-0 .subject').innerText()).trim();
    await workbench.page.keyboard.press('Enter');
    const reader = await readerShowing(workbench.page, subject);
    const flagged = (await reader.locator('.actions vscode-button', { hasText: /^\s*Unflag\s*$/ }).count()) > 0;
    await reader.locator('.reader-header h1').click();
    await workbench.page.keyboard.press('s');
    await reader.locator('.actions vscode-button', { hasText: flagged ? /^\s*Flag\s*$/ : /^\s*Unflag\s*$/ }).waitFor({ timeout: 15_000 });
    await workbench.screenshot('reader-flag-key');
  });
});
