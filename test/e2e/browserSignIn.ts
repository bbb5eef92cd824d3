// Signing in through the Accounts menu the way a person does with a browser: Mailroom opens the issuer's
// sign-in page in a new tab, the person types their username and password (or presses Deny), and the
// browser is sent back to the editor (loopback port, or the forwarder and code-server's callback page).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { OIDC_PROVIDER_LABEL, OIDC_SIGN_IN_ENTRY, waitForAccountsMenu } from './mailroom';
import type { Workbench } from './workbench';

export interface BrowserSignInOptions {
  /** Type a wrong password first and read the page's error before going on. */
  wrongPasswordFirst?: boolean;
  /** Press Deny on the sign-in page instead of signing in. */
  deny?: boolean;
}

/** Typed with a delay between keys, as a person types. */
const TYPING_DELAY_MS = 20;

/**
 * Accounts menu → "Sign in with Mailroom (OpenID Connect)" → consent → the sign-in page that opens in
 * a new tab. Returns that tab once its login form is shown.
 */
export async function openSignInPage(workbench: Workbench): Promise<Page> {
  const { page, stack } = workbench;
  assert.ok(stack, 'signing in needs the local stack');
  const labels = await waitForAccountsMenu(workbench, (entries) => entries.some((label) => OIDC_SIGN_IN_ENTRY.test(label)));
  assert.ok(
    labels.some((label) => OIDC_SIGN_IN_ENTRY.test(label)),
    `no sign-in entry: ${labels.join(' | ')}`,
  );
  await workbench.chooseMenuItem(OIDC_SIGN_IN_ENTRY);
  const tabOpened = page.context().waitForEvent('page', { timeout: 30_000 });
  await workbench.dialog('with Mailroom?').locator('.monaco-button', { hasText: 'Continue in Browser' }).click();
  // The editor's link protection asks before opening a site outside its trusted domains, as it would
  // for a real issuer; the address it shows is the issuer's authorization URL, not a port-proxy rewrite.
  const linkProtection = workbench.dialog('open the external website?');
  await linkProtection.waitFor();
  assert.match(await linkProtection.innerText(), new RegExp(`${stack.issuer.replace(/[.]/g, '\\.')}/auth\\?`));
  await linkProtection.locator('.monaco-button', { hasText: /^Open$/ }).click();
  const tab = await tabOpened;
  await tab.waitForLoadState('domcontentloaded');
  await tab.locator('#username').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(new URL(tab.url()).origin, stack.issuer, `the sign-in page is the issuer's own: ${new URL(tab.url()).origin}`);
  return tab;
}

async function typeCredentials(tab: Page, username: string, password: string): Promise<void> {
  await tab.locator('#username').fill('');
  await tab.locator('#username').pressSequentially(username, { delay: TYPING_DELAY_MS });
  await tab.locator('#password').fill('');
  await tab.locator('#password').pressSequentially(password, { delay: TYPING_DELAY_MS });
  await tab.locator('#sign-in').click();
}

/**
 * Completes the sign-in page as `user` (or denies it) and waits until the browser is back at the editor
 * (any page on 127.0.0.1: the loopback port or code-server's callback route). Returns the tab's final
 * text, e.g. "Signed in to Mailroom".
 */
export async function completeSignInPage(tab: Page, user: { username: string; password: string }, options: BrowserSignInOptions = {}): Promise<string> {
  if (options.wrongPasswordFirst) {
    await typeCredentials(tab, user.username, `${user.password}-wrong`);
    await tab.locator('[role=alert]').waitFor({ state: 'visible' });
    assert.match(await tab.locator('[role=alert]').innerText(), /Wrong username or password/);
  }
  if (options.deny) {
    await tab.locator('#deny').click();
  } else {
    await typeCredentials(tab, user.username, user.password);
  }
  await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//, { timeout: 30_000 });
  await tab.waitForLoadState('domcontentloaded');
  return tab.isClosed()
    ? ''
    : tab
        .locator('body')
        .innerText()
        .catch(() => '');
}

/** The whole sign-in in the browser; resolves once the Accounts menu lists the account. */
export async function signInThroughBrowser(workbench: Workbench, user = workbench.stack?.users[0], options: BrowserSignInOptions = {}): Promise<string[]> {
  assert.ok(user, 'signing in needs a stack user');
  const tab = await openSignInPage(workbench);
  await completeSignInPage(tab, user, options);
  await workbench.returnToEditor();
  const labels = await waitForAccountsMenu(workbench, (entries) => entries.includes(`${user.email} (${OIDC_PROVIDER_LABEL})`));
  await workbench.dismiss();
  return labels;
}

/** Accounts menu → the account → Sign Out → confirm; resolves once the menu no longer lists it. */
export async function signOutFromAccountsMenu(workbench: Workbench, email: string): Promise<string[]> {
  const { page } = workbench;
  const accountEntry = (labels: string[]): boolean => labels.some((label) => label.startsWith(email));
  const confirm = workbench.dialog(email);
  const before = await waitForAccountsMenu(workbench, accountEntry);
  assert.ok(accountEntry(before), `not signed in: ${before.join(' | ')}`);
  await page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: email }).hover();
  await workbench.chooseMenuItem('Sign Out');
  await confirm.waitFor();
  await confirm.locator('.monaco-button', { hasText: 'Sign Out' }).click();
  const after = await waitForAccountsMenu(workbench, (labels) => !accountEntry(labels));
  await workbench.dismiss();
  return after;
}
