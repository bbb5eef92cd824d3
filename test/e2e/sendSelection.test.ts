// Sending code the way a person does it, in the installed .vsix: select lines in a file, run
// "Mailroom: Send Selection as Mail…" from the palette, answer its questions, look at the preview,
// send, and see the mail arrive in the Inbox view (alice sends to herself) and at the SMTP server, and
// its copy in Sent.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mailroomFrame, signInWithDeviceCode } from './mailroom';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

const SOURCE = Array.from({ length: 12 }, (_unused, index) => `export const line${index + 1} = \`value ${index + 1}\`;`).join('\n') + '\n';

describe('Send Selection as Mail in the installed .vsix', function () {
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
    if (this.currentTest?.state === 'failed') {
      await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  after(async () => {
    await workbench?.close();
  });

  it('sends lines 3–5 of src/lines.ts from the palette, and the mail arrives in the Inbox view', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;

    // Open the file and select lines 3 to 5 with the keyboard.
    await workbench.dismiss();
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('lines.ts');
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
    await workbench.screenshot('preview');
    // "Send" is the first choice of the preview's question, so Enter sends.
    await page.locator('.quick-input-widget', { hasText: 'exactly what will be sent' }).waitFor();
    await page.keyboard.press('Enter');

    await workbench.notification(`Sent to ${alice}.`).waitFor({ timeout: 30_000 });
    await workbench.screenshot('sent');

    // What the SMTP server received: the fenced block with language, path and line range.
    const submitted = stack.submissions.find((submission) => submission.raw.toString('utf8').includes('Subject: src/lines.ts:L3-L5'));
    assert.ok(submitted, 'the SMTP server received the message');
    assert.deepEqual(submitted.to, [alice]);
    const raw = submitted.raw.toString('utf8');
    assert.match(raw, /multipart\/alternative/);
    assert.match(raw, /Could you look at these three lines\?/);

    // And the Inbox view shows it (new mail arrives over IDLE).
    const inbox = await mailroomFrame(page, 'inbox');
    await inbox.locator('.list .row .subject', { hasText: 'src/lines.ts:L3-L5' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('arrived');

    // "Show in Sent" opens the Sent folder, where Mailroom filed its copy.
    await workbench.notification(`Sent to ${alice}.`).locator('.monaco-button', { hasText: 'Show in Sent' }).click();
    await inbox.locator('vscode-single-select[aria-label="Folder"]', { hasText: 'Sent' }).waitFor({ timeout: 30_000 });
    await inbox.locator('.list .row .subject', { hasText: 'src/lines.ts:L3-L5' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('in-sent');
  });

  it('New Message opens the composer; its Markdown body goes out as text and HTML', async () => {
    const { page, stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0].email;
    await workbench.runCommand('Mailroom: New Message');
    const composer = await mailroomFrame(page, 'composer');
    await composer.locator('#to').fill(alice);
    await composer.locator('#subject').fill('Composer check ✓');
    await composer.locator('#body').fill('Hello **Alice**\n\n```js\nconst x = 1;\n```\n');
    await workbench.screenshot('composer');
    await composer.getByRole('button', { name: 'Send' }).click();
    await workbench.notification(`Sent to ${alice}.`).waitFor({ timeout: 30_000 });
    const submitted = stack.submissions.find((submission) => /Subject: =\?UTF-8\?/i.test(submission.raw.toString('utf8')) && submission.raw.toString('utf8').includes('Hello **Alice**'));
    assert.ok(submitted, 'the SMTP server received the composed message');
    const raw = submitted.raw.toString('utf8');
    assert.match(raw, /Hello <strong>Alice<\/strong>/);
    assert.match(raw, /<code class=3D"language-js">|<code class="language-js">/);
  });
});
