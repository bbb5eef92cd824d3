/** The Inbox view's id in package.json; the editor gives the view a `<id>.focus` command of its own. */
export const inboxViewId = 'mailroom.inbox';

/** Moves the Inbox view; implemented by the view, called by commands and by other features. */
export interface InboxNavigation {
  /** Selects one folder of one account and reveals the view (the composer's "Show in Sent"). */
  showFolder(accountId: string, folder: string): Promise<void>;
  /** Reveals the view as it is. */
  reveal(): Promise<void>;
  /** Fetches the folder list and the open folder again. */
  refresh(): void;
  /** Reveals the view with its search box focused. */
  focusSearch(): Promise<void>;
}
