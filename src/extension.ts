import * as vscode from 'vscode';
import { createLogger } from './util/log';

/** Builds the object graph and registers everything; the mail libraries load on first use. */
export function activate(context: vscode.ExtensionContext): void {
  const { logger, channel } = createLogger(vscode.window);
  context.subscriptions.push(channel);
  context.subscriptions.push(vscode.commands.registerCommand('mailroom.showLog', () => channel.show()));
  logger.info(`Mailroom ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Disposables registered on the context are released by the editor.
}
