// Steps through Mailroom's own UI that several end-to-end suites need: signing in as a stack user and
// finding one of Mailroom's webviews by the view its document shows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

export const OIDC_PROVIDER_LABEL = 'Mailroom (OpenID Connect)';
/** The Accounts menu's entry that starts a sign-in with the OpenID Connect provider (also the session-request form "… to use Mailroom (1)"). */
export const OIDC_SIGN_IN_ENTRY = new RegExp(`^Sign in with ${OIDC_PROVIDER_LABEL.replace(/[()]/g, '\\$&')}`);
const EXTENSION_ID = 'mailroom.mailroom';

/**
 * The Accounts menu → consent → cancel the browser attempt (code-server's port proxy cannot open the
 * local issuer) → the one-time code, entered "on another device" by the stack's browser agent.
 * Resolves once the Accounts menu lists the account.
 */
export async function signInWithDeviceCode(workbench: Workbench, user = workbench.stack?.users[0]): Promise<void> {
  const { page, stack } = workbench;
  assert.ok(stack && user, 'signing in needs the local stack');
  await waitForAccountsMenu(workbench, (labels) => labels.some((label) => label.startsWith(`Sign in with ${OIDC_PROVIDER_LABEL}`)));
  await workbench.chooseMenuItem(OIDC_SIGN_IN_ENTRY);
  await workbench.dialog('with Mailroom?').locator('.monaco-button', { hasText: 'Continue in Browser' }).click();
  // The browser attempt cannot work here: decline the editor's "open the external website?" question
  // (it follows the attempt's progress notification), else cancel the attempt; either way Mailroom
  // offers another way.
  const progress = workbench.notification(/Signing in to/);
  const trouble = workbench.notification('Having trouble?');
  await progress.waitFor();
  await declineExternalPage(workbench);
  await progress.or(trouble).first().waitFor();
  // The attempt can end by itself (its notification replaced by "Having trouble?") while the click on
  // Cancel is on its way: a single click then waited 30 s for a button that had left the DOM. So: try
  // briefly, look again, until the question is there.
  for (const deadline = Date.now() + 30_000; !(await trouble.isVisible());) {
    assert.ok(Date.now() < deadline, 'the browser attempt neither ended nor could be cancelled');
    await progress
      .locator('.monaco-button', { hasText: 'Cancel' })
      .click({ timeout: 1_000 })
      .catch(() => undefined);
  }
  await trouble.locator('.monaco-button', { hasText: 'Try Another Way' }).click();
  const codeDialog = workbench.dialog('enter the code');
  await codeDialog.waitFor();
  const shown = /open (https:\/\/\S+) and enter the code (\S+)\./.exec(await codeDialog.innerText());
  assert.ok(shown, 'the device-code dialog shows a verification URI and a code');
  await codeDialog.locator('.monaco-button', { hasText: 'Copy Code and Open Page' }).click();
  // The same question comes for the verification page, a moment later (it came after the next step's dismissal
  // once in CI, and its modal block took the next click); the stack's agent enters the code instead.
  await declineExternalPage(workbench);
  await stack.authorize(`${shown[1]}?user_code=${encodeURIComponent(shown[2] ?? '')}`, user);
  await workbench.returnToEditor();
  const labels = await waitForAccountsMenu(workbench, (entries) => entries.some((label) => label.startsWith(user.email)));
  assert.ok(
    labels.some((label) => label.startsWith(user.email)),
    `not signed in: ${labels.join(' | ')}`,
  );
  await workbench.dismiss();
  await page.waitForTimeout(200);
}

/**
 * Declines code-server's "open the external website?" question if it comes within 10 s: the stack's issuer is on
 * 127.0.0.2, which the editor does not trust as localhost, and the browser here cannot reach it through the editor.
 */
export async function declineExternalPage(workbench: Workbench): Promise<void> {
  const external = workbench.dialog('open the external website?');
  if (
    await external.waitFor({ timeout: 10_000 }).then(
      () => true,
      () => false,
    )
  ) {
    await external.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await external.waitFor({ state: 'hidden' });
  }
}

/** Opens the Accounts menu until its entries satisfy `ready` (the workbench updates it asynchronously). */
export async function waitForAccountsMenu(workbench: Workbench, ready: (labels: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let labels: string[] = [];
  while (Date.now() < deadline) {
    labels = await workbench.openAccountsMenu();
    if (ready(labels)) {
      return labels;
    }
    await workbench.dismiss();
    await workbench.page.waitForTimeout(500);
  }
  return labels;
}

/**
 * The input a person types into for one of the composer's fields. The fields are vscode-elements (a
 * vscode-textfield, the body a vscode-textarea) whose real input sits in their shadow root, which
 * Playwright's CSS locators enter: fill, inputValue and key presses go to that input, as typing does.
 */
export function composerField(composer: Pick<Frame, 'locator'>, field: 'to' | 'cc' | 'bcc' | 'subject' | 'body'): Locator {
  return composer.locator(`#${field}`).locator('input, textarea');
}

/**
 * How long code-server's webview service worker can keep every new webview host without a content frame. All
 * webviews share one origin there, so each host registers its own worker script on the one registration and builds
 * its content frame only once that worker controls it. Chromium activates the new worker only when the running one
 * has no pending fetch, and that worker holds a resource fetch until its 30 s resolveTimeout when the webview that
 * asked was disposed before the answer. A person waits that out; so does the test, once, and says so.
 */
const EDITOR_SERVICE_WORKER_HOLD_MS = 32_000;

/** Whether this webview host has no content frame because the newest service worker is still waiting to activate. */
async function hostWaitsForServiceWorker(host: Frame): Promise<boolean> {
  if (host.childFrames().length > 0) {
    return false;
  }
  type Registration = { waiting: unknown; installing: unknown } | undefined;
  type Navigator = { serviceWorker: { getRegistration(): Promise<Registration> } };
  return host
    .evaluate(async () => {
      const registration = await (globalThis as unknown as { navigator: Navigator }).navigator.serviceWorker.getRegistration();
      return Boolean(registration?.waiting) && !registration?.installing;
    })
    .catch(() => false);
}

/** Mailroom's webview whose document is the given view (inbox, reader and composer are all webviews). */
export async function mailroomFrame(page: Page, view: 'inbox' | 'reader' | 'composer', timeoutMs = 30_000): Promise<Frame> {
  let deadline = Date.now() + timeoutMs;
  let extended = false;
  for (;;) {
    if (Date.now() >= deadline) {
      const hosts = page.frames().filter((frame) => frame.url().includes(`extensionId=${EXTENSION_ID}`));
      const waiting = (await Promise.all(hosts.map(hostWaitsForServiceWorker))).some(Boolean);
      if (extended || !waiting) {
        break;
      }
      console.log(
        `      [editor] a Mailroom webview host waits for code-server's service worker; waiting up to ${EDITOR_SERVICE_WORKER_HOLD_MS / 1000} s more`,
      );
      extended = true;
      deadline = Date.now() + EDITOR_SERVICE_WORKER_HOLD_MS;
    }
    for (const frame of page.frames()) {
      const host = frame.parentFrame();
      if (!host || new URL(host.url()).searchParams.get('extensionId') !== EXTENSION_ID) {
        continue;
      }
      if (
        (await frame
          .locator(`body[data-view="${view}"]`)
          .count()
          .catch(() => 0)) > 0
      ) {
        return frame;
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no Mailroom ${view} webview appeared; Mailroom's webview frames: ${await describeMailroomFrames(page)}`);
}

/**
 * Waits until a webview's own document has the focus. The workbench hands the focus to a webview a moment after
 * the click or command that asked for it; a palette opened before that happens is closed by it.
 */
export async function webviewFocused(frame: Frame, timeoutMs = 10_000): Promise<void> {
  await frame.waitForFunction(() => (globalThis as unknown as { document: { hasFocus(): boolean } }).document.hasFocus(), undefined, { timeout: timeoutMs });
}

/**
 * Presses a key inside a webview and waits until the workbench has had it too. A webview hands every key on to
 * the workbench (for keybindings) as a keydown on the main window, a moment later; an Escape that arrives after
 * the next step opened the command palette closes it.
 */
export async function pressInWebview(page: Page, key: string, timeoutMs = 10_000): Promise<void> {
  type Window = { mailroomKeysSeen?: string[]; addEventListener(type: 'keydown', listener: (event: { key: string }) => void, capture: boolean): void };
  await page.evaluate(() => {
    const main = globalThis as unknown as Window;
    if (!main.mailroomKeysSeen) {
      const seen: string[] = [];
      main.mailroomKeysSeen = seen;
      main.addEventListener('keydown', (event) => seen.push(event.key), true);
    }
    main.mailroomKeysSeen.length = 0;
  });
  await page.keyboard.press(key);
  await page.waitForFunction((expected) => ((globalThis as unknown as Window).mailroomKeysSeen ?? []).includes(expected), key, { timeout: timeoutMs });
}

/** The reader once it shows this message (a remote-content choice loads a new reader document, so the frame is looked up again). */
export async function readerShowing(page: Page, subject: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reader = await mailroomFrame(page, 'reader', timeoutMs);
    if (
      (await reader
        .locator('.reader-header h1', { hasText: subject })
        .count()
        .catch(() => 0)) > 0
    ) {
      return reader;
    }
    assert.ok(Date.now() < deadline, `the reader never showed "${subject}"`);
    await page.waitForTimeout(200);
  }
}

/** Runs a server-side search in the Inbox view and returns the view, which then lists what the search found. */
export async function searchInbox(page: Page, text: string): Promise<Frame> {
  const inbox = await mailroomFrame(page, 'inbox');
  // The text field's own input (inside its shadow root): fill() focuses it even when an editor had the focus.
  const search = inbox.locator('.searchbar vscode-textfield input');
  await search.fill(text);
  await search.press('Enter');
  return inbox;
}

/** Finds the message by a server-side search in the Inbox view and opens it in the reader. */
export async function openMessageBySearch(page: Page, subject: string): Promise<Frame> {
  const inbox = await searchInbox(page, subject);
  const row = inbox.locator('.list .row:not(.placeholder)', { hasText: subject }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  return readerShowing(page, subject);
}

/** Each of Mailroom's webview hosts and what its frames hold, for the message of a failed wait. */
async function describeMailroomFrames(page: Page): Promise<string> {
  const hosts = page.frames().filter((frame) => frame.url().includes(`extensionId=${EXTENSION_ID}`));
  const described = await Promise.all(
    hosts.map(async (host) => {
      const children = await Promise.all(
        host.childFrames().map(async (child) => {
          const id = await child.frameElement().then(
            async (element) => element.getAttribute('id'),
            () => null,
          );
          const dataView = await child
            .locator('body')
            .getAttribute('data-view', { timeout: 1_000 })
            .catch(() => null);
          return `#${id ?? '?'} ${child.url().slice(0, 60)} view=${dataView ?? 'none'}`;
        }),
      );
      return `[${new URL(host.url()).searchParams.get('purpose') ?? 'webview'}: ${children.join(', ') || `no content frame; ${await serviceWorkerState(host)}`}]`;
    }),
  );
  return described.join(' ') || 'none';
}

/**
 * The webview host's service worker, as its page sees it. The host makes its content frame only once a worker
 * registered for its own id controls it and has answered; "controlled by another webview's worker" is the host
 * still waiting for that.
 */
async function serviceWorkerState(host: Frame): Promise<string> {
  const ownId = new URL(host.url()).searchParams.get('id');
  const controller = await host
    .evaluate(
      () =>
        (globalThis as unknown as { navigator: { serviceWorker?: { controller: { scriptURL: string } | null } } }).navigator.serviceWorker?.controller
          ?.scriptURL ?? null,
    )
    .catch((error: unknown) => `unreadable (${String(error)})`);
  const waiting = (await hostWaitsForServiceWorker(host)) ? "; a newer webview's worker is installed and waits to activate" : '';
  if (controller === null) {
    return `no service worker controls the host${waiting}`;
  }
  const controllerId = URL.canParse(controller) ? new URL(controller).searchParams.get('id') : controller;
  return controllerId === ownId
    ? "the host's own service worker controls it"
    : `controlled by another webview's service worker (${controllerId ?? '?'})${waiting}`;
}

/** Every file under `directory`, depth first. */
export function filesUnder(directory: string): string[] {
  if (!fs.existsSync(directory)) {
    return [];
  }
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      return filesUnder(full);
    }
    return entry.isFile() ? [full] : [];
  });
}

/** What Mailroom's output channel wrote in this run (every extension host's file of it). */
export function mailroomLogText(workbench: Workbench): string {
  const logs = filesUnder(workbench.server.directory).filter((file) => /mailroom/i.test(path.basename(file)) && file.endsWith('.log'));
  assert.ok(logs.length > 0, `the Mailroom output channel is written under ${workbench.server.userDataDirectory}`);
  return logs.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
}

/** An editor with the fixture mailbox, alice signed in and the Inbox listing her mail: where most suites start. */
export async function openSignedInInbox(name: string): Promise<{ workbench: Workbench; inbox: Frame }> {
  const workbench = await openWorkbench({ name, stack: { seed: 'fixture' }, settings: { 'mailroom.notifications.newMail': false } });
  await workbench.activityBarItem('Mail').click();
  await signInWithDeviceCode(workbench);
  const inbox = await mailroomFrame(workbench.page, 'inbox');
  await inbox.locator('.list .row:not(.placeholder)').first().waitFor({ timeout: 60_000 });
  return { workbench, inbox };
}
