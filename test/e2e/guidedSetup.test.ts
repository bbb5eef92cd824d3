// A first run with no OAuth client set up, as a person meets it: "Mailroom: Sign In…" fails with a
// notification whose "Set Up…" button opens "Mailroom: Set Up Account…" for that provider; the setup
// checks what is typed, checks the issuer by discovery, writes the user settings and starts the sign-in.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OIDC_PROVIDER_LABEL } from './mailroom';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

const QUICK_INPUT = '.quick-input-widget';

describe('Guided setup from a sign-in without a client ID', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  /** The user settings as the editor keeps them on disk (setup writes them for the user, never per workspace). */
  function userSettings(): Record<string, unknown> {
    const file = path.join(workbench.server.userDataDirectory, 'User', 'settings.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  }

  /** The open input box's title once it reads `title`, and its prefilled value. */
  async function inputStep(title: RegExp): Promise<string> {
    const page = workbench.page;
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: title }).waitFor({ state: 'visible' });
    return page.locator(`${QUICK_INPUT} input`).inputValue();
  }

  /** Types into the open input box and waits for the hint under it to say `expected` (validation runs as typed). */
  async function typeAndExpectHint(text: string, expected: RegExp): Promise<void> {
    await workbench.page.locator(`${QUICK_INPUT} input`).fill(text);
    await workbench.page.locator(`${QUICK_INPUT} .quick-input-message`, { hasText: expected }).waitFor({ state: 'visible' });
  }

  async function signInFailsWithSetUp(providerLabel: string, message: RegExp): Promise<void> {
    await workbench.runCommand('Mailroom: Sign In…');
    await workbench.pickQuickInputItem(providerLabel);
    const notice = workbench.notification(message);
    await notice.waitFor();
    const setUp = notice.locator('.monaco-button', { hasText: /^Set Up…$/ });
    await setUp.waitFor({ state: 'visible' });
    await workbench.screenshot(`no-client-id-${providerLabel.replace(/\W+/g, '-')}`);
    await setUp.click();
  }

  before(async () => {
    // The stack's issuer and mail servers are set, its client ID is not: a first run before setup.
    workbench = await openWorkbench({ name: 'guided-setup', stack: {}, settings: { 'mailroom.oidc.clientId': '' } });
    assert.equal(userSettings()['mailroom.google.clientId'], undefined);
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('Gmail without a client ID: "Set Up…" opens the Gmail setup, which checks the client ID as it is typed', async () => {
    await signInFailsWithSetUp('Mailroom (Gmail)', /OAuth client ID/);
    await inputStep(/Set Up Gmail \(1 of 2\): Client ID/);
    await typeAndExpectHint('123-abc.apps.example.com', /ends in \.apps\.googleusercontent\.com/);
    await workbench.answerQuickInput('123456789012-abcdefghijklmnop.apps.googleusercontent.com');
    await inputStep(/Set Up Gmail \(2 of 2\): Client Secret/);
    assert.equal(await workbench.page.locator(`${QUICK_INPUT} input`).getAttribute('type'), 'password');
    await workbench.screenshot('gmail-client-secret');
    // Leaving before the last answer writes nothing.
    await workbench.dismiss();
    assert.equal(userSettings()['mailroom.google.clientId'], undefined);
  });

  it('the walkthrough "Set up Mailroom" has a step per provider; a step\'s buttons open that provider\'s setup and its redirect URIs', async () => {
    const page = workbench.page;
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await workbench.pickQuickInputItem('Set up Mailroom');
    const steps = page.locator('.getting-started-step');
    for (const title of ['Gmail', 'Microsoft 365 / Outlook.com', 'Your own OpenID Connect issuer']) {
      await steps.filter({ has: page.locator('.step-title', { hasText: title }) }).waitFor({ state: 'visible' });
    }
    // The README's walkthrough screenshot: without the side bar the page is wide enough to list every step.
    // By its keybinding, not the palette: the walkthrough's step page takes the focus a moment after it opens, and
    // a palette opened before that is closed by it.
    const sideBar = page.locator('.part.sidebar');
    await page.keyboard.press('Control+B');
    await sideBar.waitFor({ state: 'hidden' });
    await workbench.screenshot('walkthrough');
    await page.keyboard.press('Control+B');
    await sideBar.waitFor({ state: 'visible' });
    await steps.filter({ has: page.locator('.step-title', { hasText: /^Gmail$/ }) }).click();
    await page.locator('.getting-started-step.expanded .monaco-button', { hasText: 'Set Up Gmail' }).click();
    await inputStep(/Set Up Gmail \(1 of 2\): Client ID/);
    await workbench.dismiss();
    await steps.filter({ has: page.locator('.step-title', { hasText: 'Microsoft 365 / Outlook.com' }) }).click();
    await page.locator('.getting-started-step.expanded .monaco-button', { hasText: 'Copy Redirect URI' }).click();
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: 'Copy a Redirect URI' }).waitFor({ state: 'visible' });
    await page.locator(`${QUICK_INPUT} .quick-input-list .label-name`, { hasText: 'http://127.0.0.1/callback' }).first().waitFor({ state: 'visible' });
    // The picker's rows read label, then detail (where to register it): keep the URIs.
    const rows = await workbench.readQuickInputLabels();
    const uris = rows.filter((text) => text.includes('://'));
    const editorUri = uris.find((uri) => /^[a-z][a-z0-9+.-]*:\/\/mailroom\.mailroom\/auth\/microsoft$/.test(uri));
    assert.ok(editorUri, rows.join(' | '));
    assert.deepEqual(
      uris.filter((uri) => uri !== editorUri),
      ['http://127.0.0.1/callback'],
      'only the Microsoft URIs',
    );
    await workbench.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.server.origin });
    await workbench.pickQuickInputItem(editorUri);
    await workbench.notification(`Copied ${editorUri} to the clipboard.`).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), editorUri);
  });

  it('Microsoft: the client ID must be a GUID, the tenant is picked (or typed and checked), and the user settings are written before sign-in', async () => {
    const clientId = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    await workbench.runCommand('Mailroom: Set Up Account…');
    await workbench.pickQuickInputItem('Microsoft 365 / Outlook.com');
    await inputStep(/\(1 of 2\): Client ID/);
    await typeAndExpectHint('my-app', /GUID/);
    await workbench.answerQuickInput(clientId);
    await workbench.page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: /\(2 of 2\): Who Signs In/ }).waitFor({ state: 'visible' });
    const tenants = await workbench.readQuickInputLabels();
    for (const label of ['Any Microsoft account', 'Work or school accounts', 'Personal accounts only', 'One organisation only…']) {
      assert.ok(tenants.includes(label), tenants.join(' | '));
    }
    await workbench.screenshot('microsoft-tenant');
    await workbench.pickQuickInputItem('One organisation only…');
    await inputStep(/Your Tenant/);
    await typeAndExpectHint('contoso', /tenant/i);
    await workbench.answerQuickInput('contoso.onmicrosoft.com');
    // Microsoft's endpoints are fixed, so sign-in asks for consent at once.
    const consent = workbench.dialog('with Mailroom?');
    await consent.waitFor();
    const written = userSettings();
    assert.equal(written['mailroom.microsoft.clientId'], clientId);
    assert.equal(written['mailroom.microsoft.tenant'], 'contoso.onmicrosoft.com');
    await consent.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
  });

  it('a custom issuer that does not answer: the setup says so before saving anything and offers to change the answers', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    // Port 9 (discard) on the issuer's address: nothing listens there.
    const unreachable = `https://${new URL(stack.issuer).hostname}:9`;
    await workbench.runCommand('Mailroom: Set Up Account…');
    await workbench.pickQuickInputItem('Your own OpenID Connect issuer');
    await inputStep(/\(1 of 6\): Issuer URL/);
    await typeAndExpectHint(unreachable.replace('https:', 'http:'), /https:\/\//);
    await workbench.answerQuickInput(unreachable);
    await inputStep(/\(2 of 6\): Client ID/);
    await workbench.answerQuickInput(stack.clientId);
    await workbench.answerQuickInput(await inputStep(/\(3 of 6\): IMAP Server/));
    await workbench.answerQuickInput(await inputStep(/\(4 of 6\): SMTP Server/));
    await workbench.page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: /\(5 of 6\): SMTP Port/ }).waitFor({ state: 'visible' });
    await workbench.pickQuickInputItem(String(stack.smtp.port));
    await workbench.answerQuickInput(await inputStep(/\(6 of 6\): Mail Scope/));
    const notice = workbench.notification(`could not use ${unreachable} as your issuer`);
    await notice.waitFor();
    assert.match(await notice.innerText(), /not answering|could not reach/);
    await workbench.screenshot('issuer-unreachable');
    await notice.locator('.monaco-button', { hasText: 'Change Answers…' }).click();
    assert.equal(await inputStep(/\(1 of 6\): Issuer URL/), unreachable, 'the answers are kept');
    await workbench.dismiss();
    assert.equal(userSettings()['mailroom.oidc.issuer'], stack.issuer, 'nothing was written');
  });

  it('a custom issuer: the setup reaches the issuer by discovery, writes the user settings and starts the sign-in', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    await signInFailsWithSetUp(OIDC_PROVIDER_LABEL, /OAuth client ID/);
    assert.equal(await inputStep(/\(1 of 6\): Issuer URL/), stack.issuer, 'prefilled from the settings');
    await workbench.answerQuickInput(stack.issuer);
    await inputStep(/\(2 of 6\): Client ID/);
    await typeAndExpectHint('mail room', /has no spaces/);
    await workbench.answerQuickInput(stack.clientId);
    const imapHost = await inputStep(/\(3 of 6\): IMAP Server/);
    await workbench.answerQuickInput(imapHost);
    const smtpHost = await inputStep(/\(4 of 6\): SMTP Server/);
    await workbench.answerQuickInput(smtpHost);
    await workbench.page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: /\(5 of 6\): SMTP Port/ }).waitFor({ state: 'visible' });
    const smtpPort = String(stack.smtp.port);
    await workbench.pickQuickInputItem(smtpPort);
    const scopes = await inputStep(/\(6 of 6\): Mail Scope/);
    await workbench.answerQuickInput(scopes);
    // Discovery passed and sign-in began: Mailroom asks for consent with the new client.
    const consent = workbench.dialog('with Mailroom?');
    await consent.waitFor();
    await workbench.screenshot('setup-consent');
    const written = userSettings();
    assert.equal(written['mailroom.oidc.clientId'], stack.clientId);
    assert.equal(written['mailroom.oidc.issuer'], stack.issuer);
    assert.equal(written['mailroom.oidc.smtp.port'], stack.smtp.port);
    await consent.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
  });
});
