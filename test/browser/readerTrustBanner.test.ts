// [SEC-27] Trusting a sender is visible in the reader: whose mail loads remote content on its own and
// how to stop it, and, where the headers contradict From, why a trusted sender's mail is blocked
// after all. Real reader bundle in Debian's Chromium, under the extension's CSP.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ExtensionToReader, SenderTrust } from '../../src/shared/protocol';
import { openReaderPage, readerMessage, showHtmlInReader, waitForPosted } from '../support/webviewHost';
import type { ReaderPage } from '../support/webviewHost';

const sender = 'news@shop.example';
let uid = 0;

/** A newsletter with one tracking pixel, shown with the given trust; returns the message's ref. */
async function showNewsletter(page: Page, senderTrust: SenderTrust, allowRemoteContent: boolean): Promise<{ accountId: string; folder: string; uid: number }> {
  const ref = { accountId: 'a', folder: 'INBOX', uid: ++uid };
  const message: ExtensionToReader = {
    type: 'message',
    view: readerMessage({
      ref,
      subject: `Shop news ${uid}`,
      from: [{ name: 'Shop', address: sender }],
      html: '<p>Offers</p><img src="https://tracker.shop.example/p.gif">',
    }),
    allowRemoteContent,
    senderTrust,
  };
  await showHtmlInReader(page, message);
  return ref;
}

async function bannerButtons(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(`${selector} vscode-button`).allTextContents()).map((text) => text.trim());
}

describe('reader: remote-content trust per sender', function () {
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

  it('offers "Always for This Sender" where nothing contradicts From', async () => {
    const ref = await showNewsletter(page, { kind: 'offered', sender }, false);
    assert.deepEqual(await bannerButtons(page, '.banner.remote'), ['Load Remote Content', 'Always for This Sender']);
    assert.equal(await page.locator('.banner.trusted-sender').count(), 0);
    await page.locator('.banner.remote vscode-button', { hasText: 'Always for This Sender' }).click();
    assert.deepEqual(await waitForPosted(page, (message) => message.type === 'alwaysLoadRemoteContentFromSender'), {
      type: 'alwaysLoadRemoteContentFromSender',
      message: ref,
    });
  });

  it('says whose mail loads remote content automatically, and its button stops trusting the sender', async () => {
    const ref = await showNewsletter(page, { kind: 'applied', sender }, true);
    assert.equal(await page.locator('.banner.remote').count(), 0);
    assert.match(
      (await page.textContent('.banner.trusted-sender')) ?? '',
      /Remote content loads automatically in mail from news@shop\.example, because you chose to trust this sender\./,
    );
    assert.deepEqual(await bannerButtons(page, '.banner.trusted-sender'), ['Stop Trusting This Sender']);
    await page.locator('.banner.trusted-sender vscode-button', { hasText: 'Stop Trusting This Sender' }).click();
    assert.deepEqual(await waitForPosted(page, (message) => message.type === 'stopTrustingSender'), { type: 'stopTrustingSender', message: ref });
  });

  it("blocks a trusted sender's mail whose headers contradict From, and says why", async () => {
    await showNewsletter(page, { kind: 'withheld', sender, trusted: true, reason: 'its envelope sender (mallory@evil.example) is not at shop.example' }, false);
    assert.equal(await page.locator('.banner.trusted-sender').count(), 0, 'no claim that the content loads');
    const banner = (await page.textContent('.banner.remote')) ?? '';
    assert.match(banner, /Remote content \(1\) was blocked/);
    assert.match(
      banner,
      /You trust mail from news@shop\.example, but not this message: its envelope sender \(mallory@evil\.example\) is not at shop\.example\./,
    );
    assert.deepEqual(await bannerButtons(page, '.banner.remote'), ['Load Remote Content', 'Stop Trusting This Sender']);
  });

  it('does not offer to trust a sender whose headers contradict From', async () => {
    await showNewsletter(
      page,
      { kind: 'withheld', sender, trusted: false, reason: "the receiving server's DMARC check failed (dmarc=fail) for shop.example" },
      false,
    );
    assert.match(
      (await page.textContent('.banner.remote')) ?? '',
      /Trusting news@shop\.example is not offered for this message: the receiving server's DMARC check failed/,
    );
    assert.deepEqual(await bannerButtons(page, '.banner.remote'), ['Load Remote Content']);
  });

  it('shows a hostile sender and reason as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>@evil.example';
    await showNewsletter(page, { kind: 'applied', sender: hostile }, true);
    assert.equal(await page.locator('.banner.trusted-sender img').count(), 0);
    assert.match((await page.textContent('.banner.trusted-sender')) ?? '', /mail from <img src=x onerror=alert\(1\)>@evil\.example/);
  });
});
