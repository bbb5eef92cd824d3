// What a person sees right after installing the packaged Mailroom: the Mail icon, the Inbox view, the
// commands in the palette.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from '../editor/paths';
import { mailroomFrame } from './mailroom';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

interface Manifest {
  version: string;
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: { commandPalette?: { command: string; when?: string }[] };
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as Manifest;

/** "Mailroom: Sign In…" for every contributed command the palette shows without a special context. */
function paletteLabels(): string[] {
  const contextual = new Set((manifest.contributes.menus.commandPalette ?? []).filter((entry) => entry.when).map((entry) => entry.command));
  return manifest.contributes.commands.filter(({ command }) => !contextual.has(command)).map(({ category, title }) => `${category}: ${title}`);
}

describe('First look at the installed .vsix', function () {
  this.timeout(120_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ name: 'first-look' });
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the Mail icon in the activity bar', async () => {
    const mail = workbench.activityBarItem('Mail');
    await mail.waitFor({ state: 'visible' });
    await workbench.screenshot('activity-bar');
  });

  it('opens the Inbox view when the Mail icon is clicked', async () => {
    await workbench.activityBarItem('Mail').click();
    const sideBar = workbench.page.locator('.part.sidebar');
    await sideBar.locator('.composite.title', { hasText: /mail/i }).waitFor({ state: 'visible' });
    await sideBar
      .locator('.pane-header', { hasText: /inbox/i })
      .or(sideBar.locator('.composite.title', { hasText: /inbox/i }))
      .first()
      .waitFor({ state: 'visible' });
    const inbox = await mailroomFrame(workbench.page, 'inbox');
    await inbox.locator('body').filter({ hasText: /\S/ }).waitFor({ state: 'visible' });
    await workbench.screenshot('inbox-view');
  });

  it('lists the Mailroom commands in the command palette', async () => {
    const listed = await workbench.listCommands('Mailroom');
    await workbench.screenshot('command-palette');
    await workbench.dismiss();
    const expected = paletteLabels();
    assert.ok(expected.length > 0);
    assert.deepEqual(
      expected.filter((label) => !listed.includes(label)),
      [],
      `palette listed: ${listed.join(' | ')}`,
    );
  });

  it('activates the installed extension (Mailroom: Show Log shows its start line)', async () => {
    await workbench.runCommand('Mailroom: Show Log');
    const output = workbench.page.locator('.part.panel .monaco-editor .view-lines');
    // The editor renders spaces as no-break spaces; \s matches both.
    const startLine = new RegExp(`Mailroom\\s${manifest.version.replace(/\./g, '\\.')}\\sactivated`);
    await output.filter({ hasText: startLine }).waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('show-log');
  });
});
