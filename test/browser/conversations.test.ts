// Conversations in the real inbox and reader bundles (Chromium, the extension's CSP): the rows of a
// folder shown as conversations, the view's toggle, and the reader listing a conversation's others.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ConversationEntry } from '../../src/shared/protocol';
import { launchChromium } from '../editor/browser';
import { postToWebview, postedMessages, readerMessage, startWebviewHost, waitForPosted } from '../support/webviewHost';
import type { WebviewHost } from '../support/webviewHost';

const total = 1_000;

describe('conversations in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let host: WebviewHost;

  before(async () => {
    [host, browser] = await Promise.all([startWebviewHost(), launchChromium()]);
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  async function openPage(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    await page.goto(`${host.origin}/page?${query}`);
    return page;
  }

  it('draws a row again when what follows the first screen changes only its conversation and preview', async () => {
    const page = await openPage(`view=inbox&rows=${total}&mode=conversations`);
    try {
      const second = page.locator('#row-1');
      await second.waitFor();
      assert.equal(await second.locator('.from').textContent(), 'Sender 1, me');
      // The same message, flags and subject: Sent's reply and the server's threads joined, the preview fetched.
      await postToWebview(page, {
        type: 'rowsDetailed',
        accountId: 'acc',
        folder: 'INBOX',
        rows: [
          {
            uid: total - 1,
            from: 'Sender 1',
            fromAddress: 'sender1@example.com',
            subject: `Message number ${total - 1}`,
            date: Date.parse('2026-11-25T10:00:00Z') - 60_000,
            preview: 'The words that followed',
            unread: false,
            flagged: false,
            answered: false,
            hasAttachment: false,
            conversation: { count: 3, participants: ['Sender 1', 'me', 'Bob'] },
          },
        ],
      });
      await second.locator('.from', { hasText: 'Sender 1, me, Bob' }).waitFor({ timeout: 5_000 });
      assert.equal(await second.locator('.thread-count').textContent(), '3');
      assert.equal(await second.locator('.preview').textContent(), 'The words that followed');
    } finally {
      await page.close();
    }
  });

  it('shows a conversation row with its participants and count, and opens it from the keyboard as a conversation', async () => {
    const page = await openPage(`view=inbox&rows=${total}&mode=conversations`);
    try {
      const second = page.locator('#row-1');
      await second.waitFor();
      assert.equal(await second.locator('.from').textContent(), 'Sender 1, me');
      assert.equal(await second.locator('.thread-count').textContent(), '2');
      assert.match((await second.getAttribute('aria-label')) ?? '', /from Sender 1, me, 2 messages in this conversation, Message number 999/);
      assert.equal(await page.locator('.view-toggle').getAttribute('aria-pressed'), 'true');
      // A flag change of the row's message (marked read) keeps what the row says of the conversation.
      await page.locator('#row-0.unread').waitFor();
      await postToWebview(page, {
        type: 'rowUpdated',
        accountId: 'acc',
        folder: 'INBOX',
        row: {
          uid: total,
          from: 'Sender 0',
          fromAddress: '',
          subject: 'Message number 1000',
          date: 0,
          preview: '',
          unread: false,
          flagged: false,
          answered: false,
          hasAttachment: false,
        },
      });
      await page.locator('#row-0:not(.unread)').waitFor();
      assert.equal(await page.locator('#row-0 .from').textContent(), 'Sender 0, me');
      assert.notEqual(await page.locator('#row-0 .date').textContent(), '');
      await page.locator('.list').focus();
      await page.keyboard.press('j');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('k');
      await page.keyboard.press('Enter');
      const opened = await waitForPosted(page, (posted) => posted.type === 'openConversation');
      assert.deepEqual(opened, { type: 'openConversation', message: { accountId: 'acc', folder: 'INBOX', uid: total - 1 } });
      assert.equal((await postedMessages(page)).filter((posted) => posted.type === 'openMessage').length, 0);
    } finally {
      await page.close();
    }
  });

  it('toggles between messages and conversations: asks the extension, then lists the folder the new way', async () => {
    const page = await openPage(`view=inbox&rows=${total}`);
    try {
      await page.locator('#row-0:not(.placeholder)').waitFor();
      const toggle = page.locator('.view-toggle');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      assert.equal(await page.locator('#row-0 .from').textContent(), 'Sender 0');
      const opened = (await postedMessages(page)).filter((posted) => posted.type === 'openFolder').length;
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert.deepEqual(await waitForPosted(page, (posted) => posted.type === 'setViewMode'), { type: 'setViewMode', mode: 'conversations' });
      await page.locator('#row-1 .from', { hasText: 'Sender 1, me' }).waitFor();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.equal((await postedMessages(page)).filter((posted) => posted.type === 'openFolder').length, opened + 1);
      await page.keyboard.press('Enter');
      await page.locator('#row-1 .from', { hasText: /^Sender 1$/ }).waitFor();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    } finally {
      await page.close();
    }
  });

  it('lists the other messages of a conversation collapsed above the one shown, quoted lines folded', async () => {
    const page = await openPage('view=reader');
    try {
      await waitForPosted(page, (posted) => posted.type === 'ready');
      const ref = { accountId: 'a', folder: 'INBOX', uid: 3 };
      await postToWebview(page, {
        type: 'message',
        view: readerMessage({ ref, subject: 'Plan', text: 'Newest words' }),
        allowRemoteContent: false,
        senderTrust: { kind: 'none' },
      });
      await page.locator('.reader-header h1', { hasText: 'Plan' }).waitFor();
      const others: ConversationEntry[] = [
        { ref: { ...ref, uid: 1 }, from: 'Carol', date: Date.parse('2026-11-20T09:00:00Z'), text: 'First idea, see https://example.com/plan', sent: false },
        {
          ref: { ...ref, folder: 'Sent', uid: 9 },
          from: 'Alice',
          date: Date.parse('2026-11-21T09:00:00Z'),
          text: 'Agreed.\n\n> First idea\n> more quoted',
          sent: true,
        },
      ];
      await postToWebview(page, { type: 'conversation', ref, others });
      const entries = page.locator('.conversation .conversation-entry');
      await entries.first().waitFor();
      assert.equal(await entries.count(), 2);
      // A conversation for another message (the person moved on) is not shown: the flags posted after
      // it show, so it was handled by then.
      await postToWebview(page, { type: 'conversation', ref: { ...ref, uid: 2 }, others: others.slice(0, 1) });
      await postToWebview(page, { type: 'flags', flagged: true, unread: false });
      await page.locator('.actions vscode-button', { hasText: 'Unflag' }).waitFor();
      assert.equal(await entries.count(), 2);
      assert.equal(await page.locator('.conversation').count(), 1);
      assert.deepEqual(await entries.evaluateAll((nodes) => nodes.map((node) => (node as unknown as { open: boolean }).open)), [false, false]);
      assert.equal(await entries.nth(1).locator('.entry-from').textContent(), 'me');
      assert.equal(await entries.nth(1).locator('.entry-words').textContent(), 'Agreed.');
      await entries.nth(1).locator('summary').click();
      const quoted = entries.nth(1).locator('details.quoted');
      assert.equal(await quoted.evaluate((node) => (node as unknown as { open: boolean }).open), false);
      assert.ok(
        await entries
          .nth(1)
          .locator('.mail-text', { hasText: /^Agreed\.$/ })
          .isVisible(),
      );
      assert.equal(await entries.nth(1).getByText('> First idea').isVisible(), false);
      await quoted.locator('summary').click();
      assert.ok(await entries.nth(1).getByText('> First idea').isVisible());
      // Links in the others open through the extension, like the message's own.
      await entries.nth(0).locator('summary').click();
      await entries.nth(0).locator('.text-link').click();
      assert.deepEqual(await waitForPosted(page, (posted) => posted.type === 'openLink'), { type: 'openLink', url: 'https://example.com/plan' });
      // The next message replaces the conversation.
      await postToWebview(page, {
        type: 'message',
        view: readerMessage({ ref: { ...ref, uid: 4 }, subject: 'Next', text: 'x' }),
        allowRemoteContent: false,
        senderTrust: { kind: 'none' },
      });
      await page.locator('.reader-header h1', { hasText: 'Next' }).waitFor();
      assert.equal(await page.locator('.conversation').count(), 0);
    } finally {
      await page.close();
    }
  });
});
