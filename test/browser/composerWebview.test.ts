// The real composer bundle (dist/composer.js) in Chromium, in the exact document the extension renders
// (renderWebviewHtml with the shared CSP), fed hostile values: nothing executes or loads, values show
// as text, and what the user types reaches the extension as well-formed messages.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ComposerInitMessage } from '../../src/shared/composerProtocol';
import { isComposerToExtension } from '../../src/shared/composerProtocol';
import { distDirectory, postedMessages, startWebviewHost, waitForPosted } from '../support/webviewHost';
import type { WebviewHost } from '../support/webviewHost';
import { launchChromium } from '../editor/browser';
import { composerField } from '../e2e/mailroom';

const hostile = '<img src="/p/img" onerror="fetch(\'/p/onerror\')"><script>fetch("/p/script")</script>';

const init: ComposerInitMessage = {
  type: 'init',
  heading: 'Reply',
  accounts: [
    { id: 'acc-1', email: 'alice@mailroom.test' },
    { id: 'acc-2', email: `x${hostile}@mailroom.test` },
  ],
  fields: {
    accountId: 'acc-1',
    to: 'bob@mailroom.test',
    cc: '',
    bcc: '',
    subject: `Re: ${hostile}`,
    body: `\n\nOn Monday, Bob wrote:\n> ${hostile}`,
    attachments: [0, 1],
  },
  attachments: [
    { name: `${hostile}.txt`, size: '1 KB' },
    { name: 'log.txt', size: '2 KB' },
  ],
};

/** How long the hostile-values test watches for a request. */
const quietMs = 300;

describe('composer webview (real bundle, real CSP)', function () {
  this.timeout(30_000);
  let browser: Browser;
  let host: WebviewHost;
  let page: Page;

  before(async function () {
    if (!fs.existsSync(path.join(distDirectory, 'composer.js'))) {
      throw new Error('dist/composer.js is missing; run node esbuild.js first');
    }
    host = await startWebviewHost();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    page.on('dialog', () => assert.fail('a dialog opened'));
    await page.goto(`${host.origin}/page?view=composer`);
    await waitForPosted(page, (message) => message.type === 'ready');
    await page.evaluate(`window.postMessage(${JSON.stringify(init)}, '*')`);
    await page.waitForSelector('#body');
  });

  afterEach(async () => {
    await page.close();
  });

  it('[SEC-25] shows hostile values as text: nothing runs, nothing loads', async () => {
    assert.equal(await composerField(page, 'subject').inputValue(), init.fields.subject);
    assert.equal(await composerField(page, 'body').inputValue(), init.fields.body);
    assert.equal(await page.locator('.attachments li').first().textContent(), `${hostile}.txt (1 KB) Remove`);
    await page.waitForTimeout(quietMs);
    assert.deepEqual(
      host.requests.filter((request) => request.startsWith('/p/')),
      [],
    );
    assert.equal(await page.locator('img, script:not([src]):not([nonce])').count(), 0);
  });

  it('[SEC-25] positive control: a value that did become markup in this document would be heard within the same wait', async () => {
    try {
      await page.locator('body').evaluate((body) => body.insertAdjacentHTML('beforeend', '<img src="/p/control">'));
      await page.waitForTimeout(quietMs);
      assert.ok(host.requests.includes('/p/control'), `the host heard ${host.requests.join(', ')}`);
    } finally {
      host.requests.splice(0, host.requests.length, ...host.requests.filter((request) => request !== '/p/control'));
    }
  });

  it('posts the typed fields on Send, with only the attachments the user kept', async () => {
    await page
      .locator('.attachments li')
      .first()
      .getByRole('button', { name: /Remove/ })
      .click();
    await composerField(page, 'cc').fill('carol@mailroom.test');
    await composerField(page, 'body').fill('Thanks!');
    await page.getByRole('button', { name: 'Send' }).click();
    const send = await waitForPosted(page, (message) => message.type === 'send');
    assert.ok(isComposerToExtension(send));
    assert.deepEqual(send, {
      type: 'send',
      fields: {
        accountId: 'acc-1',
        to: 'bob@mailroom.test',
        cc: 'carol@mailroom.test',
        bcc: '',
        subject: init.fields.subject,
        body: 'Thanks!',
        attachments: [1],
      },
    });
  });

  it('keeps the keyboard: a reply starts at the top of the body, and Ctrl+Enter sends', async () => {
    await page.waitForFunction(`document.activeElement?.id === 'body'`);
    const body = composerField(page, 'body');
    assert.deepEqual(
      await body.evaluate((area) => [(area as { selectionStart: number }).selectionStart, (area as { selectionEnd: number }).selectionEnd]),
      [0, 0],
    );
    await page.keyboard.type('Yes.');
    await page.keyboard.press('Control+Enter');
    const send = await waitForPosted(page, (message) => message.type === 'send');
    assert.equal((send as { fields: { body: string } }).fields.body, `Yes.${init.fields.body}`);
  });

  it('reports changes (so closing keeps a draft), shows problems on the field, and disables Send while busy', async () => {
    await composerField(page, 'subject').fill('Changed');
    await waitForPosted(page, (message) => message.type === 'changed' && (message.fields as { subject?: string }).subject === 'Changed');
    await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'problem', field: 'to', message: 'Not an email address: bob@' })}, '*')`);
    assert.equal(await page.locator('.problem').textContent(), 'Not an email address: bob@');
    assert.equal(await page.getAttribute('#to', 'aria-invalid'), '');
    assert.equal(await page.getAttribute('#to', 'invalid'), '', 'the field shows the error border');
    assert.equal(await page.getAttribute('#subject', 'invalid'), null);
    await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'busy', busy: true })}, '*')`);
    assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
    assert.ok((await postedMessages(page)).every((message) => isComposerToExtension(message)));
  });
});
