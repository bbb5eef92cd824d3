import type * as vscode from 'vscode';
import { unreadCount } from '../mail/mailbox';
import type { MailSession } from '../mail/connection';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import { inboxViewId } from '../services/inboxNavigation';
import { StatusItem } from '../ui/surfaces';
import { ui } from '../ui/text';

export interface UnreadBadgeDependencies {
  readonly logger: Logger;
  /** The folder the view shows, if any. */
  readonly selection: () => { accountId: string; folder: string } | undefined;
  readonly session: (accountId: string) => MailSession;
  /** The view's badge, while the view exists. */
  readonly setBadge: (badge: vscode.ViewBadge | undefined) => void;
  /** A fresh count, for the folder picker to show the same number. */
  readonly counted: (accountId: string, folder: string, unread: number) => void;
}

/** The Inbox view's badge and the status-bar item: the unread count of the selected folder. */
export class UnreadBadge implements vscode.Disposable {
  private readonly statusBar = new StatusItem({
    id: 'mailroom.unread',
    name: ui`Mailroom unread mail`,
    alignment: 'right',
    priority: 100,
    command: `${inboxViewId}.focus`,
  });
  private timer: ReturnType<typeof setTimeout> | undefined;

  public constructor(private readonly deps: UnreadBadgeDependencies) {}

  /** Debounced, so a burst of changes costs one STATUS. */
  public schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), 300);
  }

  /** No account is signed in: nothing to count. */
  public clear(): void {
    this.statusBar.hide();
    this.deps.setBadge(undefined);
  }

  public dispose(): void {
    clearTimeout(this.timer);
    this.statusBar.dispose();
  }

  private async update(): Promise<void> {
    const selection = this.deps.selection();
    if (!selection) {
      return;
    }
    const { accountId, folder } = selection;
    try {
      const unread = await unreadCount(this.deps.session(accountId), folder);
      const tooltip = ui`${unread} unread in ${folder}`;
      this.deps.setBadge(unread > 0 ? { value: unread, tooltip: tooltip.value } : undefined);
      this.deps.counted(accountId, folder, unread);
      if (unread > 0) {
        this.statusBar.show('mail', ui`${unread}`, tooltip);
      } else {
        this.statusBar.hide();
      }
    } catch (error) {
      this.deps.logger.debug(`Unread count not updated: ${describeError(error)}`);
    }
  }
}
