// Serves Mailroom's real webview documents (renderWebviewHtml: same CSP, nonce, bundles) on loopback
// for Chromium, with a test-only stand-in for the extension injected before the bundle:
//   /page?view=reader              records what the webview posts in window.__posted, and when in
//                                  window.__postedAt (also view=composer)
//   /page?view=inbox&rows=100000   also answers the inbox's requests with synthetic rows
//   &accounts=0                    (inbox) no one signed in
//   &delay=300                     (inbox) answer each request after 300 ms, like a slow server (default 2)
//   &pageSize=20                   (inbox) the mailroom.inbox.pageSize setting sent with the accounts (default 50)
//   &singleKey=0                   (inbox) mailroom.keyboard.singleKeyShortcuts off, sent with the accounts
//   &mode=conversations            (inbox) mailroom.inbox.view; rows are conversations then, and the
//                                  view's toggle (setViewMode) is answered with the accounts again
//   &remote=1                      the CSP the reader gets after "Load remote content"
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type * as vscode from 'vscode';
import type { ExtensionToReader, MessageView } from '../../src/shared/protocol';
import { renderWebviewHtml } from '../../src/views/webviewHtml';
import { launchChromium } from '../editor/browser';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
export const distDirectory = path.join(repositoryRoot, 'dist');

export interface WebviewHost {
  origin: string;
  /** Every path requested from the host. */
  requests: string[];
  close(): Promise<void>;
}

/** Records posts; for the inbox, answers like the extension would, with `rows` synthetic messages (or a failure to open the folder). */
function extensionStub(
  view: string,
  rows: number,
  signedIn: boolean,
  replyDelayMs: number,
  pageSize: number,
  openFails: boolean,
  singleKeyShortcuts: boolean,
  viewMode: string,
): string {
  const answers =
    view !== 'inbox'
      ? ''
      : `
  const total = ${rows};
  const row = (index) => ({ uid: total - index, from: 'Sender ' + (index % 97), fromAddress: 'sender' + (index % 97) + '@example.com', subject: 'Message number ' + (total - index), date: Date.parse('2026-11-25T10:00:00Z') - index * 60000, preview: 'Preview line of message ' + (total - index), unread: index % 3 === 0, flagged: index % 11 === 0, answered: index % 5 === 0, hasAttachment: index % 7 === 0 });
  let viewMode = ${JSON.stringify(viewMode)};
  const conversationRow = (index) => ({ ...row(index), conversation: { count: (index % 4) + 1, participants: ['Sender ' + (index % 97), 'me'] } });
  const rowsFrom = (start, count) => Array.from({ length: Math.max(0, Math.min(count, total - start)) }, (_, offset) => (viewMode === 'conversations' ? conversationRow : row)(start + offset));
  const accounts = () => (${signedIn ? `{ type: 'accounts', accounts: [{ id: 'acc', email: 'alice@mailroom.test' }], selectedAccountId: 'acc', selectedFolder: 'INBOX', pageSize: ${pageSize}, singleKeyShortcuts: ${singleKeyShortcuts}, viewMode }` : `{ type: 'accounts', accounts: [], pageSize: ${pageSize}, singleKeyShortcuts: ${singleKeyShortcuts}, viewMode }`});
  const reply = (message) => setTimeout(() => window.postMessage(message, '*'), ${replyDelayMs});
  const answer = (message) => {
    const ok = (result) => reply({ type: 'response', requestId: message.requestId, ok: true, result });
    switch (message.type) {
      case 'ready': return reply(accounts());
      case 'setViewMode': viewMode = message.mode; return reply(accounts());
      // A picker about to open asks for fresh counts: one more unread mail arrived since the listing.
      case 'listFolders': return ok([{ path: 'INBOX', name: 'Inbox', unread: message.freshCounts ? 4 : 3, total }, { path: 'Sent', name: 'Sent', specialUse: '\\\\Sent' }]);
      case 'openFolder': return ${openFails} ? reply({ type: 'response', requestId: message.requestId, ok: false, error: { code: 'NetworkError', message: 'Could not reach 127.0.0.1: ECONNREFUSED' } }) : ok({ accountId: 'acc', folder: message.folder, total, start: 0, rows: rowsFrom(0, ${pageSize}), fromCache: false });
      case 'loadRows': return ok({ total, start: message.start, rows: rowsFrom(message.start, message.count), fromCache: false });
      case 'search': return ok({ total: 0, start: 0, rows: [], fromCache: false });
    }
  };`;
  return `window.__posted = [];
window.__postedAt = [];
(() => {${answers}
  window.acquireVsCodeApi = () => ({ postMessage: (message) => { window.__posted.push(message); window.__postedAt.push(performance.now()); ${view === 'inbox' ? 'answer(message);' : ''} }, getState: () => undefined, setState: () => undefined });
})();`;
}

export function startWebviewHost(): Promise<WebviewHost> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname}${url.search}`);
    const origin = `http://${request.headers.host ?? ''}`;
    if (url.pathname === '/page') {
      const requested = url.searchParams.get('view');
      const view = requested === 'reader' || requested === 'composer' ? requested : 'inbox';
      const webview = { cspSource: origin, asWebviewUri: (uri: { path: string }) => ({ toString: () => `${origin}${uri.path}` }) } as unknown as vscode.Webview;
      const joinPath = ((base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') })) as unknown as typeof vscode.Uri.joinPath;
      const html = renderWebviewHtml(webview, { path: '' } as unknown as vscode.Uri, joinPath, {
        view,
        title: view,
        allowRemoteImages: url.searchParams.get('remote') === '1',
      });
      const nonce = /nonce="([^"]+)"/.exec(html)?.[1] ?? '';
      const stub = `<script nonce="${nonce}">${extensionStub(view, Number(url.searchParams.get('rows') ?? '0'), url.searchParams.get('accounts') !== '0', Number(url.searchParams.get('delay') ?? '2'), Number(url.searchParams.get('pageSize') ?? '50'), url.searchParams.get('openFails') === '1', url.searchParams.get('singleKey') !== '0', url.searchParams.get('mode') ?? 'messages')}</script>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html.replace('<body', `${stub}<body`));
      return;
    }
    const file = path.join(distDirectory, path.normalize(url.pathname.replace(/^\/dist\//, '')));
    if (url.pathname.startsWith('/dist/') && file.startsWith(distDirectory) && fs.existsSync(file)) {
      const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'text/javascript';
      response.writeHead(200, { 'content-type': type });
      response.end(fs.readFileSync(file));
      return;
    }
    response.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/** What the webview posted to the (stubbed) extension so far. */
export async function postedMessages(page: Page): Promise<Record<string, unknown>[]> {
  return (await page.evaluate('window.__posted')) as Record<string, unknown>[];
}

/** Polls from Node until the webview posted a matching message. */
export async function waitForPosted(page: Page, matches: (message: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await postedMessages(page)).find(matches);
    if (found) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error('the webview did not post the expected message');
    }
    await page.waitForTimeout(50);
  }
}

/** Delivers a message from the "extension" to the webview. */
export async function postToWebview(page: Page, message: unknown): Promise<void> {
  // Resolves once the message has been dispatched: this listener is added after the webview's own, so it runs
  // after the webview has handled it. (Resolving right after postMessage let a key pressed next reach the page
  // before the message did: the single-key test pressed j before the setting that turns j on had arrived.)
  await page.evaluate(
    `new Promise((resolve) => { window.addEventListener('message', () => resolve(), { once: true }); window.postMessage(${JSON.stringify(message)}, '*'); })`,
  );
}

/**
 * Posts a message to the reader and resolves, with the milliseconds it took in the page, once the mail
 * frame has loaded what the reader put in it (the frame's load event, caught on its way down, whether
 * the frame is new or reused). Only for messages with an HTML body: a text one never loads the frame.
 */
export async function showHtmlInReader(page: Page, message: ExtensionToReader): Promise<number> {
  // Only a load after the reader has handled the message counts (this listener runs after the
  // reader's own): an earlier navigation of the reused frame may still be finishing.
  const script = `new Promise((resolve) => {
    const started = performance.now();
    let handled = false;
    const onMessage = () => {
      handled = true;
      window.removeEventListener('message', onMessage);
    };
    const onLoad = (event) => {
      if (handled && event.target instanceof HTMLIFrameElement && event.target.matches('iframe.mail-frame')) {
        document.removeEventListener('load', onLoad, true);
        resolve(performance.now() - started);
      }
    };
    window.addEventListener('message', onMessage);
    document.addEventListener('load', onLoad, true);
    window.postMessage(${JSON.stringify(message)}, '*');
  })`;
  return (await page.evaluate(script)) as number;
}

/** A message as the extension sends it to the reader: a plain one from Bob unless told otherwise. */
export function readerMessage(overrides: Partial<MessageView>): MessageView {
  return {
    ref: { accountId: 'a', folder: 'INBOX', uid: 1 },
    subject: '',
    from: [{ name: 'Bob', address: 'bob@example.com' }],
    to: [{ name: '', address: 'alice@mailroom.test' }],
    cc: [],
    date: Date.parse('2026-11-25T10:00:00Z'),
    text: '',
    html: undefined,
    attachments: [],
    malformed: false,
    flagged: false,
    unread: false,
    truncated: false,
    ...overrides,
  };
}

/** A reader document in Chromium, ready for messages; `close` stops the browser and the host. */
export interface ReaderPage {
  readonly page: Page;
  close(): Promise<void>;
}

export async function openReaderPage(): Promise<ReaderPage> {
  const [host, browser]: [WebviewHost, Browser] = await Promise.all([startWebviewHost(), launchChromium()]);
  const page = await browser.newPage();
  await page.goto(`${host.origin}/page?view=reader`);
  await waitForPosted(page, (message) => message.type === 'ready');
  return {
    page,
    close: async () => {
      await browser.close();
      await host.close();
    },
  };
}
