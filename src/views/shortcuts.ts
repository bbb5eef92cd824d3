import * as vscode from 'vscode';
import { INBOX_SHORTCUTS, READER_SHORTCUTS } from '../shared/protocol';
import type { InboxProtocol, ReaderProtocol } from '../shared/protocol';
import type { NotificationToWebview } from '../shared/webviewProtocol';

/** Where a shortcut goes: the webview that knows the focused row or the message shown. */
export interface ShortcutTargets {
  readonly inbox: { post(message: NotificationToWebview<InboxProtocol>): void };
  readonly reader: { post(message: NotificationToWebview<ReaderProtocol>): void };
}

/**
 * The commands behind the Inbox's and the reader's keybindings (`mailroom.inbox.reply`,
 * `mailroom.reader.toggleFlag`, …). Keys pressed in a webview reach the editor's keybindings, so the
 * contributed bindings, not the webviews, decide what a key does: a person can see and change them.
 */
export function registerShortcutCommands(targets: ShortcutTargets): vscode.Disposable[] {
  return [
    ...INBOX_SHORTCUTS.map((command) => vscode.commands.registerCommand(`mailroom.inbox.${command}`, () => targets.inbox.post({ type: 'shortcut', command }))),
    ...READER_SHORTCUTS.map((action) => vscode.commands.registerCommand(`mailroom.reader.${action}`, () => targets.reader.post({ type: 'shortcut', action }))),
  ];
}
