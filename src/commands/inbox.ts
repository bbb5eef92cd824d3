import * as vscode from 'vscode';
import type { InboxNavigation } from '../services/inboxNavigation';

/** The Inbox view's title-bar and palette commands. */
export function registerInboxCommands(inbox: InboxNavigation): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailroom.refreshInbox', () => inbox.refresh()),
    vscode.commands.registerCommand('mailroom.searchMail', () => inbox.focusSearch()),
  ];
}
