// [SEC-26] [SEC-27] The real reader bundle (dist/webview.js) in a real browser (Debian's Chromium),
// under the same CSP the extension renders, fed a hostile-mail corpus. Every payload tries to reach
// a loopback "sentinel" server; the test asserts it hears nothing, no dialog opens, nothing but
// `ready` reaches the (stubbed) extension, and the mail frame holds no active content.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { MessageView } from '../../src/shared/protocol';
import { launchChromium } from '../editor/browser';
import { loadTlsFixtures } from '../stack/tlsFixtures';
import { distDirectory, postedMessages, readerMessage, showHtmlInReader, startWebviewHost, waitForPosted } from '../support/webviewHost';
import type { WebviewHost } from '../support/webviewHost';

interface Sentinel {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

function listen(server: http.Server | https.Server, scheme: 'http' | 'https', requests: string[]): Promise<Sentinel> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ origin: `${scheme}://127.0.0.1:${port}`, requests, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

function startSentinel(scheme: 'http' | 'https'): Promise<Sentinel> {
  const requests: string[] = [];
  const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/gif', 'access-control-allow-origin': '*' });
    response.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  };
  if (scheme === 'http') {
    return listen(http.createServer(handler), scheme, requests);
  }
  const { key, cert } = loadTlsFixtures();
  return listen(https.createServer({ key, cert }, handler), scheme, requests);
}

/**
 * Ways CSS can name a remote resource that a pattern over its text misses: the tokenizer unescapes
 * identifiers and url tokens, names compare case-insensitively, and a string is a URL inside some
 * functions. `count` is how many remote resources each one holds (what the banner must count). The
 * last few only look like loads (in a comment, a string, a relative URL, a broken function): 0.
 */
const cssSpellings: { name: string; count: number; style: (url: string) => string }[] = [
  { name: 'escaped-url', count: 1, style: (url) => `<style>.a { background: \\75 rl(${url}) }</style>` },
  { name: 'escaped-url-six-digits', count: 1, style: (url) => `<style>.a { background: \\000075rl(${url}) }</style>` },
  { name: 'escaped-letter-url', count: 1, style: (url) => `<style>.a { background: u\\rl(${url}) }</style>` },
  { name: 'uppercase-url', count: 1, style: (url) => `<style>.a { background: URL(${url}) }</style>` },
  { name: 'escaped-import', count: 1, style: (url) => `<style>@\\69mport url(${url});</style>` },
  { name: 'escaped-import-string', count: 1, style: (url) => `<style>@im\\70 ort "${url}";</style>` },
  { name: 'image-set-string', count: 1, style: (url) => `<style>.a { background-image: image-set("${url}" 1x) }</style>` },
  { name: 'webkit-image-set', count: 1, style: (url) => `<style>.a { background-image: -webkit-image-set("${url}" 1x) }</style>` },
  { name: 'font-face-src-escaped', count: 1, style: (url) => `<style>@font-face { font-family: evil; src: \\75 rl(${url}) format("woff") }</style>` },
  { name: 'comment-between-tokens', count: 1, style: (url) => `<style>.a { background-image: image-set(/**/"${url}"/**/1x) }</style>` },
  { name: 'custom-property', count: 1, style: (url) => `<style>.a { --bg: \\75 rl(${url}); background: var(--bg) }</style>` },
  { name: 'var-fallback', count: 1, style: (url) => `<style>.a { background: var(--none, image-set("${url}" 1x)) red }</style>` },
  { name: 'nested-media', count: 1, style: (url) => `<style>@media screen { .a { & .b { background: \\75 rl(${url}) } } }</style>` },
  { name: 'style-attribute-custom-property', count: 1, style: (url) => `<div style="--bg: \\75 rl(${url}); background-image: var(--bg)">x</div>` },
  { name: 'in-comment', count: 0, style: (url) => `<style>/* .a { background: url(${url}) } */ .b { color: red }</style>` },
  { name: 'in-string', count: 0, style: (url) => `<style>.a::after { content: "url(${url})" }</style>` },
  { name: 'comment-before-url-string', count: 0, style: (url) => `<style>.a { background: url(/**/"${url}") }</style>` },
  { name: 'comment-inside-url-token', count: 0, style: (url) => `<style>.a { background: url(/**/${url}) }</style>` },
  { name: 'comment-inside-function-name', count: 0, style: (url) => `<style>.a { background: url/**/(${url}) }</style>` },
];

function hostileCorpus(sentinel: string): string {
  const hit = (name: string): string => `${sentinel}/p/${name}`;
  const fetchCall = (name: string): string => `fetch('${hit(name)}')`;
  return [
    `<html><head><meta http-equiv="refresh" content="0;url=${hit('meta-refresh')}"><base href="${hit('base')}/">`,
    `<link rel="stylesheet" href="${hit('link-stylesheet')}">`,
    `<style>@import url("${hit('style-import')}"); .bg { background: url('${hit('style-url')}') } @font-face { font-family: evil; src: url(${hit('font-face')}) } .e { width: expression(${fetchCall('ie-expression')}) }</style>`,
    ...cssSpellings.map(({ style, name }) => style(hit(name))),
    `<script>${fetchCall('script')}</script><script src="${hit('script-src')}"></script></head>`,
    `<body onload="${fetchCall('body-onload')}">`,
    `<p>Dear customer,</p><img src="relative.png"><img src="x" onerror="${fetchCall('img-onerror')}">`,
    `<svg onload="${fetchCall('svg-onload')}"><script>${fetchCall('svg-script')}</script><image href="${hit('svg-image')}"/><a xlink:href="javascript:${fetchCall('svg-link')}"><text>svg</text></a></svg>`,
    `<a id="js-link" href="javascript:${fetchCall('javascript-link')}">javascript link</a>`,
    `<a id="js-link-entity" href="jav&#x09;ascript:${fetchCall('javascript-entity')}">entity link</a>`,
    `<a id="data-link" href="data:text/html;base64,${Buffer.from(`<script>${fetchCall('data-link')}</script>`).toString('base64')}">data link</a>`,
    `<a id="plain-link" href="${hit('plain-link')}" target="_top">plain link</a>`,
    `<form action="${hit('form')}" method="post"><input name="q" value="1"><button id="submit" type="submit">Submit</button></form>`,
    `<button formaction="${hit('formaction')}">x</button>`,
    `<iframe src="${hit('iframe')}"></iframe><iframe srcdoc="<script>${fetchCall('iframe-srcdoc')}</script>"></iframe>`,
    `<object data="${hit('object')}"></object><embed src="${hit('embed')}"><applet code="${hit('applet')}"></applet>`,
    `<video poster="${hit('video-poster')}"><source src="${hit('video-source')}"></video><audio src="${hit('audio')}"></audio>`,
    `<div class="bg e" style="background-image: url(${hit('style-attribute-url')}); font-family: evil">styled</div>`,
    `<div style="width: expression(${fetchCall('style-expression')}); behavior: url(${hit('behavior')})">ie</div>`,
    `<div style="content: '</style><img src=${hit('style-breakout')}>'">breakout</div>`,
    `<table background="${hit('table-background')}"><tr><td background="${hit('td-background')}">cell</td></tr></table>`,
    `<img srcset="${hit('srcset-2x')} 2x, ${hit('srcset-1x')} 1x"><picture><source srcset="${hit('picture-source')}"><img src="${hit('picture-img')}"></picture>`,
    `<noscript><p title="</noscript><img src=x onerror=${fetchCall('noscript-mxss')}>"></p></noscript>`,
    `<math><mtext><table><mglyph><style><img src=x onerror=${fetchCall('math-mxss')}></style></mglyph></table></mtext></math>`,
    `<details open ontoggle="${fetchCall('details-ontoggle')}"><summary>x</summary></details>`,
    `<marquee onstart="${fetchCall('marquee')}">m</marquee><input autofocus onfocus="${fetchCall('autofocus')}">`,
    `<img src="${hit('tracking-pixel')}" width="1" height="1">`,
    '</body></html>',
  ].join('\n');
}

/** Evaluated inside the mail frame: what elements, handlers, links and sources it holds. */
const frameInventory = `(() => {
  const all = [...document.querySelectorAll('*')];
  return {
    tags: [...new Set(all.map((element) => element.tagName.toLowerCase()))],
    eventAttributes: all.flatMap((element) => [...element.attributes].map((attribute) => attribute.name).filter((name) => name.startsWith('on'))),
    hrefs: all.map((element) => element.getAttribute('href') ?? element.getAttribute('xlink:href')).filter((value) => value !== null),
    sources: all.map((element) => element.getAttribute('src') ?? element.getAttribute('srcset') ?? element.getAttribute('background')).filter((value) => value !== null),
    text: document.body.innerText,
    metaHttpEquiv: document.querySelectorAll('meta[http-equiv]').length,
  };
})()`;

function messageView(html: string): MessageView {
  return readerMessage({ subject: 'Your invoice', from: [{ name: 'Mallory', address: 'mallory@example.com' }], html });
}

async function renderInReader(page: Page, host: WebviewHost, view: MessageView, allowRemoteContent: boolean): Promise<Frame> {
  await page.goto(`${host.origin}/page?view=reader&remote=${allowRemoteContent ? 1 : 0}`);
  await waitForPosted(page, (message) => message.type === 'ready');
  await showHtmlInReader(page, { type: 'message', view, allowRemoteContent, senderTrust: { kind: 'offered', sender: 'mallory@example.com' } });
  const frame = await (await page.$('iframe.mail-frame'))?.contentFrame();
  assert.ok(frame, 'the mail frame exists');
  return frame;
}

/** How long the corpus test watches for a request, a dialog or a popup after clicking everything. */
const hostileQuietMs = 1500;

describe('reader: hostile mail in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let host: WebviewHost;
  let sentinel: Sentinel;
  let secureSentinel: Sentinel;

  before(async () => {
    assert.ok(fs.existsSync(path.join(distDirectory, 'webview.js')), 'dist/webview.js is built (node esbuild.js)');
    [host, sentinel, secureSentinel] = await Promise.all([startWebviewHost(), startSentinel('http'), startSentinel('https')]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([host?.close(), sentinel?.close(), secureSentinel?.close()]);
  });

  it('[SEC-26] a hostile-mail corpus runs nothing and reaches nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const popups: string[] = [];
    context.on('page', (opened) => popups.push(opened.url()));
    try {
      const frame = await renderInReader(page, host, messageView(hostileCorpus(sentinel.origin)), false);
      // Click everything clickable in the mail, as a curious reader would.
      for (const selector of ['#js-link', '#js-link-entity', '#data-link', '#plain-link', '#submit', 'a', 'button', 'summary']) {
        for (const handle of await frame.$$(selector)) {
          await handle.click({ force: true, timeout: 2000 }).catch(() => undefined);
        }
      }
      await page.waitForTimeout(hostileQuietMs);

      assert.deepEqual(sentinel.requests, [], 'the sentinel heard nothing');
      assert.deepEqual(dialogs, []);
      assert.deepEqual(popups, []);
      const posted = await postedMessages(page);
      assert.deepEqual(posted, [{ type: 'ready' }], 'only the handshake reached the extension');

      const sandbox = await page.$eval('iframe.mail-frame', (element) => element.getAttribute('sandbox'));
      assert.equal(sandbox, '', 'the frame is sandboxed with no permissions (no scripts, same-origin, popups, top navigation)');
      const inventory = (await frame.evaluate(frameInventory)) as {
        tags: string[];
        eventAttributes: string[];
        hrefs: string[];
        sources: string[];
        text: string;
        metaHttpEquiv: number;
      };
      for (const forbidden of [
        'script',
        'iframe',
        'object',
        'embed',
        'applet',
        'form',
        'input',
        'button',
        'base',
        'link',
        'svg',
        'math',
        'video',
        'audio',
        'source',
        'noscript',
      ]) {
        assert.ok(!inventory.tags.includes(forbidden), `<${forbidden}> survived`);
      }
      assert.deepEqual(inventory.eventAttributes, []);
      assert.equal(inventory.metaHttpEquiv, 0, 'no meta refresh');
      assert.deepEqual(inventory.hrefs, [], 'no link navigates inside the frame');
      assert.ok(
        inventory.sources.every((source) => !/^(https?:|\/\/|javascript:)/i.test(source)),
        `remote or script sources left: ${inventory.sources.join(', ')}`,
      );
      assert.match(inventory.text, /Dear customer/, 'the harmless text is still shown');
      // The only way out is the link list, which asks the extension (and the extension confirms).
      await page.click('.links summary');
      await page.waitForSelector('.links .link-button');
      const linkTitles = await page.$$eval('.links .link-button', (buttons) => buttons.map((button) => button.getAttribute('title')));
      assert.deepEqual(linkTitles, [`${sentinel.origin}/p/plain-link`]);
    } finally {
      await context.close();
    }
  });

  it('[SEC-26] positive control: the same corpus outside the reader reaches the sentinel within the same wait', async () => {
    const page = await browser.newPage();
    try {
      // No sanitizer, no sandbox, no CSP: what the reader's defences stand between.
      await page.setContent(hostileCorpus(sentinel.origin));
      await page.waitForTimeout(hostileQuietMs);
      assert.ok(sentinel.requests.length > 0, 'the sentinel would have heard the corpus');
    } finally {
      await page.close();
      sentinel.requests.splice(0);
    }
  });

  it('[SEC-27] a tracking pixel makes no request until remote content is allowed, then it loads', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const pixel = `${secureSentinel.origin}/pixel.gif?id=alice`;
    const html = `<p>Newsletter</p><img src="${pixel}" width="1" height="1"><div style="background:url(${secureSentinel.origin}/css-bg)">x</div><img srcset="${secureSentinel.origin}/srcset 2x">`;
    try {
      await renderInReader(page, host, messageView(html), false);
      await page.waitForTimeout(1000);
      assert.equal(secureSentinel.requests.length, 0, `blocked by default, but heard ${secureSentinel.requests.join(', ')}`);
      const banner = await page.textContent('.banner.remote');
      assert.match(banner ?? '', /Remote content \(3\) was blocked/);

      // "Load remote content": the extension renders the reader again with a CSP that allows https images.
      await renderInReader(page, host, messageView(html), true);
      await page.waitForTimeout(1000);
      assert.ok(secureSentinel.requests.includes('/pixel.gif?id=alice'), `after allowing: ${secureSentinel.requests.join(', ')}`);
      assert.equal(await page.$('.banner.remote'), null);
    } finally {
      await context.close();
    }
  });

  it('[SEC-27] counts remote content in CSS however it is spelled (escapes, image-set, @font-face, custom properties)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${host.origin}/page?view=reader&remote=0`);
      await waitForPosted(page, (message) => message.type === 'ready');
      const counted: Record<string, number> = {};
      for (const { name, style } of cssSpellings) {
        await showHtmlInReader(page, {
          type: 'message',
          view: messageView(`<p class="a b">${name}</p>${style(`${sentinel.origin}/p/${name}`)}`),
          allowRemoteContent: false,
          senderTrust: { kind: 'offered', sender: 'mallory@example.com' },
        });
        const banner = await page.$('.banner.remote');
        const text = banner ? ((await banner.textContent()) ?? '') : '';
        counted[name] = banner ? Number(/Remote content \((\d+)\)/.exec(text)?.[1] ?? NaN) : 0;
      }
      assert.deepEqual(counted, Object.fromEntries(cssSpellings.map(({ name, count }) => [name, count])));
      assert.deepEqual(sentinel.requests, [], 'the sentinel heard nothing');
    } finally {
      await page.close();
    }
  });

  it('[SEC-27] after "Load remote content", an https background written with escapes is kept, and an http one is still dropped', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const html = `<style>.esc { background: \\75 rl(${secureSentinel.origin}/escaped-allowed) } .plain { background: u\\rl(${sentinel.origin}/p/escaped-http) }</style><p class="esc">escaped</p><p class="plain">plain</p>`;
    try {
      const frame = await renderInReader(page, host, messageView(html), true);
      // What the filter decides, read back from the mail frame's own styles. Whether and when the browser
      // then fetches a background is its business (a sandboxed frame's images sometimes wait for a paint
      // that a headless page under load does not schedule); the pixel tests cover the fetch itself.
      const backgrounds = (await frame.evaluate(
        `(() => ['esc', 'plain'].map((name) => getComputedStyle(document.querySelector('.' + name)).backgroundImage))()`,
      )) as string[];
      assert.deepEqual(backgrounds, [`url("${secureSentinel.origin}/escaped-allowed")`, 'none']);
      assert.deepEqual(sentinel.requests, [], 'plain http stays blocked');
    } finally {
      await context.close();
    }
  });

  it("keeps a mail's inline styles, moved into the frame's one stylesheet, without tripping the CSP", async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) {
        refused.push(message.text());
      }
    });
    const html = [
      '<p id="red" style="color: rgb(200, 0, 0); font-weight: 700">red</p>',
      '<td><span id="boxed" STYLE = \'border: 3px solid rgb(0, 0, 200)\'>boxed</span></td>',
      '<p id="plain">style="color: red" stays text</p>',
    ].join('');
    try {
      const frame = await renderInReader(page, host, messageView(html), false);
      const styles = await frame.evaluate(`(() => {
        const red = getComputedStyle(document.getElementById('red'));
        const boxed = getComputedStyle(document.getElementById('boxed'));
        return {
          color: red.color,
          weight: red.fontWeight,
          border: boxed.borderTopWidth + ' ' + boxed.borderTopStyle + ' ' + boxed.borderTopColor,
          plain: document.getElementById('plain').textContent,
          attributes: document.querySelectorAll('[style], [data-mailroom-style]').length,
        };
      })()`);
      assert.deepEqual(styles, {
        color: 'rgb(200, 0, 0)',
        weight: '700',
        border: '3px solid rgb(0, 0, 200)',
        plain: 'style="color: red" stays text',
        attributes: 0,
      });
      assert.deepEqual(refused, []);
    } finally {
      await page.close();
    }
  });
});
