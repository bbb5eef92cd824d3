import * as vscode from 'vscode';

export interface InboxSettings {
  /** Rows fetched per page (and shown first when a folder opens). */
  pageSize: number;
  /** A notification when new mail arrives in the watched folder (never for bulk folders). */
  notifyNewMail: boolean;
  /** Envelopes are cached on disk. */
  cacheEnabled: boolean;
  /** Letter keys act in the Inbox and the reader (WCAG 2.1.4: they can be turned off). */
  singleKeyShortcuts: boolean;
}

/** The `mailroom.*` settings the inbox reads, clamped to sane ranges. */
export function inboxSettings(): InboxSettings {
  const configuration = vscode.workspace.getConfiguration('mailroom');
  const pageSize = configuration.get<number>('inbox.pageSize', 50);
  return {
    pageSize: Number.isFinite(pageSize) ? Math.min(200, Math.max(10, Math.round(pageSize))) : 50,
    notifyNewMail: configuration.get<boolean>('notifications.newMail', true),
    cacheEnabled: configuration.get<boolean>('cache.enabled', true),
    singleKeyShortcuts: configuration.get<boolean>('keyboard.singleKeyShortcuts', true),
  };
}
