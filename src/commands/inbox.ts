import * as vscode from 'vscode';
import type { InboxNavigation } from '../services/inboxNavigation';
import { setInboxViewMode } from '../services/settings';

/** The Inbox view's title-bar and palette commands. */
export function registerInboxCommands(inbox: InboxNavigation): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailroom.refreshInbox', () => inbox.refresh()),
    vscode.commands.registerCommand('mailroom.searchMail', () => inbox.focusSearch()),
    vscode.commands.registerCommand('mailroom.showConversations', () => setInboxViewMode('conversations')),
    vscode.commands.registerCommand('mailroom.showMessages', () => setInboxViewMode('messages')),
  ];
}
