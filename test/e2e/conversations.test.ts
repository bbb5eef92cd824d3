// Conversations in the installed .vsix, as a person uses them: the Inbox view's title-bar action shows
// the fixture mailbox as conversations (Dovecot threads them; alice's replies come from Sent), the
// keyboard opens one into the reader with its other messages, and the view's toggle goes back.
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { mailroomFrame, openSignedInInbox, readerShowing } from './mailroom';
import type { Workbench } from './workbench';

describe('Conversations in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let inbox: Frame;

  before(async () => {
    ({ workbench, inbox } = await openSignedInInbox('conversations'));
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows conversations from the title bar, and opens one from the keyboard with its other messages', async () => {
    assert.equal(await inbox.locator('.view-toggle').getAttribute('aria-pressed'), 'false');
    // The view container's title shows the view's actions (the view's own header holds them too, hidden).
    await workbench.page.locator('.part.sidebar .action-label[aria-label="Show Conversations"]').first().click();
    await inbox.locator('.view-toggle[aria-pressed="true"]').waitFor({ timeout: 30_000 });
    // A conversation alice replied to: its row names her as "me" among its writers ("Priya Raman, me";
    // not the "me" of "Café Crème Deals") and counts her reply from Sent.
    const replied = inbox.locator('.list .row:not(.placeholder)', { has: inbox.locator('.from', { hasText: /(^|, )me(,|$)/ }) }).first();
    await replied.waitFor({ timeout: 30_000 });
    assert.ok(Number(await replied.locator('.thread-count').innerText()) >= 2);
    // The label the next test watches for going away is there on every conversation's row.
    assert.ok((await inbox.locator('.list .row[aria-label*="in this conversation"]').count()) > 1);
    const id = (await replied.getAttribute('id')) ?? '';
    const subject = (await replied.locator('.subject').innerText()).trim();
    await inbox.locator('.list').focus();
    await workbench.page.keyboard.press('Home');
    for (let step = 0; step < 60 && (await inbox.locator('.list').getAttribute('aria-activedescendant')) !== id; step++) {
      await workbench.page.keyboard.press('ArrowDown');
    }
    assert.equal(await inbox.locator('.list').getAttribute('aria-activedescendant'), id);
    await workbench.page.keyboard.press('Enter');
    const reader = await readerShowing(workbench.page, subject);
    const others = reader.locator('.conversation .conversation-entry');
    await others.first().waitFor({ timeout: 30_000 });
    assert.ok((await reader.locator('.conversation-entry.sent').count()) >= 1, 'her reply from Sent is among the others');
    // Away from the title bar, whose tooltip would otherwise cover the view in the README's picture.
    await workbench.page.mouse.move(640, 790, { steps: 5 });
    await workbench.page.locator('.workbench-hover-container').waitFor({ state: 'hidden' });
    await workbench.screenshot('conversation-reader');
  });

  it('goes back to one row per message with the toggle in the view', async () => {
    inbox = await mailroomFrame(workbench.page, 'inbox');
    // From the keyboard: the title-bar action's tooltip may still cover the view's toolbar.
    await inbox.locator('.view-toggle').focus();
    await workbench.page.keyboard.press('Enter');
    await inbox.locator('.view-toggle[aria-pressed="false"]').waitFor({ timeout: 30_000 });
    await inbox.locator('.list .row:not(.placeholder)').first().waitFor();
    // A conversation's row says so in its label ("3 messages in this conversation"); a message's does not.
    const conversationRows = inbox.locator('.list .row[aria-label*="in this conversation"]');
    const deadline = Date.now() + 30_000;
    while ((await conversationRows.count()) > 0) {
      assert.ok(Date.now() < deadline, 'the rows still stand for conversations');
      await workbench.page.waitForTimeout(200);
    }
    await workbench.page.locator('.part.sidebar .action-label[aria-label="Show Conversations"]').first().waitFor();
  });
});
