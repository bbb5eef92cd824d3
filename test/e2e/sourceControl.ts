// The Source Control view as a person uses it: a repository's title bar and the entries extensions add to it.
import type { Workbench } from './workbench';
import { exactly } from './workbench';

/**
 * Chooses the entry titled `title` from the "…" (More Actions) menu of `repository`'s title bar in the Source
 * Control view (opened first). With several repositories the view lists each under its own title row, whose
 * toolbar holds what the `scm/title` menu contributes for it: the `navigation` group as icons, every other
 * group (Mailroom's among them) in that menu.
 */
export async function chooseFromSourceControlTitleMenu(workbench: Workbench, repository: string, title: string): Promise<void> {
  const { page } = workbench;
  await workbench.dismiss();
  const view = page.locator('.scm-view').filter({ visible: true });
  if ((await view.count()) === 0) {
    await workbench.activityBarItem('Source Control').click();
  }
  // The Git extension finds the repositories after the view is drawn: wait for the row.
  const row = page
    .locator('.scm-view .monaco-list-row')
    .filter({ has: page.locator('.scm-provider .name', { hasText: exactly(repository) }), visible: true })
    .first();
  await row.waitFor({ timeout: 60_000 });
  // The row's toolbar is drawn while the pointer is over the row.
  await row.hover();
  await row.locator('.scm-provider .actions .action-label[aria-label="More Actions..."]').click();
  await workbench.chooseMenuItem(title);
}
