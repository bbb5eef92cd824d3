// The reader's actions in the installed .vsix, as a person uses them: Save As through the editor's
// save dialog (the bytes on disk are the attachment's), Open for a text attachment (an editor, no
// file), Move… through a folder picker (the server has it in the new folder), "Always for This
// Sender" for remote content, and a notification when new mail arrives, whose Open shows the message.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { TINY_PDF } from '../stack/fixtureMailbox';
import { mailroomFrame, openMessageBySearch, readerShowing, signInWithDeviceCode } from './mailroom';
import { startPixelServer } from './pixelServer';
import type { PixelServer } from './pixelServer';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

describe('Reader actions in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let pixel: PixelServer;

  before(async () => {
    pixel = await startPixelServer();
    workbench = await openWorkbench({ name: 'reader-actions', stack: { seed: 'fixture' } });
    await workbench.activityBarItem('Mail').click();
    await signInWithDeviceCode(workbench);
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
    await workbench?.dismiss();
  });

  after(async () => {
    await workbench?.close();
    await pixel?.close();
  });

  const openMessage = (subject: string): Promise<Frame> => openMessageBySearch(workbench.page, subject);

  it('Save As… writes the attachment, byte for byte, where the save dialog says', async () => {
    const reader = await openMessage('Quarterly report');
    const attachment = reader.locator('.attachments li', { hasText: 'report-q3.pdf' });
    await attachment.locator('vscode-button', { hasText: 'Save As…' }).click();
    // code-server's save dialog is a quick input holding the proposed path, under the workspace folder.
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor();
    // The dialog shows the folder first, then completes the proposed name.
    let proposed = '';
    for (const deadline = Date.now() + 10_000; !proposed.endsWith('report-q3.pdf') && Date.now() < deadline;) {
      await workbench.page.waitForTimeout(100);
      proposed = await input.inputValue();
    }
    assert.equal(proposed, path.join(workbench.server.workspaceDirectory, 'report-q3.pdf'));
    await input.press('Enter');
    await workbench.notification('Saved report-q3.pdf.').waitFor({ timeout: 30_000 });
    const saved = path.join(workbench.server.workspaceDirectory, 'report-q3.pdf');
    assert.deepEqual(fs.readFileSync(saved), TINY_PDF);
    // The toast sits over the reader's attachment buttons until it times out (about 15 s).
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  it('Open shows a text attachment in an editor without writing it to disk', async () => {
    const reader = await openMessage('The script I mentioned');
    const attachment = reader.locator('.attachments li', { hasText: 'cleanup.ts' });
    await attachment.locator('vscode-button', { hasText: 'Open' }).click();
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: 'export function debounce' }).waitFor({ timeout: 30_000 });
    // An untitled editor named after the file, in the file's language.
    await workbench.page.locator('.tabs-container .tab.active', { hasText: 'cleanup.ts' }).waitFor();
    await workbench.page.locator('.statusbar-item', { hasText: /^TypeScript$/ }).waitFor();
    assert.ok(!fs.existsSync(path.join(workbench.server.workspaceDirectory, 'cleanup.ts')), 'nothing was written to the workspace');
  });

  it('a reader covered by another editor shows the next message in the document it kept', async () => {
    const reader = await openMessage('Quarterly report');
    await reader.evaluate(() => Object.assign(globalThis, { documentKept: true }));
    await workbench.runCommand('File: New Untitled Text File');
    await workbench.page.locator('.tabs-container .tab.active', { hasText: /^Untitled/ }).waitFor();
    const next = await openMessage('The script I mentioned');
    // A new document would have cost a new webview: about a second in code-server (bench/serviceWorkerVersions.ts).
    assert.equal(await next.evaluate(() => (globalThis as { documentKept?: boolean }).documentKept), true);
  });

  it('Move… files the message into the folder picked from the list', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const alice = stack.users[0].email;
    const subject = `File me away ${Date.now()}`;
    await stack.deliver(
      alice,
      [
        `From: Bob Example <${stack.users[1].email}>`,
        `To: ${alice}`,
        `Subject: ${subject}`,
        `Date: ${new Date().toUTCString()}`,
        '',
        'For the archive.',
        '',
      ].join('\r\n'),
    );
    const reader = await openMessage(subject);
    await reader.locator('.actions vscode-button', { hasText: 'Move…' }).click();
    const labels = await workbench.readQuickInputLabels();
    assert.ok(labels.includes('Archive'), labels.join(' | '));
    assert.ok(!labels.includes('Inbox') && !labels.includes('INBOX'), `the current folder is not offered: ${labels.join(' | ')}`);
    await workbench.pickQuickInputItem('Archive');
    const inbox = await mailroomFrame(workbench.page, 'inbox');
    await inbox.locator('.list .row', { hasText: subject }).waitFor({ state: 'detached', timeout: 30_000 });
    const inArchive = await stack.doveadm(['search', '-u', alice, 'mailbox', 'Archive', 'subject', subject]);
    const inInbox = await stack.doveadm(['search', '-u', alice, 'mailbox', 'INBOX', 'subject', subject]);
    assert.notEqual(inArchive.trim(), '', 'the server has it in Archive');
    assert.equal(inInbox.trim(), '', 'and no longer in the Inbox');
  });

  it('[SEC-27] "Always for This Sender" loads remote content of that sender\'s next mail without asking', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const stamp = Date.now();
    const newsletter = (issue: string): string =>
      [
        'From: Shop <promo@shop.example>',
        `To: ${stack.users[0].email}`,
        `Subject: Shop news ${issue} ${stamp}`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<p>Issue ${issue}</p><img src="${pixel.origin}/${issue}.gif" width="1" height="1" alt="">`,
        '',
      ].join('\r\n');
    await stack.deliver(stack.users[0].email, newsletter('one'));
    await stack.deliver(stack.users[0].email, newsletter('two'));
    const first = await openMessage(`Shop news one ${stamp}`);
    await first.locator('.banner.remote vscode-button', { hasText: 'Always for This Sender' }).click();
    await waitForRequest('/one.gif');
    const second = await openMessage(`Shop news two ${stamp}`);
    await waitForRequest('/two.gif');
    assert.equal(await second.locator('.banner.remote').count(), 0, 'no question for a sender the person trusts');
  });

  async function waitForRequest(path: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!pixel.requests.includes(path)) {
      assert.ok(Date.now() < deadline, `${path} was never requested: ${pixel.requests.join(', ')}`);
      await workbench.page.waitForTimeout(200);
    }
  }

  it('new mail in the open folder raises a notification whose Open shows it', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const inbox = await mailroomFrame(workbench.page, 'inbox');
    // Back to the whole Inbox (the earlier searches narrowed it).
    await inbox.locator('.searchbar vscode-textfield input').fill('');
    await inbox.locator('.searchbar vscode-textfield input').press('Enter');
    const subject = `Live arrival ${Date.now()}`;
    await stack.deliver(
      stack.users[0].email,
      [
        `From: Bob Example <${stack.users[1].email}>`,
        `To: ${stack.users[0].email}`,
        `Subject: ${subject}`,
        `Date: ${new Date().toUTCString()}`,
        '',
        'It just arrived.',
        '',
      ].join('\r\n'),
    );
    const notification = workbench.notification(`New mail from Bob Example: ${subject}`);
    await notification.waitFor({ timeout: 30_000 });
    await inbox.locator('.list .row', { hasText: subject }).waitFor({ timeout: 10_000 });
    await notification.locator('.monaco-button', { hasText: 'Open' }).click();
    await readerShowing(workbench.page, subject);
  });

  it('[SEC-29a] a new-mail notification shows a hostile subject and sender name as plain text, never a link', async () => {
    const stack = workbench.stack;
    assert.ok(stack);
    const stamp = Date.now();
    const link = '[Run](command:workbench.action.terminal.new)';
    await stack.deliver(
      stack.users[0].email,
      [
        `From: "${link}" <${stack.users[1].email}>`,
        `To: ${stack.users[0].email}`,
        `Subject: ${link} report ${stamp}`,
        `Date: ${new Date().toUTCString()}`,
        '',
        'Click nothing.',
        '',
      ].join('\r\n'),
    );
    const notification = workbench.notification(`report ${stamp}`);
    await notification.waitFor({ timeout: 30_000 });
    const message = notification.locator('.notification-list-item-message');
    // VS Code renders `[label](command:…)` in a notification as an anchor that runs the command on click.
    assert.equal(await message.locator('a').count(), 0, `the notification holds a link: ${await message.innerHTML()}`);
    const shown = (await message.innerText()).trim();
    assert.equal(
      shown,
      `New mail from (Run)(command:workbench.action.terminal.new): (Run)(command:workbench.action.terminal.new) report ${stamp}`,
      'the words are shown as written, brackets as parentheses',
    );
    await notification.locator('.monaco-button', { hasText: 'Open' }).click();
    await readerShowing(workbench.page, `report ${stamp}`);
  });
});
