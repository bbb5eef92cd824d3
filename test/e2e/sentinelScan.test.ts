// [SEC-20] in the real editor: after a full session (a sign-in on the issuer's page, reading mail
// with short-lived access tokens so they are refreshed, sign-out, a wrong password and a denied sign-in), none of the codes and
// tokens the issuer handed out appears anywhere outside SecretStorage. The values come from the stack's
// provider (never from the editor), so nothing that reached Mailroom is missed. In code-server,
// SecretStorage lives in the browser profile (local storage), which is the one place not scanned.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import type { Stack } from '../stack';
import { completeSignInPage, openSignInPage, signInThroughBrowser, signOutFromAccountsMenu } from './browserSignIn';
import { filesUnder, mailroomFrame, mailroomLogText, waitForAccountsMenu } from './mailroom';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

/** Short enough that reading for a few seconds needs a refresh, long enough for the inbox to load. */
const ACCESS_TOKEN_SECONDS = 8;
const RECORDED_MESSAGES = '__mailroomSentinelMessages';

function refreshTokensOf(stack: Stack, email: string): string[] {
  return stack
    .issuedTokens()
    .filter((token) => token.kind === 'RefreshToken' && token.email === email)
    .map((token) => token.value);
}

interface Hit {
  where: string;
  kind: string;
}

/** Where any sentinel occurs in `text` (raw bytes read as latin1 so binary state databases are searched too). */
function hitsIn(where: string, text: string, sentinels: Map<string, string>): Hit[] {
  return [...sentinels].filter(([value]) => text.includes(value)).map(([, kind]) => ({ where, kind }));
}

describe('[SEC-20] no token, code or password outside SecretStorage after a full session in the real editor', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let stack: Stack;
  const webviewTexts: { where: string; text: string }[] = [];

  before(async () => {
    workbench = await openWorkbench({
      name: 'sec-20',
      stack: { seed: 'fixture', tokenTtlSeconds: ACCESS_TOKEN_SECONDS },
      settings: (started) => ({
        'mailroom.oidc.clientId': started?.shortLivedClientId ?? '',
        'mailroom.oidc.redirectUri': started?.forwarderUrl ?? '',
        'mailroom.notifications.newMail': false,
      }),
    });
    assert.ok(workbench.stack);
    stack = workbench.stack;
    await workbench.activityBarItem('Mail').click();
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('signs in, reads mail across an access-token refresh, and signs out', async () => {
    const [alice] = stack.users;
    await signInThroughBrowser(workbench, alice);
    const inbox = await mailroomFrame(workbench.page, 'inbox', 60_000);
    await inbox.locator('.list .row:not(.placeholder)').first().waitFor({ timeout: 60_000 });
    await inbox.locator('.list').focus();
    await workbench.page.keyboard.press('Home');
    await workbench.page.keyboard.press('j');
    await workbench.page.keyboard.press('Enter');
    const reader = await mailroomFrame(workbench.page, 'reader', 60_000);
    // From here on every message the Inbox and the reader receive is kept for the scan.
    await Promise.all([recordMessages(inbox), recordMessages(reader)]);
    // Outlive the first access token, then have the server drop the connections: reconnecting needs a
    // fresh access token, so Mailroom refreshes (and stores the rotated refresh token).
    await workbench.page.waitForTimeout((ACCESS_TOKEN_SECONDS + 2) * 1000);
    await stack.doveadm(['kick', alice.email]);
    const inboxAgain = await mailroomFrame(workbench.page, 'inbox');
    await inboxAgain.locator('.list').focus();
    await workbench.page.keyboard.press('j');
    await workbench.page.keyboard.press('Enter');
    const deadline = Date.now() + 30_000;
    while (refreshTokensOf(stack, alice.email).length < 2 && Date.now() < deadline) {
      await workbench.page.waitForTimeout(500);
    }
    const refreshTokens = refreshTokensOf(stack, alice.email);
    assert.ok(refreshTokens.length >= 2, `the access token was refreshed (${refreshTokens.length} refresh tokens issued)`);
    for (const frame of workbench.page.frames()) {
      webviewTexts.push(...(await frameTexts(frame)));
    }
    await signOutFromAccountsMenu(workbench, alice.email);
    const states = await Promise.all(refreshTokens.map(async (token) => (await stack.introspect(token)).active));
    assert.deepEqual(
      states,
      refreshTokens.map(() => false),
      'every refresh token is inactive after sign-out',
    );
    await workbench.page.waitForTimeout(1_000);
    for (const frame of workbench.page.frames()) {
      webviewTexts.push(...(await frameTexts(frame)));
    }
  });

  // After the session rather than before it: with a denied attempt first, code-server's webview host
  // for the reader sometimes never finished loading (its service-worker registration did not settle),
  // which a closed-and-reopened reader did not cure either; that is the editor's, not Mailroom's.
  it("a wrong password, then Deny on the issuer's page: the reason is shown and no account is added", async () => {
    const [alice] = stack.users;
    // Forget alice's session at the issuer (signing out of Mailroom leaves it), so its login page shows.
    await workbench.page.context().clearCookies({ domain: new URL(stack.issuer).hostname });
    const tab = await openSignInPage(workbench);
    await completeSignInPage(tab, alice, { wrongPasswordFirst: true, deny: true });
    await workbench.returnToEditor();
    await workbench.notification('Sign-in was declined').waitFor({ timeout: 30_000 });
    const labels = await waitForAccountsMenu(workbench, (entries) => entries.some((label) => label.startsWith('Sign in with')));
    assert.ok(!labels.some((label) => label.startsWith(alice.email)), labels.join(' | '));
    await workbench.dismiss();
  });

  it('finds none of the issued codes and tokens, nor the password, in files, logs, the Mailroom output, webview HTML or messages', async () => {
    const issued = stack.issuedTokens().filter((token) => token.issuer === stack.issuer);
    const kinds = new Set(issued.map((token) => token.kind));
    for (const kind of ['AuthorizationCode', 'AccessToken', 'RefreshToken'] as const) {
      assert.ok(kinds.has(kind), `the session produced a ${kind}`);
    }
    const sentinels = new Map<string, string>(issued.map((token) => [token.value, token.kind]));
    for (const user of stack.users) {
      sentinels.set(user.password, 'password');
    }

    const runFiles = filesUnder(workbench.server.directory);
    const mailroomLog = mailroomLogText(workbench);
    // The scan reads what it should: the output channel recorded the session it is searched for.
    assert.match(mailroomLog, /Signed in to .* as alice@mailroom\.test/);
    assert.ok(runFiles.includes(workbench.server.logFile));
    assert.ok(runFiles.some((file) => file.endsWith(path.join('User', 'settings.json'))));
    assert.ok(
      runFiles.some((file) => file.includes(`${path.sep}User${path.sep}`)),
      'the user folder is scanned',
    );

    const hits: Hit[] = [];
    // The editor and Mailroom go on while the scan reads: a lock released between the listing and the read
    // (an outbox claim's, once) is gone. Only such a lock may vanish; any other file is read.
    const vanished: string[] = [];
    for (const file of runFiles) {
      const text = readUnlessGone(file);
      if (text === undefined) {
        vanished.push(file);
        continue;
      }
      hits.push(...hitsIn(path.relative(workbench.server.directory, file), text, sentinels));
    }
    assert.deepEqual(
      vanished.filter((file) => !file.endsWith('.lock')),
      [],
      'only a lock file may go between the listing and its read',
    );
    assert.ok(
      webviewTexts.some((entry) => entry.where === 'inbox webview HTML' && entry.text.includes('role="listbox"')),
      'the Inbox webview was captured',
    );
    assert.ok(
      webviewTexts.some((entry) => entry.where === 'inbox webview messages' && entry.text.length > 0),
      'messages to the Inbox were recorded',
    );
    for (const entry of webviewTexts) {
      hits.push(...hitsIn(entry.where, entry.text, sentinels));
    }
    // In a browser-based editor globalState and the other state databases live in the browser (IndexedDB,
    // local storage), next to SecretStorage; everything there but SecretStorage is scanned.
    const browserStorage = await browserStorageTexts(workbench);
    assert.ok(
      browserStorage.some((entry) => entry.where.startsWith('IndexedDB vscode-web-state-db-global')),
      browserStorage.map((entry) => entry.where).join(', '),
    );
    for (const entry of browserStorage) {
      hits.push(...hitsIn(entry.where, entry.text, sentinels));
    }
    const notifications = await workbench.page.locator('.notifications-toasts, .notifications-center').allInnerTexts();
    hits.push(...hitsIn('notifications', notifications.join('\n'), sentinels));
    console.log(
      `      scanned ${runFiles.length} files, ${browserStorage.length} browser stores, ${webviewTexts.length} webview documents and message logs for ${sentinels.size} sentinels`,
    );
    assert.deepEqual(hits, []);
  });
});

/** The HTML of a Mailroom webview document and the messages it received, named by its view. */
async function frameTexts(frame: Frame): Promise<{ where: string; text: string }[]> {
  const view = await frame
    .locator('body[data-view]')
    .getAttribute('data-view', { timeout: 1_000 })
    .catch(() => undefined);
  if (!view) {
    return [];
  }
  const html = await frame.content().catch(() => '');
  const messages = await frame
    .evaluate((name) => ((globalThis as unknown as Record<string, unknown>)[name] as string[] | undefined) ?? [], RECORDED_MESSAGES)
    .catch(() => []);
  return [
    { where: `${view} webview HTML`, text: html },
    { where: `${view} webview messages`, text: messages.join('\n') },
  ];
}

/**
 * Keeps every message the webview document receives. Installed into the running document (an init script
 * for all frames would also run in the workbench's own webview loader, which it disturbs). Browser code is
 * passed as text: this project's TypeScript has no DOM types outside webview/.
 */
async function recordMessages(frame: Frame): Promise<void> {
  await frame.evaluate(`(() => {
    if (globalThis.${RECORDED_MESSAGES}) return;
    const recorded = (globalThis.${RECORDED_MESSAGES} = []);
    globalThis.addEventListener('message', (event) => {
      recorded.push(typeof event.data === 'string' ? event.data : JSON.stringify(event.data));
    });
  })()`);
}

const READ_BROWSER_STORAGE = `(async () => {
  const results = [];
  const local = [];
  for (let index = 0; index < localStorage.length; index += 1) {
    const key = localStorage.key(index) ?? '';
    if (!/secret/i.test(key)) local.push(key + '=' + (localStorage.getItem(key) ?? ''));
  }
  results.push({ where: 'local storage', text: local.join('\\n') });
  const settle = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  for (const info of await indexedDB.databases()) {
    const database = await settle(indexedDB.open(info.name));
    for (const storeName of Array.from(database.objectStoreNames)) {
      const store = database.transaction(storeName, 'readonly').objectStore(storeName);
      const [keys, values] = await Promise.all([settle(store.getAllKeys()), settle(store.getAll())]);
      const shown = (value) => value instanceof Uint8Array ? new TextDecoder('latin1').decode(value) : typeof value === 'string' ? value : JSON.stringify(value);
      results.push({ where: 'IndexedDB ' + info.name + '/' + storeName, text: keys.map((key, index) => String(key) + '=' + shown(values[index])).join('\\n') });
    }
    database.close();
  }
  return results;
})()`;

/** Local storage (but SecretStorage's entry) and every IndexedDB database of the workbench's origin, as text. */
function browserStorageTexts(workbench: Workbench): Promise<{ where: string; text: string }[]> {
  return workbench.page.evaluate<{ where: string; text: string }[]>(READ_BROWSER_STORAGE);
}

/** A file's bytes as latin1 text, or undefined when it no longer exists. */
function readUnlessGone(file: string): string | undefined {
  try {
    return fs.readFileSync(file).toString('latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}
