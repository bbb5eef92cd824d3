// Mailroom in Restricted Mode: workspace trust is on and the opened folder is not trusted. An extension that
// does not declare `capabilities.untrustedWorkspaces` is disabled there, with no Mail icon and no commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from '../editor/paths';
import { openWorkbench } from './workbench';
import type { Workbench } from './workbench';

const { version } = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };

describe('Mailroom in an untrusted workspace (Restricted Mode)', function () {
  this.timeout(120_000);
  let workbench: Workbench;

  before(async () => {
    // No startup prompt: the folder stays untrusted, as when a person chooses "Don't Trust".
    workbench = await openWorkbench({
      name: 'restricted-mode',
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
    });
  });

  afterEach(async function () {
    await workbench?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('runs in Restricted Mode (the positive control: the folder is untrusted)', async () => {
    await workbench.page.locator('.part.statusbar', { hasText: /Restricted Mode/ }).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('activates Mailroom there (Mailroom: Show Log shows its start line)', async () => {
    await workbench.activityBarItem('Mail').waitFor({ state: 'visible' });
    await workbench.runCommand('Mailroom: Show Log');
    const output = workbench.page.locator('.part.panel .monaco-editor .view-lines');
    const startLine = new RegExp(`Mailroom\\s${version.replace(/\./g, '\\.')}\\sactivated`);
    await output.filter({ hasText: startLine }).waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('restricted-mode-log');
  });
});
