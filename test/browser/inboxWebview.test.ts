// The real inbox bundle in Chromium under the rendered CSP, with a stand-in extension serving
// 100,000 synthetic rows: virtualization, paging on scroll, keyboard, ARIA, states.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../editor/browser';
import { postToWebview, postedMessages, startWebviewHost, waitForPosted } from '../support/webviewHost';
import type { WebviewHost } from '../support/webviewHost';
import type { MessageRow } from '../../src/shared/protocol';

const total = 100_000;

async function openInbox(browser: Browser, host: WebviewHost, query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
  await page.goto(`${host.origin}/page?view=inbox&${query}`);
  return page;
}

async function domRows(page: Page): Promise<number> {
  return page.locator('.list .row').count();
}

/** How long the rows-as-text test watches for a request. */
const rowQuietMs = 300;

describe('inbox webview in a real browser', function () {
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

  it('asks for the folder list only after the folder it opens has answered (the first screen first)', async () => {
    const page = await openInbox(browser, host, 'rows=500');
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await waitForPosted(page, (message) => message.type === 'listFolders');
      const types = (await postedMessages(page)).map((message) => String(message.type));
      assert.ok(types.indexOf('openFolder') >= 0 && types.indexOf('openFolder') < types.indexOf('listFolders'), `posted: ${types.join(', ')}`);
    } finally {
      await page.close();
    }
  });

  it('the folder picker about to open (pointer over it, or focus) asks for fresh unread counts and shows them', async () => {
    const page = await openInbox(browser, host, 'rows=500');
    const inboxLabel = (label: string): Promise<void> =>
      page.locator(`.folder-select vscode-option[value="INBOX"]:text-is("${label}")`).waitFor({ state: 'attached' });
    const freshAsks = async (): Promise<number> =>
      (await postedMessages(page)).filter((message) => message.type === 'listFolders' && message.freshCounts === true).length;
    try {
      await inboxLabel('Inbox (3)');
      assert.equal(await freshAsks(), 0, 'no fresh counts before the picker is approached');
      await page.locator('.folder-select').hover();
      await waitForPosted(page, (message) => message.type === 'listFolders' && message.freshCounts === true);
      await inboxLabel('Inbox (4)');
      await page.mouse.move(0, 400);
      await page.evaluate('window.__posted.length = 0');
      await page.locator('.folder-select').focus();
      await waitForPosted(page, (message) => message.type === 'listFolders' && message.freshCounts === true);
    } finally {
      await page.close();
    }
  });

  it('keeps only visible rows in the DOM while scrolling 100,000 messages, loading pages on demand', async () => {
    const page = await openInbox(browser, host, `rows=${total}`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      assert.equal(await page.locator('.list').getAttribute('role'), 'listbox');
      assert.equal(await page.locator('.list .row').first().getAttribute('aria-setsize'), String(total));
      let most = await domRows(page);
      for (const fraction of [0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1]) {
        await page.locator('.list').evaluate((list, share) => {
          list.scrollTop = share * (list.scrollHeight - list.clientHeight);
        }, fraction);
        await page.waitForTimeout(150);
        most = Math.max(most, await domRows(page));
      }
      await page.locator('.list .row:not(.placeholder)', { hasText: 'Message number 1' }).last().waitFor();
      assert.ok(most < 60, `at most ${most} rows were in the DOM`);
      const loads = (await postedMessages(page)).filter((message) => message.type === 'loadRows');
      assert.ok(loads.length >= 6 && loads.length < 40, `${loads.length} pages requested`);
      assert.ok(loads.every((message) => message.count === 50));
    } finally {
      await page.close();
    }
  });

  it('requests rows in pages of the mailroom.inbox.pageSize the extension sends with the accounts', async () => {
    const page = await openInbox(browser, host, `rows=${total}&pageSize=20`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('.list').evaluate((list) => {
        list.scrollTop = 0.5 * (list.scrollHeight - list.clientHeight);
      });
      const load = await waitForPosted(page, (message) => message.type === 'loadRows');
      assert.equal(load.count, 20);
      assert.equal((load.start as number) % 20, 0);
    } finally {
      await page.close();
    }
  });

  it('is fully usable from the keyboard: j/k and arrows, Enter, and the contributed shortcuts on the focused row', async () => {
    const page = await openInbox(browser, host, `rows=${total}`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('.list').focus();
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('k');
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), 'row-2');
      assert.equal(await page.locator('#row-2').getAttribute('aria-selected'), 'true');
      const uid = total - 2;
      const message = { accountId: 'acc', folder: 'INBOX', uid };
      await page.keyboard.press('Enter');
      assert.deepEqual(await waitForPosted(page, (posted) => posted.type === 'openMessage'), { type: 'openMessage', message });
      // r, a/e, u, s and Delete are the editor's keybindings (rebindable): the extension passes them on.
      for (const [command, action] of [
        ['reply', 'reply'],
        ['archive', 'archive'],
        ['toggleRead', 'markUnread'],
        ['toggleFlag', 'flag'],
        ['delete', 'delete'],
      ] as const) {
        const before = (await postedMessages(page)).length;
        await postToWebview(page, { type: 'shortcut', command });
        await waitForPosted(page, (posted) => posted.type === 'action' && posted.action === action);
        const after = await postedMessages(page);
        assert.deepEqual(after.slice(before), [{ type: 'action', action, message }], `shortcut ${command}`);
      }
      // The extension confirms a removal; the row leaves the list at once and focus stays in place.
      await postToWebview(page, { type: 'rowsRemoved', accountId: 'acc', folder: 'INBOX', uids: [uid] });
      await page.waitForTimeout(100);
      assert.equal(await page.locator('#row-2').getAttribute('aria-setsize'), String(total - 1));
      assert.match((await page.locator('#row-2').textContent()) ?? '', new RegExp(`Message number ${uid - 1}(?!\\d)`));
      await page.keyboard.press('End');
      await page.waitForTimeout(200);
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), `row-${total - 2}`);
    } finally {
      await page.close();
    }
  });

  it("leaves the letter keys to the editor's keybindings: a key in the list acts only through them", async () => {
    const page = await openInbox(browser, host, `rows=${total}`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('.list').focus();
      // What the workbench's keybinding forwarder sees: keydown events that reach the document's window.
      await page.evaluate(`window.__reachedWindow = []; window.addEventListener('keydown', (event) => window.__reachedWindow.push(event.key))`);
      const actions = async (): Promise<unknown[]> => (await postedMessages(page)).filter((posted) => posted.type === 'action');
      const before = (await actions()).length;
      for (const key of ['r', 'a', 'e', 'u', 's', '#', 'Delete']) {
        await page.keyboard.press(key);
      }
      await page.waitForTimeout(300);
      assert.deepEqual((await actions()).slice(before), [], 'the webview itself acted on no key');
      assert.deepEqual(await page.evaluate('window.__reachedWindow'), ['r', 'a', 'e', 'u', 's', '#', 'Delete'], 'every key went on to the keybindings');
      // Typed into the search field, the same letters are text: they do not reach the keybindings.
      await page.locator('vscode-textfield').click();
      await page.evaluate('window.__reachedWindow.length = 0');
      await page.keyboard.type('ruse');
      await page.keyboard.press('Delete');
      assert.deepEqual(await page.evaluate('window.__reachedWindow'), []);
      await page.keyboard.press('F1');
      assert.deepEqual(await page.evaluate('window.__reachedWindow'), ['F1'], 'other keys still reach the editor from the search field');
    } finally {
      await page.close();
    }
  });

  it('ignores j and k when mailroom.keyboard.singleKeyShortcuts is off (WCAG 2.1.4); the arrows still move', async () => {
    const page = await openInbox(browser, host, `rows=${total}&singleKey=0`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('.list').focus();
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), 'row-0');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), 'row-1', 'the arrows are not single-key shortcuts');
      // Turned on again (the extension sends the accounts again when the setting changes), j moves.
      await postToWebview(page, {
        type: 'accounts',
        accounts: [{ id: 'acc', email: 'alice@mailroom.test' }],
        selectedAccountId: 'acc',
        selectedFolder: 'INBOX',
        pageSize: 50,
        singleKeyShortcuts: true,
        viewMode: 'messages',
      });
      await page.locator('.list').focus();
      await page.keyboard.press('j');
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), 'row-2');
    } finally {
      await page.close();
    }
  });

  it('Enter on a row whose page is still loading opens that message once it arrives', async () => {
    const page = await openInbox(browser, host, `rows=${total}&delay=300`);
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('.list').focus();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      const opened = await waitForPosted(page, (posted) => posted.type === 'openMessage');
      // The last row of 100,000 is the oldest message, uid 1.
      assert.deepEqual(opened, { type: 'openMessage', message: { accountId: 'acc', folder: 'INBOX', uid: 1 } });
    } finally {
      await page.close();
    }
  });

  it("a change on the server during the folder's first load reloads it after, and the focus stays on the first row", async () => {
    const page = await openInbox(browser, host, `rows=${total}&delay=300`);
    try {
      await waitForPosted(page, (posted) => posted.type === 'openFolder');
      await postToWebview(page, { type: 'folderChanged', accountId: 'acc', folder: 'INBOX' });
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.waitForTimeout(700);
      assert.equal((await postedMessages(page)).filter((posted) => posted.type === 'openFolder').length, 2, 'loaded again once the first load was back');
      await page.locator('.list').focus();
      await page.keyboard.press('j');
      assert.equal(await page.locator('.list').getAttribute('aria-activedescendant'), 'row-1');
      assert.equal(await page.locator('.list').evaluate((list) => list.scrollTop), 0);
    } finally {
      await page.close();
    }
  });

  it("reloads for a change only when the folder's count is not the one shown", async () => {
    const page = await openInbox(browser, host, `rows=${total}`);
    const loads = async (): Promise<number> => (await postedMessages(page)).filter((posted) => posted.type === 'openFolder').length;
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      // IDLE started watching the folder and counts what the list already shows.
      await postToWebview(page, { type: 'folderChanged', accountId: 'acc', folder: 'INBOX', total });
      await page.waitForTimeout(300);
      assert.equal(await loads(), 1);
      // It counts one more: mail came in before IDLE was listening.
      await postToWebview(page, { type: 'folderChanged', accountId: 'acc', folder: 'INBOX', total: total + 1 });
      await page.waitForTimeout(300);
      assert.equal(await loads(), 2);
    } finally {
      await page.close();
    }
  });

  it('shows the sign-in call to action when no one is signed in', async () => {
    const page = await openInbox(browser, host, 'rows=0&accounts=0');
    try {
      const button = page.locator('.state.sign-in vscode-button');
      await button.waitFor();
      assert.equal(await page.locator('.toolbar').isVisible(), false, 'no pickers before sign-in');
      assert.equal(await page.locator('.searchbar').isVisible(), false, 'no search before sign-in');
      await button.click();
      await waitForPosted(page, (message) => message.type === 'signIn');
    } finally {
      await page.close();
    }
  });

  it('offers Check Account next to a folder that could not be read, for that account and with what went wrong', async () => {
    const page = await openInbox(browser, host, 'rows=10&openFails=1');
    try {
      const box = page.locator('.state.error');
      await box.waitFor();
      await box.locator('vscode-button', { hasText: 'Check Account…' }).click();
      const posted = await waitForPosted(page, (message) => message.type === 'checkAccount');
      assert.deepEqual(posted, { type: 'checkAccount', accountId: 'acc', failure: 'Could not reach 127.0.0.1: ECONNREFUSED' });
    } finally {
      await page.close();
    }
  });

  it('shows an empty folder as such', async () => {
    const page = await openInbox(browser, host, 'rows=0');
    try {
      await page.locator('.state.empty').waitFor();
      assert.match((await page.locator('.state.empty').textContent()) ?? '', /No messages/);
    } finally {
      await page.close();
    }
  });

  it('shows no connection banner before the extension says how the connection is, even when a search overtakes the first load', async () => {
    // Every answer takes a second: the search is asked before the folder's first page arrives, which it then drops.
    const page = await openInbox(browser, host, 'rows=10&delay=1000');
    try {
      await waitForPosted(page, (message) => message.type === 'openFolder');
      const search = page.locator('.searchbar vscode-textfield input');
      await search.fill('nothing like it');
      await search.press('Enter');
      await page.locator('.state.empty', { hasText: 'nothing like it' }).waitFor();
      assert.equal(await page.locator('.banner').isVisible(), false, 'an empty banner stands above the results');
    } finally {
      await page.close();
    }
  });

  it('fills previews and paperclips into the rows shown when their details follow the first screen', async () => {
    const page = await openInbox(browser, host, 'rows=3');
    try {
      await page.locator('#row-0:not(.placeholder)').waitFor();
      const shown = (await page.locator('#row-0 .preview').textContent()) ?? '';
      await postToWebview(page, {
        type: 'rowsDetailed',
        accountId: 'acc',
        folder: 'INBOX',
        rows: [
          {
            uid: 3,
            from: 'Sender 0',
            fromAddress: 'sender0@example.com',
            subject: 'Message number 3',
            date: 0,
            preview: 'The words that followed',
            unread: true,
            flagged: false,
            answered: false,
            hasAttachment: true,
          },
        ],
      });
      await page.locator('#row-0 .preview', { hasText: 'The words that followed' }).waitFor();
      assert.notEqual(shown, 'The words that followed');
      assert.equal(await page.locator('#row-0 .codicon-file').count(), 1, 'the paperclip is shown');
      assert.equal(await page.locator('.list .row:not(.placeholder)').count(), 3, 'rows updated in place, none added');
    } finally {
      await page.close();
    }
  });

  it("takes the server's page in place after a cold start from the cache: the new message above, changed flags", async () => {
    const page = await openInbox(browser, host, 'rows=3');
    try {
      await page.locator('#row-0:not(.placeholder)').waitFor();
      const row = (uid: number, subject: string, flagged: boolean): MessageRow => ({
        uid,
        from: 'Sender',
        fromAddress: 'sender@example.com',
        subject,
        date: 0,
        preview: '',
        unread: false,
        flagged,
        answered: false,
        hasAttachment: false,
      });
      const rows = [row(4, 'A new message', false), row(3, 'Message number 3', true), row(2, 'Message number 2', false), row(1, 'Message number 1', false)];
      await postToWebview(page, { type: 'folderReconciled', accountId: 'acc', folder: 'INBOX', page: { total: 4, start: 0, rows, fromCache: false } });
      await page.locator('.list .row:not(.placeholder)', { hasText: 'A new message' }).waitFor();
      assert.equal(await page.locator('.list .row:not(.placeholder)').count(), 4, 'the new row is added, none doubled');
      const subjects = await page.locator('.list .row .subject').allTextContents();
      assert.deepEqual(subjects, ['A new message', 'Message number 3', 'Message number 2', 'Message number 1']);
      const starred = page.locator('.list .row', { hasText: 'Message number 3' }).locator('.codicon-star-full');
      assert.equal(await starred.count(), 1, 'the flag changed on the server is shown');
    } finally {
      await page.close();
    }
  });

  it('shows rows from the extension as text, never as markup', async () => {
    const page = await openInbox(browser, host, 'rows=3');
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      const hostile = '<img src="/p/row" onerror="fetch(\'/p/row-onerror\')">';
      await postToWebview(page, {
        type: 'rowUpdated',
        accountId: 'acc',
        folder: 'INBOX',
        row: {
          uid: 3,
          from: hostile,
          fromAddress: 'x@example.com',
          subject: hostile,
          date: 0,
          preview: hostile,
          unread: true,
          flagged: false,
          answered: false,
          hasAttachment: false,
        },
      });
      await page.waitForTimeout(rowQuietMs);
      assert.equal(await page.locator('.list .row img').count(), 0);
      assert.ok((await page.locator('#row-0 .subject').textContent())?.includes('<img'));
      assert.ok(!host.requests.some((request) => request.startsWith('/p/')));
    } finally {
      await page.close();
    }
  });

  it('positive control: a row value that did become markup in the list would be heard within the same wait', async () => {
    const page = await openInbox(browser, host, 'rows=3');
    try {
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      await page.locator('#row-0 .subject').evaluate((subject) => subject.insertAdjacentHTML('beforeend', '<img src="/p/row-control">'));
      await page.waitForTimeout(rowQuietMs);
      assert.ok(host.requests.includes('/p/row-control'), `the host heard ${host.requests.join(', ')}`);
    } finally {
      await page.close();
      host.requests.splice(0, host.requests.length, ...host.requests.filter((request) => request !== '/p/row-control'));
    }
  });
});
