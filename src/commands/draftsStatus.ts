import * as vscode from 'vscode';
import type { DraftStore } from '../mail/drafts';
import type { Logger } from '../util/log';

/**
 * A status bar entry while messages wait unsent (kept after a failure or closed unsent), so a
 * draft is never forgotten after a reload. Clicking it opens Mailroom: Unsent Drafts….
 */
export function showUnsentDrafts(drafts: DraftStore, logger: Logger): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mailroom.unsentDrafts', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Mailroom Unsent Drafts';
  item.command = 'mailroom.showDrafts';
  const update = async (): Promise<void> => {
    try {
      const count = (await drafts.list()).length;
      item.text = `$(mail) ${count} unsent`;
      item.tooltip = count === 1 ? 'One message was not sent yet: retry, edit or discard it' : `${count} messages were not sent yet: retry, edit or discard them`;
      if (count > 0) {
        item.show();
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
