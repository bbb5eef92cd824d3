// Signing in the way a person does it: the Accounts menu of the installed .vsix in code-server, the
// consent dialog, the progress notification, "try another way", and the one-time code entered on
// another device (played by the stack's browser agent); then signing out from the Accounts menu.
//
// Two facts of this setup shape the test:
// - the fixture starts the workbench with the smoke-test driver, and in that mode the workbench
//   refuses every modal dialog (Mailroom's consent is one). The page is reloaded with that flag off,
//   test-side only, so the dialogs appear as they do for a person;
// - code-server rewrites links to 127.0.0.1 into its own port proxy (dropping path and query), so
//   the browser cannot open the local issuer's authorization page from the editor; the loopback
//   attempt is cancelled like a person would, and the device code takes over.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

const PROVIDER_LABEL = 'Mailroom (OpenID Connect)';

/** Reloads the workbench with the smoke-test driver off, so modal dialogs are shown instead of refused. */
async function reloadAllowingDialogs(workbench: Workbench): Promise<void> {
  // Runs in the page before the workbench reads its configuration from this element's data-settings.
  await workbench.page.addInitScript({
    content: `(() => {
      const getAttribute = Element.prototype.getAttribute;
      Element.prototype.getAttribute = function (name) {
        const value = getAttribute.call(this, name);
        if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && value) {
          return value.replace('"enableSmokeTestDriver":true', '"enableSmokeTestDriver":false');
        }
        return value;
      };
    })();`,
  });
  await workbench.page.reload();
  await workbench.activityBarItem('Mail').waitFor({ state: 'visible', timeout: 60_000 });
}

function dialog(page: Page, text: string | RegExp): ReturnType<Page['locator']> {
  return page.locator('.monaco-dialog-box', { hasText: text });
}

function toast(page: Page, text: string | RegExp): ReturnType<Page['locator']> {
  return page.locator('.notification-toast', { hasText: text });
}

describe('Sign in through the Accounts menu', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'sign-in', stack: {} });
    await reloadAllowingDialogs(workbench);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  after(async () => {
    await workbench?.close();
  });

  it('offers "Sign in with Mailroom (OpenID Connect)" in the Accounts menu once Mailroom is active', async () => {
    await workbench.activityBarItem('Mail').click();
    await workbench.webviewFrame();
    const entries = await waitForAccountsMenu((labels) => labels.some((label) => label.startsWith(`Sign in with ${PROVIDER_LABEL}`)));
    assert.ok(entries.some((label) => label.startsWith(`Sign in with ${PROVIDER_LABEL}`)), entries.join(' | '));
  });

  it('[SEC-11] asks for consent in plain words before anything opens in the browser', async () => {
    const pagesBefore = workbench.page.context().pages().length;
    await workbench.page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: `Sign in with ${PROVIDER_LABEL}` }).click();
    const consent = dialog(workbench.page, 'with Mailroom?');
    await consent.waitFor();
    const text = await consent.innerText();
    assert.match(text, /Sign in to 127\.0\.0\.1:\d+ with Mailroom\?/);
    assert.match(text, /See your email address/);
    assert.match(text, /secret storage/);
    assert.equal(workbench.page.context().pages().length, pagesBefore, 'no browser page before consent');
    await workbench.screenshot('consent');
    await consent.locator('.monaco-button', { hasText: 'Continue in Browser' }).click();
  });

  it('shows the attempt in a cancellable notification and offers another way when it is cancelled', async () => {
    const progress = toast(workbench.page, /Signing in to 127\.0\.0\.1:\d+ through/);
    await progress.waitFor();
    await workbench.screenshot('progress');
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const another = toast(workbench.page, 'Having trouble?');
    await another.waitFor();
    assert.match(await another.innerText(), /one-time code/);
    await another.locator('.monaco-button', { hasText: 'Try Another Way' }).click();
  });

  it('[SEC-33] signs in with a one-time code shown on the issuer\'s https page', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const codeDialog = dialog(workbench.page, 'enter the code');
    await codeDialog.waitFor();
    const text = await codeDialog.innerText();
    const shown = /open (https:\/\/\S+) and enter the code (\S+)\./.exec(text);
    assert.ok(shown, text);
    const [, verificationUri, userCode] = shown;
    assert.equal(new URL(verificationUri).origin, stack.issuer);
    await workbench.screenshot('device-code');
    await codeDialog.locator('.monaco-button', { hasText: 'Copy Code and Open Page' }).click();
    // The person enters the code on another device and signs in there.
    await stack.authorize(`${verificationUri}?user_code=${encodeURIComponent(userCode)}`, stack.users[0]);
    const entries = await waitForAccountsMenu((labels) => labels.some((label) => label.startsWith(stack.users[0].email)));
    assert.ok(entries.some((label) => label === `${stack.users[0].email} (${PROVIDER_LABEL})`), entries.join(' | '));
    assert.ok(!entries.some((label) => label.startsWith(`Sign in with ${PROVIDER_LABEL}`)), 'the sign-in request is satisfied');
    await workbench.screenshot('signed-in');
  });

  it('signs out from the Accounts menu, and the provider offers sign-in again', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const email = stack.users[0].email;
    await workbench.page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: email }).hover();
    await workbench.page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: /^Sign Out$/ }).click();
    const confirm = dialog(workbench.page, email);
    await confirm.waitFor();
    await confirm.locator('.monaco-button', { hasText: 'Sign Out' }).click();
    const entries = await waitForAccountsMenu((labels) => !labels.some((label) => label.startsWith(email)) && labels.some((label) => label.startsWith(`Sign in with ${PROVIDER_LABEL}`)));
    assert.ok(!entries.some((label) => label.startsWith(email)), entries.join(' | '));
  });

  /** Opens the Accounts menu until its entries satisfy `ready` (the workbench updates it asynchronously). */
  async function waitForAccountsMenu(ready: (labels: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
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
});
