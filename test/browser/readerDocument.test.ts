// The reader keeps one document while the person reads message after message: each new message must
// replace everything the last one showed (banner, links, attachments, body, toggles) and the mail
// frame is reused, not rebuilt. Real reader bundle in Debian's Chromium, under the extension's CSP.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ExtensionToReader, MessageView } from '../../src/shared/protocol';
import { openReaderPage, postedMessages, postToWebview, readerMessage, showHtmlInReader, waitForPosted } from '../support/webviewHost';
import type { ReaderPage } from '../support/webviewHost';

/** Shows the message and waits until the mail frame (if any) has loaded it. */
async function show(page: Page, shown: MessageView): Promise<void> {
  const message: ExtensionToReader = { type: 'message', view: shown, allowRemoteContent: false, senderTrust: { kind: 'offered', sender: 'bob@example.com' } };
  if (shown.html === undefined) {
    await postToWebview(page, message);
    await page.waitForSelector(`.reader-header h1:text-is("${shown.subject}")`);
    return;
  }
  await showHtmlInReader(page, message);
}

async function frameText(page: Page): Promise<string> {
  const frame = await (await page.waitForSelector('iframe.mail-frame')).contentFrame();
  assert.ok(frame);
  return frame.evaluate('document.body.innerText') as Promise<string>;
}

describe('reader: message after message in one document', function () {
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

  it('shows that it is loading until the first message arrives', async () => {
    assert.equal(await page.getAttribute('.state.loading', 'aria-busy'), 'true');
    await show(page, readerMessage({ subject: 'Hello', text: 'first' }));
    assert.equal(await page.locator('.state.loading').count(), 0);
  });

  it('replaces what the last message showed, and its buttons act on the new one', async () => {
    await show(
      page,
      readerMessage({
        subject: 'Newsletter',
        html: '<p>Issue 12</p><img src="https://tracker.example.com/p.gif"><a href="https://example.com/a">read</a>',
        attachments: [{ index: 1, filename: 'notes.txt', contentType: 'text/plain', size: 12 }],
        flagged: true,
      }),
    );
    assert.equal(await page.locator('.banner.remote').count(), 1);
    assert.equal(await page.locator('.links').count(), 1);
    assert.equal(await page.locator('.attachments').count(), 1);
    assert.equal(await page.locator('.actions vscode-button', { hasText: 'Unflag' }).count(), 1);

    await show(page, readerMessage({ ref: { accountId: 'a', folder: 'INBOX', uid: 2 }, subject: 'Plain question', text: 'Lunch at noon?', unread: true }));
    assert.equal(await page.locator('.reader-header').count(), 1, 'one header');
    assert.deepEqual(await page.locator('.meta dt').allTextContents(), ['From', 'To', 'Date']);
    assert.deepEqual((await page.locator('.meta dd').allTextContents()).slice(0, 2), ['Bob <bob@example.com>', 'alice@mailroom.test']);
    assert.equal(await page.locator('.banner.remote, .links, .attachments').count(), 0, 'nothing of the newsletter is left');
    assert.ok(await page.locator('iframe.mail-frame').isHidden(), 'no mail frame shows');
    assert.equal(await page.getAttribute('iframe.mail-frame', 'srcdoc'), '', 'the newsletter left the frame');
    assert.equal(await page.textContent('.mail-text'), 'Lunch at noon?');
    assert.equal(await page.locator('.actions vscode-button').count(), 9);

    await page.locator('.actions vscode-button', { hasText: 'Flag' }).click();
    await page.locator('.actions vscode-button', { hasText: 'Mark Read' }).click();
    const actions = (await postedMessages(page)).filter((message) => message.type === 'action').map((message) => [message.action, message.message]);
    const shown = { accountId: 'a', folder: 'INBOX', uid: 2 };
    assert.deepEqual(
      actions,
      [
        ['flag', shown],
        ['markRead', shown],
      ],
      'the toggles act on the message shown, not on the newsletter, and name it',
    );

    await postToWebview(page, { type: 'flags', flagged: true, unread: false } satisfies ExtensionToReader);
    await page.locator('.actions vscode-button', { hasText: 'Unflag' }).waitFor();
    assert.equal(await page.locator('.actions vscode-button', { hasText: 'Mark Unread' }).count(), 1);
  });

  it('shows each HTML message in the same sandboxed frame, across text messages', async () => {
    await show(page, readerMessage({ subject: 'First', html: '<p>first body</p>' }));
    assert.equal(await frameText(page), 'first body');
    await page.$eval('iframe.mail-frame', (frame) => frame.setAttribute('data-test-mark', 'kept'));

    await show(page, readerMessage({ subject: 'In between', text: 'plain' }));
    await show(page, readerMessage({ subject: 'Second', html: '<p>second body</p>' }));
    assert.equal(await frameText(page), 'second body');
    assert.equal(await page.locator('iframe.mail-frame').count(), 1);
    assert.equal(await page.getAttribute('iframe.mail-frame', 'data-test-mark'), 'kept', 'the frame was reused');
    assert.equal(await page.getAttribute('iframe.mail-frame', 'sandbox'), '');
    assert.equal(await page.textContent('.reader-header h1'), 'Second');
    // The header comes first, then the body.
    assert.deepEqual(await page.$$eval('#app > *', (children) => children.map((child) => child.tagName.toLowerCase())), ['header', 'iframe']);
  });

  it('[SEC-29b] says when a message is malformed, and only then', async () => {
    await show(page, readerMessage({ subject: 'Broken', text: '--b\nContent-Type: text/plain\n\nsource text', malformed: true }));
    assert.equal(await page.textContent('.banner.malformed'), 'This message is malformed; showing its source text.');
    assert.match((await page.textContent('.mail-text')) ?? '', /source text/);
    await show(page, readerMessage({ subject: 'Whole', text: 'fine' }));
    assert.equal(await page.locator('.banner.malformed').count(), 0);
  });

  it('asks the extension for the source of the message shown', async () => {
    await show(page, readerMessage({ ref: { accountId: 'a', folder: 'INBOX', uid: 7 }, subject: 'Any message', text: 'x' }));
    await page.locator('.actions vscode-button', { hasText: 'View Source' }).click();
    const request = await waitForPosted(page, (message) => message.type === 'viewSource');
    assert.deepEqual(request, { type: 'viewSource', message: { accountId: 'a', folder: 'INBOX', uid: 7 } });
  });

  it('[SEC-29b] shows the text parts the extension put in an HTML body as wrapped text, and their links in the list', async () => {
    await show(
      page,
      readerMessage({
        subject: 'Mixed',
        html: '<p>html part</p>\n<div style="white-space: pre-wrap">footer line one\nunsubscribe at <a href="https://lists.example.org/leave">https://lists.example.org/leave</a></div>',
      }),
    );
    const frame = await (await page.waitForSelector('iframe.mail-frame')).contentFrame();
    assert.ok(frame);
    assert.equal(await frame.evaluate('getComputedStyle(document.querySelector("div")).whiteSpace'), 'pre-wrap');
    assert.match(
      (await frame.evaluate('document.body.innerText')) as string,
      /html part\s+footer line one\nunsubscribe at https:\/\/lists\.example\.org\/leave/,
    );
    assert.equal(await page.textContent('.links summary'), 'Links in this message (1)');
  });

  it('offers to open an enclosed message (.eml) as text, like a text attachment', async () => {
    await show(
      page,
      readerMessage({
        subject: 'Bounce',
        text: 'x',
        attachments: [
          { index: 0, filename: 'part-3.eml', contentType: 'message/rfc822', size: 300 },
          { index: 1, filename: 'part-4.bin', contentType: 'application/octet-stream', size: 3 },
        ],
      }),
    );
    assert.deepEqual(await page.locator('.attachments li').evaluateAll((items) => items.map((item) => item.querySelectorAll('vscode-button').length)), [2, 1]);
  });
});
