// Sending code the way a person does it, in the installed .vsix: select lines in a file, run
// "Mailroom: Send Selection as Mail…" from the palette, answer its questions, look at the preview,
// send, and see the mail arrive in the Inbox view (alice sends to herself) and at the SMTP server, and
// its copy in Sent; Send File from the Explorer; the composer for New Message and Reply.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { composerField, mailroomFrame, mailroomLogText, readerShowing, signInWithDeviceCode, webviewFocused } from './mailroom';
import type { Stack } from '../stack';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

/** How long a line written by the extension host may take to reach the log file the test reads. */
const LOG_SETTLE_MS = 1_000;

function logLines(workbench: Workbench, containing: string): string[] {
  return mailroomLogText(workbench)
    .split('\n')
    .filter((line) => line.includes(containing));
}

const SOURCE = Array.from({ length: 12 }, (_unused, index) => `export const line${index + 1} = \`value ${index + 1}\`;`).join('\n') + '\n';

/** The raw message the SMTP server received whose text contains `marker`, once it has arrived. */
async function submitted(stack: Stack, marker: string, timeoutMs = 30_000): Promise<{ to: string[]; raw: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = stack.submissions.find((submission) => submission.raw.toString('utf8').includes(marker));
    if (found) {
      return { to: found.to, raw: found.raw.toString('utf8') };
    }
    assert.ok(Date.now() < deadline, `the SMTP server received no message with ${marker}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Sending mail in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'send-selection', stack: {} });
    fs.mkdirSync(path.join(workbench.server.workspaceDirectory, 'src'), { recursive: true });
    fs.writeFileSync(path.join(workbench.server.workspaceDirectory, 'src', 'lines.ts'), SOURCE);
    await workbench.activityBarItem('Mail').click();
    await signInWithDeviceCode(workbench);
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
    // The next test waits for its own "Sent to …" notification, not this one's.
    await workbench?.runCommand('Notifications: Clear All Notifications');
  });

  after(async () => {
    await workbench?.close();
  });

  it('Reply in the reader opens the composer with the quote, and the answer is threaded', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const [alice, bob] = stack.users;
    await stack.deliver(
      alice.email,
      [
        `From: Bob Example <${bob.email}>`,
        `To: Alice Example <${alice.email}>`,
        'Subject: Question about lines',
        'Message-ID: <e2e-original@mailroom.test>',
        'Date: Tue, 24 Nov 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Can you check lines 3 to 5?',
        '',
      ].join('\r\n'),
    );
    const inbox = await mailroomFrame(page, 'inbox');
    await inbox.locator('.list .row', { hasText: 'Question about lines' }).click();
    const reader = await mailroomFrame(page, 'reader');
    // The toolbar starts Reply, Reply All, Forward…
    await reader.locator('.actions vscode-button', { hasText: 'Reply' }).first().click();
    const composer = await mailroomFrame(page, 'composer');
    await composerField(composer, 'body').waitFor();
    assert.equal(await composerField(composer, 'subject').inputValue(), 'Re: Question about lines');
    assert.equal(await composerField(composer, 'to').inputValue(), `Bob Example <${bob.email}>`);
    assert.match(await composerField(composer, 'body').inputValue(), /wrote:\n> Can you check lines 3 to 5\?/);
    await composerField(composer, 'body').press('Control+Home');
    await composerField(composer, 'body').pressSequentially('Sure, looking now.');
    await workbench.screenshot('reply');
    await composer.getByRole('button', { name: 'Send' }).click();
    const reply = await simpleParser((await submitted(stack, 'Subject: Re: Question about lines')).raw);
    assert.equal(reply.inReplyTo, '<e2e-original@mailroom.test>');
    assert.deepEqual([reply.references].flat(), ['<e2e-original@mailroom.test>']);
    assert.match(reply.text ?? '', /^Sure, looking now\.\n\nOn .+, Bob Example <bob@mailroom\.test> wrote:\n> Can you check lines 3 to 5\?/);
    await workbench.notification(`Sent to Bob Example <${bob.email}>.`).waitFor({ timeout: 30_000 });
  });

  it('sends lines 3–5 of src/lines.ts from the palette, and the mail arrives in the Inbox view', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;

    // Open the file and select lines 3 to 5 with the keyboard.
    // Through the palette, which first takes the focus back from the webview the previous test used.
    await workbench.runCommand('Go to File...');
    await page.locator('.quick-input-widget input[placeholder^="Search files by name"]').fill('lines.ts');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'lines.ts' }).first().click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'line12' }).waitFor();
    await page.keyboard.press('Control+G');
    await workbench.answerQuickInput(':3');
    for (let line = 0; line < 3; line += 1) {
      await page.keyboard.press('Shift+ArrowDown');
    }

    await workbench.runCommand('Mailroom: Send Selection as Mail…');
    // Recipients: free entry (validated), then the subject prefilled with path and line range, then a note.
    await workbench.answerQuickInput(alice);
    const subject = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'Subject' }).waitFor();
    assert.equal(await subject.inputValue(), 'src/lines.ts:L3-L5');
    await subject.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Note (optional)' }).waitFor();
    await workbench.answerQuickInput('Could you look at these three lines?');

    // The preview shows exactly what goes out, beside the editor, and asks to send.
    const preview = page.locator('.monaco-editor .view-lines', { hasText: 'Subject: src/lines.ts:L3-L5' });
    await preview.waitFor();
    const previewText = await preview.innerText();
    assert.match(previewText, /```typescript/);
    // The editor renders spaces as no-break spaces, which \s matches.
    assert.match(previewText, /line3\s=\s`value\s3`/);
    assert.doesNotMatch(previewText, /line6\s=/);
    // "Send" is the first choice of the preview's question, so Enter sends.
    await page.locator('.quick-input-widget', { hasText: 'exactly what will be sent' }).waitFor();
    // The README's preview screenshot: the question shown, and the pointer off the tabs so no tooltip covers it.
    await page.mouse.move(600, 700);
    await workbench.screenshot('preview');
    await page.keyboard.press('Enter');

    await workbench.notification(`Sent to ${alice}.`).waitFor({ timeout: 30_000 });
    await workbench.screenshot('sent');

    // What the SMTP server received: the fenced block with language, path and line range.
    const message = await submitted(stack, 'Subject: src/lines.ts:L3-L5');
    assert.deepEqual(message.to, [alice]);
    assert.match(message.raw, /multipart\/alternative/);
    const parsed = await simpleParser(message.raw);
    assert.equal(
      parsed.text,
      `Could you look at these three lines?\n\nsrc/lines.ts, lines 3–5 (typescript):\n\n\`\`\`typescript\n${SOURCE.split('\n').slice(2, 5).join('\n')}\n\`\`\`\n`,
    );
    // The HTML part colours the code with inline styles only (issue 15, part 4).
    assert.match(
      String(parsed.html),
      /<span style="color:#cf222e">export<\/span> <span style="color:#cf222e">const<\/span> line3 = <span style="color:#0a3069">`value 3`<\/span>;/,
    );
    assert.doesNotMatch(String(parsed.html), /class=|<style/);

    // And the Inbox view shows it (new mail arrives over IDLE).
    const inbox = await mailroomFrame(page, 'inbox');
    await inbox.locator('.list .row .subject', { hasText: 'src/lines.ts:L3-L5' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('arrived');

    // "Show in Sent" opens the Sent folder, where Mailroom filed its copy.
    await workbench.notification(`Sent to ${alice}.`).locator('.monaco-button', { hasText: 'Show in Sent' }).click();
    await inbox.locator('vscode-single-select[aria-label="Folder"]', { hasText: 'Sent' }).waitFor({ timeout: 30_000 });
    await inbox.locator('.list .row .subject', { hasText: 'src/lines.ts:L3-L5' }).waitFor({ timeout: 30_000 });
    // And it focuses the view. The focus reaches the webview's document a moment after the rows: wait for it, or
    // it lands on whatever the next step opened (the command palette, which closes when it loses the focus).
    await webviewFocused(inbox);
    await workbench.screenshot('in-sent');
  });

  it("Send File as Mail from the Explorer's context menu attaches the file byte for byte", async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;
    await workbench.dismiss();
    await workbench.activityBarItem('Explorer').click();
    const fileRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lines.ts' });
    if (!(await fileRow.isVisible())) {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'src' }).click();
    }
    // Select the file, then open its context menu from the keyboard (a hover over the row can swallow a right click).
    await fileRow.click();
    await fileRow.press('Shift+F10');
    await workbench.chooseMenuItem('Send File as Mail…');
    await workbench.answerQuickInput(alice);
    await page.locator('.quick-input-widget', { hasText: 'Subject' }).waitFor();
    assert.equal(await page.locator('.quick-input-widget input').inputValue(), 'src/lines.ts');
    await workbench.answerQuickInput('src/lines.ts (whole file)');
    await page.locator('.quick-input-widget', { hasText: 'Note (optional)' }).waitFor();
    await workbench.answerQuickInput('');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Attachment: lines.ts' }).waitFor();
    await page.locator('.quick-input-widget', { hasText: 'exactly what will be sent' }).waitFor();
    await page.keyboard.press('Enter');
    await workbench.notification(`Sent to ${alice}.`).waitFor({ timeout: 30_000 });
    const { raw } = await submitted(stack, 'Subject: src/lines.ts (whole file)');
    const attachment = /filename=lines\.ts\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(raw);
    assert.ok(attachment, raw.slice(0, 2000));
    assert.equal(Buffer.from(attachment[1].replace(/\r\n/g, ''), 'base64').toString('utf8'), SOURCE);
  });

  it('New Message opens the composer; its Markdown body goes out as text and HTML', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;
    await workbench.runCommand('Mailroom: New Message');
    const composer = await mailroomFrame(page, 'composer');
    await composerField(composer, 'to').fill(alice);
    await composerField(composer, 'subject').fill('Composer check ✓');
    await composerField(composer, 'body').fill('Hello **Alice**\n\n```js\nconst x = 1;\n```\n');
    await workbench.screenshot('composer');
    await composer.getByRole('button', { name: 'Send' }).click();
    await workbench.notification(`Sent to ${alice}.`).waitFor({ timeout: 30_000 });
    const { raw } = await submitted(stack, 'Hello **Alice**');
    assert.match(raw, /^Subject: =\?UTF-8\?/im);
    assert.match(raw, /Hello <strong>Alice<\/strong>/);
    // The fenced block is coloured with inline styles (issue 15, part 4): no class a mail client would drop.
    const html = String((await simpleParser(raw)).html);
    assert.match(html, /<code><span style="color:#cf222e">const<\/span> x = <span style="color:#0550ae">1<\/span>;/);
    assert.doesNotMatch(html, /class=|<style/);
    // Every send so far succeeded: nothing went wrong on the way, not even after the composer closed. The last
    // test is the positive control: a line written as a send fails is in the log after the same wait.
    await page.waitForTimeout(LOG_SETTLE_MS);
    assert.deepEqual(logLines(workbench, '[error]'), []);
  });

  it('the snippet received opens in an untitled editor and at its lines in the workspace; changed lines offer Compare with Workspace; moved lines are found', async () => {
    const { page } = workbench;
    const file = path.join(workbench.server.workspaceDirectory, 'src', 'lines.ts');
    const lines = SOURCE.split('\n');
    // The status bar's cursor item for a selection of the three lines that start at `first`, whose last line is `last`.
    const selectionStatus = (first: number, last: string): string =>
      `Ln ${first + 2}, Col ${last.length + 1} (${lines.slice(2, 5).join('\n').length} selected)`;
    const openFromReader = async (): Promise<void> => {
      await page.locator('.tabs-container .tab', { hasText: 'src/lines.ts:L3-L5' }).click();
      const reader = await readerShowing(page, 'src/lines.ts:L3-L5');
      await reader.locator('.snippets li', { hasText: 'src/lines.ts, lines 3–5' }).locator('vscode-button', { hasText: 'Open in Workspace' }).click();
    };
    const editorShows = (text: string): Promise<void> =>
      page.locator('.editor-instance .monaco-editor .view-lines', { hasText: text }).first().waitFor({ timeout: 30_000 });

    // The view container's own command: the activity bar entry's unread badge takes a click meant for it.
    await workbench.runCommand('View: Show Mail');
    const inbox = await mailroomFrame(page, 'inbox');
    // Alice sent it to herself: open it from the Inbox, where it arrived.
    await inbox.locator('vscode-single-select[aria-label="Folder"]').click();
    await inbox.getByRole('option', { name: /^Inbox/ }).click();
    await inbox.locator('.list .row', { hasText: 'src/lines.ts:L3-L5' }).first().click();
    const reader = await readerShowing(page, 'src/lines.ts:L3-L5');
    await reader.locator('.snippets li', { hasText: 'src/lines.ts, lines 3–5' }).waitFor();
    await workbench.screenshot('snippet-reader');
    // Open in Editor: the block alone, in an untitled editor in its language.
    await reader.locator('.snippets li', { hasText: 'src/lines.ts, lines 3–5' }).locator('vscode-button', { hasText: 'Open in Editor' }).click();
    // The editor names an untitled tab after its first line.
    await page.locator('.tabs-container .tab.active', { hasText: 'Untitled-1' }).waitFor({ timeout: 30_000 });
    await page.locator('[id="status.editor.mode"]', { hasText: 'TypeScript' }).waitFor({ timeout: 30_000 });
    const untitled = await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText();
    assert.match(untitled, /^export\sconst\sline3\s=\s`value\s3`;\nexport\sconst\sline4[^\n]*\nexport\sconst\sline5\s=\s`value\s5`;/);
    assert.doesNotMatch(untitled, /line2|line6/);
    await workbench.runCommand('View: Revert and Close Editor');
    await openFromReader();
    const status = page.locator('[id="status.editor.selection"]');
    await status.filter({ hasText: selectionStatus(3, lines[4]) }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('snippet-opened');

    // Line 4 changes in the workspace: the same button says so and offers the comparison.
    fs.writeFileSync(file, SOURCE.replace('value 4`', 'value four`'));
    await editorShows('value four');
    await openFromReader();
    const changed = workbench.notification('src/lines.ts has changed since this mail: lines 3–5 differ from the snippet.');
    await changed.locator('.monaco-button', { hasText: 'Compare with Workspace' }).click();
    const diff = page.locator('.monaco-diff-editor');
    await diff.locator('.editor.original .view-lines', { hasText: 'value 4`' }).waitFor({ timeout: 30_000 });
    await diff.locator('.editor.modified .view-lines', { hasText: 'value four`' }).waitFor({ timeout: 30_000 });
    await page.locator('.tabs-container .tab', { hasText: "lines.ts: the mail's lines 3–5 ↔ the workspace" }).waitFor();
    await workbench.screenshot('snippet-compare');
    await workbench.runCommand('Notifications: Clear All Notifications');

    // Three lines are added above: the snippet is found where it went, lines 6 to 8.
    fs.writeFileSync(file, `// one\n// two\n// three\n${SOURCE}`);
    await page
      .locator('.tabs-container .tab', { hasText: /^lines\.ts/ })
      .first()
      .click();
    await editorShows('// three');
    await openFromReader();
    await status.filter({ hasText: selectionStatus(6, lines[4]) }).waitFor({ timeout: 30_000 });
    await workbench.notification("The snippet's lines have moved in src/lines.ts: they are now lines 6–8.").waitFor({ timeout: 30_000 });
    fs.writeFileSync(file, SOURCE);
  });

  // Last: it revokes alice's grant.
  it('nothing is lost when sending fails: the composer says why and the message waits in Unsent Drafts', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;
    await stack.revokeUserGrants(alice);
    await workbench.runCommand('Mailroom: New Message');
    const composer = await mailroomFrame(page, 'composer');
    await composerField(composer, 'to').fill(alice);
    await composerField(composer, 'subject').fill('Written while signed out');
    await composerField(composer, 'body').fill('Please keep this.');
    await composer.getByRole('button', { name: 'Send' }).click();
    // Kept on this machine, and in the server's Drafts too when the IMAP connection (logged in before the
    // revocation) still takes the copy: which one wins the race with the sign-out does not matter here.
    await composer.locator('.problem', { hasText: /^Not sent: .*sign in.*It is kept (as a draft on this machine|in Drafts)/i }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('not-sent');
    // Positive control for the quiet check above: the warning written as this send failed is seen after the same wait.
    await page.waitForTimeout(LOG_SETTLE_MS);
    assert.ok(logLines(workbench, 'Sending failed').length >= 1, 'the failed send is in the log after the wait');
    await page.locator('.part.statusbar', { hasText: '1 unsent' }).waitFor({ timeout: 30_000 });
    await workbench.runCommand('Mailroom: Unsent Drafts…');
    assert.ok((await workbench.readQuickInputLabels()).includes('Written while signed out'));
    await workbench.screenshot('unsent-drafts');
    await workbench.dismiss();
  });
});
