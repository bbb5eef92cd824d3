import * as vscode from 'vscode';
import type { InboxViewMode } from '../shared/protocol';

export interface InboxSettings {
  /** Rows fetched per page (and shown first when a folder opens). */
  pageSize: number;
  /** A notification when new mail arrives in the watched folder (never for bulk folders). */
  notifyNewMail: boolean;
  /** Envelopes are cached on disk. */
  cacheEnabled: boolean;
  /** Letter keys act in the Inbox and the reader (WCAG 2.1.4: they can be turned off). */
  singleKeyShortcuts: boolean;
  /** One row per message, or one per conversation. */
  viewMode: InboxViewMode;
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
    viewMode: configuration.get<string>('inbox.view', 'messages') === 'conversations' ? 'conversations' : 'messages',
  };
}

/** The Inbox's toggle (title bar, view): sets `mailroom.inbox.view` for every window. */
export async function setInboxViewMode(mode: InboxViewMode): Promise<void> {
  await vscode.workspace.getConfiguration('mailroom').update('inbox.view', mode, vscode.ConfigurationTarget.Global);
}

/** Turning the envelope cache off deletes what it holds: nothing stays on disk. */
export function clearCacheWhenDisabled(clear: () => Promise<void>): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('mailroom.cache.enabled') && !inboxSettings().cacheEnabled) {
      void clear();
    }
  });
}

export interface SendSettings {
  readonly maxPerMinute: number;
  readonly maxMessageBytes: number;
  readonly attachInsteadOfInline: boolean;
  /** Send File puts a text file in the body as a code block instead of attaching it. */
  readonly fileAsInlineCode: boolean;
}

/** The `mailroom.send.*` settings, clamped to sane ranges. */
export function sendSettings(): SendSettings {
  const configuration = vscode.workspace.getConfiguration('mailroom.send');
  return {
    maxPerMinute: Math.max(1, configuration.get<number>('maxPerMinute', 10)),
    maxMessageBytes: Math.max(0.1, configuration.get<number>('maxMessageSizeMB', 20)) * 1024 * 1024,
    attachInsteadOfInline: configuration.get<boolean>('attachInsteadOfInline', false),
    fileAsInlineCode: configuration.get<boolean>('fileAsInlineCode', false),
  };
}
