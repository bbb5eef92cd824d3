// The pseudo-locale test: the real inbox, reader and composer bundles in Chromium, rendered with the pseudo bundle
// installed as the extension's translator (test/support/pseudoLocale.ts). Every text node and every
// aria-label, title, placeholder and alt of the page (open shadow roots included) must be pseudo-localised
// (⟦…⟧) or data the fixture gave (names, subjects, addresses, dates): any plain English word left is
// hard-coded in a webview or missing from l10n/bundle.l10n.json.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ComposerInitMessage } from '../../src/shared/composerProtocol';
import type { ExtensionToReader } from '../../src/shared/protocol';
import { useTranslator } from '../../src/ui/text';
import { launchChromium } from '../editor/browser';
import { englishLeft, pseudoTranslator } from '../support/pseudoLocale';
import { readerMessage, showHtmlInReader, startWebviewHost, waitForPosted } from '../support/webviewHost';
import type { WebviewHost } from '../support/webviewHost';

/** Every text a person can see or hear on the page, except inside the mail frame (the mail's own words). */
const collectShownTexts = `(() => {
  const texts = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const text = (node.textContent || '').trim();
        if (text && !(node.parentElement && node.parentElement.closest('script, style'))) texts.push(text);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = node.getAttribute(name);
          if (value) texts.push(value);
        }
        if (node.shadowRoot) visit(node.shadowRoot);
      }
    }
  };
  visit(document.body);
  return texts;
})()`;

async function shownTexts(page: Page): Promise<string[]> {
  return (await page.evaluate(collectShownTexts)) as string[];
}

describe('pseudo-locale: no hard-coded English in a rendered view', function () {
  this.timeout(60_000);
  let browser: Browser;
  let host: WebviewHost;

  before(async () => {
    useTranslator(pseudoTranslator());
    [host, browser] = await Promise.all([startWebviewHost(), launchChromium()]);
  });

  after(async () => {
    useTranslator(undefined);
    await browser?.close();
    await host?.close();
  });

  it('the inbox: pickers, search, list rows and their markers', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    try {
      await page.goto(`${host.origin}/page?view=inbox&rows=80`);
      await page.locator('.list .row:not(.placeholder)').first().waitFor();
      const dates = await page.locator('.list .row .date').allTextContents();
      const data = [
        'alice@mailroom.test',
        'Inbox',
        'Sent',
        /Sender \d+/,
        /sender\d+@example\.com/,
        /Message number \d+/,
        /Preview line of message \d+/,
        ...dates.filter(Boolean),
      ];
      const texts = await shownTexts(page);
      assert.deepEqual(englishLeft(texts, data), []);
      assert.ok(
        texts.some((text) => text.startsWith('⟦')),
        'the positive control: the page shows pseudo-localised words',
      );
      assert.ok(
        texts.some((text) => /Message number \d+/.test(text)),
        'and the fixture’s data',
      );
    } finally {
      await page.close();
    }
  });

  it('the inbox with no one signed in', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${host.origin}/page?view=inbox&accounts=0`);
      await page.locator('.state.sign-in').waitFor();
      assert.deepEqual(englishLeft(await shownTexts(page), []), []);
    } finally {
      await page.close();
    }
  });

  it('the reader: header, toolbar, banners, links, attachments, notes', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${host.origin}/page?view=reader`);
      await waitForPosted(page, (message) => message.type === 'ready');
      const date = Date.parse('2026-11-25T10:00:00Z');
      const message: ExtensionToReader = {
        type: 'message',
        view: readerMessage({
          subject: 'Quarterly report',
          date,
          cc: [{ name: 'Carol', address: 'carol@example.com' }],
          html: '<p>Figures</p><a href="https://example.com/q3">Q3</a><img src="https://tracker.example/p.gif">',
          attachments: [{ index: 0, filename: 'notes.txt', contentType: 'text/plain', size: 12 }],
          truncated: true,
        }),
        allowRemoteContent: false,
        senderTrust: { kind: 'withheld', sender: 'bob@example.com', trusted: true, reason: 'Sender header names another address' },
      };
      await showHtmlInReader(page, message);
      await page.locator('.banner.remote').waitFor();
      const shownDate = await page.evaluate((time) => new Date(time).toLocaleString(), date);
      const data = [
        'Quarterly report',
        'Bob <bob@example.com>',
        'bob@example.com',
        'alice@mailroom.test',
        'Carol <carol@example.com>',
        'notes.txt',
        'Sender header names another address',
        shownDate,
      ];
      const texts = await shownTexts(page);
      assert.deepEqual(englishLeft(texts, data), []);
      assert.ok(
        texts.some((text) => text.startsWith('⟦')),
        'the positive control: the page shows pseudo-localised words',
      );
      assert.ok(texts.includes('Quarterly report'), 'and the message’s data');
    } finally {
      await page.close();
    }
  });

  it('the composer: labels, placeholders, attachments and buttons', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${host.origin}/page?view=composer`);
      await waitForPosted(page, (message) => message.type === 'ready');
      const init: ComposerInitMessage = {
        type: 'init',
        heading: 'Quarterly report',
        accounts: [{ id: 'acc', email: 'alice@mailroom.test' }],
        fields: { accountId: 'acc', to: '', cc: '', bcc: '', subject: 'Quarterly report', body: '', attachments: [0] },
        attachments: [{ name: 'notes.txt', size: '12 B' }],
      };
      await page.evaluate(`window.postMessage(${JSON.stringify(init)}, '*')`);
      await page.locator('form.composer').waitFor();
      // The heading comes from the extension already translated (a ui text); the size is the extension's number and unit.
      const data = ['Quarterly report', 'alice@mailroom.test', 'notes.txt', '12 B'];
      const texts = await shownTexts(page);
      assert.deepEqual(englishLeft(texts, data), []);
      assert.ok(
        texts.some((text) => text.startsWith('⟦')),
        'the positive control: the page shows pseudo-localised words',
      );
    } finally {
      await page.close();
    }
  });
});
