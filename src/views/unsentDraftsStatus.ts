import type * as vscode from 'vscode';
import type { DraftStore } from '../mail/drafts';
import type { Logger } from '../util/log';
import { StatusItem } from '../ui/surfaces';
import { ui } from '../ui/text';

/**
 * A status bar entry while messages wait unsent (kept after a failure or closed unsent), so a
 * draft is never forgotten after a reload. Clicking it opens Mailroom: Unsent Drafts….
 */
export function showUnsentDrafts(drafts: DraftStore, logger: Logger): vscode.Disposable {
  const item = new StatusItem({
    id: 'mailroom.unsentDrafts',
    name: ui`Mailroom Unsent Drafts`,
    alignment: 'left',
    priority: 10,
    command: 'mailroom.showDrafts',
  });
  const update = async (): Promise<void> => {
    try {
      const count = (await drafts.list()).length;
      if (count > 0) {
        item.show(
          'mail',
          ui`${count} unsent`,
          count === 1 ? ui`One message was not sent yet: retry, edit or discard it` : ui`${count} messages were not sent yet: retry, edit or discard them`,
        );
      } else {
        item.hide();
      }
    } catch (error) {
      logger.error('Could not count unsent drafts', error);
    }
  };
  const subscription = drafts.onDidChange(() => void update());
  // Read after activation has returned: the drafts folder is never touched on the activation path.
  const timer = setTimeout(() => void update(), 0);
  return {
    dispose: () => {
      clearTimeout(timer);
      subscription.dispose();
      item.dispose();
    },
  };
}
