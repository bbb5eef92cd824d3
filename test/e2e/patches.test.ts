// Code by mail in the installed .vsix: a patch series in the INBOX opens as a coloured patch, and Apply
// Series… from the reader applies both parts with git am to the workspace's repository (the one the
// built-in Git extension found), as the person confirms in the editor's dialog.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEMO_SOURCE, DEMO_SOURCE_FILE } from '../stack/fixturePatches';
import { commitAll, git, initRepository } from './gitWorkspace';
import { openMessageBySearch, signInWithDeviceCode } from './mailroom';
import { waitForSendOutcome } from './sendDiagnostics';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

describe('Patches in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({
      name: 'patches',
      stack: { seed: 'fixture' },
      // The test editor turns Git off; here its extension is what finds the workspace's repository.
      settings: { 'git.enabled': true },
      prepareWorkspace: (directory) => {
        fs.writeFileSync(path.join(directory, DEMO_SOURCE_FILE), DEMO_SOURCE);
        initRepository(directory);
        commitAll(directory, 'Start');
      },
    });
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows a part of the series as a coloured patch and applies the whole series from the reader', async () => {
    await workbench.activityBarItem('Mail').click();
    await signInWithDeviceCode(workbench);
    const reader = await openMessageBySearch(workbench.page, 'fibonacci: return nothing');
    await reader.locator('.patch-diff .patch-added', { hasText: 'if (count < 1) {' }).waitFor({ timeout: 30_000 });
    assert.equal(await reader.locator('.patch-hunk').first().textContent(), '@@ -6,3 +6,6 @@ export function greet(name: string): string {\n');
    assert.match((await reader.locator('.reader-header h1').textContent()) ?? '', /fibonacci/);
    // The README's picture of a patch mail (npm run screenshots copies it to media/screenshots/).
    await workbench.screenshot('patch-reader');
    await reader.locator('.patch-actions vscode-button', { hasText: 'Apply Series…' }).click();
    const dialog = workbench.dialog('Apply 2 patches (git am)?');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', /Touches: greet\.ts/);
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await workbench.notification('Applied 2 commits.').waitFor({ timeout: 60_000 });
    const workspace = workbench.server.workspaceDirectory;
    assert.equal(
      git(workspace, 'log', '--format=%an|%s', '-2'),
      'Bob Example|fibonacci: return nothing for a count below one\nBob Example|greet: trim the name before greeting\n',
    );
    assert.match(fs.readFileSync(path.join(workspace, DEMO_SOURCE_FILE), 'utf8'), /name\.trim\(\)/);
  });

  it("sends the workspace's last commit as a patch, which arrives as a patch with its author in the body", async () => {
    // The last commit is Bob's (applied above); alice sends it, to herself so it arrives where she reads.
    const page = workbench.page;
    await workbench.runCommand('Mailroom: Send Commits as Patches…');
    await workbench.pickQuickInputItem('The last commit');
    await page.locator('.quick-input-widget', { hasText: 'Subject prefix' }).waitFor();
    await workbench.answerQuickInput('PATCH v2');
    // Bob's Signed-off-by: trailer: copy him.
    await workbench.dialog('Copy the people the commits name?').locator('.monaco-button', { hasText: 'Copy Them' }).click();
    await page.locator('.quick-input-widget', { hasText: 'To (sendemail.to)' }).waitFor();
    await workbench.answerQuickInput('alice@mailroom.test');
    await page.locator('.quick-input-widget', { hasText: 'Cc (sendemail.cc and trailers)' }).waitFor();
    assert.equal(await page.locator('.quick-input-widget input').inputValue(), 'Bob Example <bob@mailroom.test>');
    await page.locator('.quick-input-widget input').press('Enter');
    const confirm = workbench.dialog('Send the patch to alice@mailroom.test?');
    // Dialog texts show a commit's brackets as parentheses (the ui tag: no Markdown link can form).
    assert.match((await confirm.textContent()) ?? '', /\(PATCH v2\) fibonacci: return nothing for a count below one/);
    await confirm.locator('.monaco-button', { hasText: /^Send$/ }).click();
    await waitForSendOutcome(workbench, 'Sent the patch.', 'PATCH v2', 60_000);

    const reader = await openMessageBySearch(page, 'PATCH v2');
    await reader.locator('.patch-diff .patch-added', { hasText: 'if (count < 1) {' }).waitFor({ timeout: 30_000 });
    assert.match(
      (await reader.locator('.patch-message').textContent()) ?? '',
      /^From: Bob Example <bob@mailroom\.test>\nDate: .+\n\nfibonacci\(0\) returned \[0\]/,
    );
  });
});
