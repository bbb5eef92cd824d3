// Code by mail in the installed .vsix, the whole way round: a branch of three commits goes out as a patch
// series from the Source Control view's title bar, with a cover letter written in the composer (which
// opens with git's shortlog and diffstat); the four mails arrive threaded under the cover letter; and
// Apply Series… in the reader reproduces the branch on a clean clone of its base (same tree, authors,
// dates and messages).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventually } from '../support/windowProcesses';
import { cloneRepository, commitAll, commitsSince, git, headTree, initRepository } from './gitWorkspace';
import { composerField, mailroomFrame, searchInbox, signInWithDeviceCode } from './mailroom';
import { waitForNotification, waitForSendOutcome } from './sendDiagnostics';
import { storedHeaders } from './serverMail';
import type { StoredHeaders } from './serverMail';
import { chooseFromSourceControlTitleMenu } from './sourceControl';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

/** The repository the series is sent from (branch `rounding`, three commits beyond `main`), and a clone of `main`. */
const SENDER = 'ledger';
const CLONE = 'ledger-clone';
const CAROL = { name: 'Carol Example', email: 'carol@mailroom.test' };
const COVER_SUBJECT = '[PATCH 0/3] ledger: totals that add up';
/** Each commit: its message (summary, blank line, body) and the files it writes. */
const COMMITS: { message: string; files: Record<string, string> }[] = [
  {
    message: 'ledger: keep amounts in cents\n\nFloating point sums drift; whole cents do not.\n',
    files: { 'ledger.ts': 'export const entries: number[] = [];\nexport const add = (cents: number): number => entries.push(cents);\n' },
  },
  {
    message: 'ledger: add a total\n\nThe sum of every entry, in cents.\n',
    files: { 'total.ts': "import { entries } from './ledger';\n\nexport const total = (): number => entries.reduce((sum, cents) => sum + cents, 0);\n" },
  },
  {
    message: 'ledger: format totals as euros\n\nTwo decimals, always.\n\nSigned-off-by: Carol Example <carol@mailroom.test>\n',
    files: { 'format.ts': 'export const euros = (cents: number): string => `€${(cents / 100).toFixed(2)}`;\n' },
  },
];
const summaries = COMMITS.map((commit) => commit.message.split('\n')[0] ?? '');
const SUBJECTS = [COVER_SUBJECT, ...summaries.map((summary, index) => `[PATCH ${index + 1}/3] ${summary}`)];

function prepareRepositories(workspace: string): void {
  const sender = path.join(workspace, SENDER);
  initRepository(sender);
  fs.writeFileSync(path.join(sender, 'ledger.ts'), 'export const entries: number[] = [];\n');
  commitAll(sender, 'Start the ledger');
  cloneRepository(sender, path.join(workspace, CLONE));
  git(sender, 'checkout', '-qb', 'rounding');
  for (const [index, commit] of COMMITS.entries()) {
    for (const [file, text] of Object.entries(commit.files)) {
      fs.writeFileSync(path.join(sender, file), text);
    }
    commitAll(sender, commit.message, { ...CAROL, date: `2026-02-0${index + 1}T09:30:00+01:00` });
  }
}

describe('A patch series from the Source Control view, in the installed .vsix', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({
      name: 'patch-series',
      stack: { seed: 'fixture' },
      // The test editor turns Git off; here its extension finds the two repositories and draws their title bars.
      // Nor is it to offer the repository the test run's folder sits in (its question would cover the toasts).
      settings: { 'git.enabled': true, 'git.openRepositoryInParentFolders': 'never', 'mailroom.notifications.newMail': false },
      prepareWorkspace: prepareRepositories,
    });
    await workbench.activityBarItem('Mail').click();
    await signInWithDeviceCode(workbench);
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it("sends the branch's last 3 commits from the repository's title bar, after a cover letter written in the composer", async () => {
    const { page } = workbench;
    await chooseFromSourceControlTitleMenu(workbench, SENDER, 'Send Commits as Patches…');
    await workbench.pickQuickInputItem('The last N commits…');
    await page.locator('.quick-input-widget', { hasText: 'How many commits?' }).waitFor();
    await workbench.answerQuickInput('3');
    await page.locator('.quick-input-widget', { hasText: 'Subject prefix' }).waitFor();
    await workbench.answerQuickInput('PATCH');
    await workbench.dialog('Send 3 patches?').locator('.monaco-button', { hasText: 'With a Cover Letter' }).click();
    // The third commit's Signed-off-by: names Carol; she is not copied here (alice sends to herself).
    await workbench.dialog('Copy the people the commits name?').locator('.monaco-button', { hasText: "Don't Copy" }).click();
    await page.locator('.quick-input-widget', { hasText: 'To (sendemail.to)' }).waitFor();
    await workbench.answerQuickInput('alice@mailroom.test');
    await page.locator('.quick-input-widget', { hasText: 'Cc (sendemail.cc and trailers)' }).waitFor();
    await workbench.answerQuickInput('');

    const composer = await mailroomFrame(page, 'composer');
    const body = composerField(composer, 'body');
    await body.waitFor();
    assert.equal(await composerField(composer, 'subject').inputValue(), '[PATCH 0/3] ');
    const prefilled = await body.inputValue();
    // git's shortlog and diffstat of the three commits, the blurb left to the person.
    assert.ok(prefilled.includes(`Carol Example (3):\n${summaries.map((summary) => `  ${summary}\n`).join('')}`), prefilled);
    assert.match(prefilled, /^ format\.ts +\| 1 \+$/m);
    assert.match(prefilled, /^ 3 files changed, 5 insertions\(\+\)/m);
    assert.doesNotMatch(prefilled, /\*\*\*/);
    await composerField(composer, 'subject').fill(COVER_SUBJECT);
    await body.fill(`Amounts in cents, a total, and euros to show it.\n${prefilled}`);
    await workbench.screenshot('cover-letter');
    await composer.getByRole('button', { name: 'Send' }).click();
    await waitForSendOutcome(workbench, 'Sent all 4 mails of the series.', 'ledger', 90_000);
  });

  it('the four mails arrive threaded under the cover letter, in the Inbox and on the server', async () => {
    const { stack } = workbench;
    assert.ok(stack);
    const alice = stack.users[0]?.email ?? '';
    let stored: StoredHeaders[] = [];
    await eventually(
      async () => {
        stored = await storedHeaders(stack, alice, 'INBOX', 'ledger');
        return stored.length >= SUBJECTS.length;
      },
      60_000,
      "the series in alice's INBOX",
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; there: ${stored.map((headers) => headers.subject).join(' | ')}`);
    });
    assert.deepEqual(stored.map((headers) => headers.subject).sort(), [...SUBJECTS].sort());
    const cover = stored.find((headers) => headers.subject === COVER_SUBJECT);
    assert.ok(cover?.messageId);
    assert.equal(cover.inReplyTo, undefined);
    for (const patch of stored.filter((headers) => headers !== cover)) {
      assert.equal(patch.inReplyTo, cover.messageId, `In-Reply-To of ${patch.subject}`);
      assert.deepEqual(patch.references, [cover.messageId], `References of ${patch.subject}`);
    }

    // Back from the Source Control view (forced: the unread badge covers the icon).
    await workbench.activityBarItem('Mail').click({ force: true });
    const inbox = await searchInbox(workbench.page, 'ledger');
    for (const subject of SUBJECTS) {
      await inbox.locator('.list .row:not(.placeholder)', { hasText: subject }).first().waitFor({ timeout: 30_000 });
    }
    await workbench.screenshot('series-in-inbox');
  });

  it('Apply Series… in the reader reproduces the branch on the clean clone: same tree, authors, dates and messages', async () => {
    const { page } = workbench;
    const workspace = workbench.server.workspaceDirectory;
    const sender = path.join(workspace, SENDER);
    const clone = path.join(workspace, CLONE);
    const inbox = await mailroomFrame(page, 'inbox');
    await inbox.locator('.list .row:not(.placeholder)', { hasText: SUBJECTS[2] }).first().click();
    const reader = await mailroomFrame(page, 'reader');
    await reader.locator('.patch-diff .patch-added', { hasText: 'entries.reduce' }).waitFor({ timeout: 30_000 });
    await reader.locator('.patch-actions vscode-button', { hasText: 'Apply Series…' }).click();
    await page.locator('.quick-input-widget', { hasText: 'Which repository?' }).waitFor();
    // Each repository as the workspace names it: the folder, then the path in it.
    const folder = path.basename(workspace);
    assert.deepEqual((await workbench.readQuickInputLabels()).sort(), [`${folder}/${SENDER}`, `${folder}/${CLONE}`]);
    await workbench.pickQuickInputItem(`${folder}/${CLONE}`);
    const dialog = workbench.dialog('Apply 3 patches (git am)?');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', /Touches: ledger\.ts, total\.ts, format\.ts/);
    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await waitForNotification(workbench, 'Applied 3 commits.', 60_000);

    assert.equal(headTree(clone), headTree(sender));
    assert.equal(commitsSince(clone, 'origin/main'), commitsSince(sender, 'main'));
    assert.match(commitsSince(clone, 'origin/main'), /^Carol Example <carol@mailroom\.test> 2026-02-01T09:30:00\+01:00\nledger: keep amounts in cents\n/);
  });
});
