import * as vscode from 'vscode';
import { createLogger } from './util/log';
import { registerAuthentication } from './auth/registration';
import { registerAccountCommands } from './commands/account';
import { registerSending } from './commands/registerSending';
import { MailSessions } from './mail/connection';
import { registerInbox } from './views/registerInbox';

/** Builds the object graph and registers everything; the mail libraries load on first use. */
export function activate(context: vscode.ExtensionContext): void {
  const { logger, channel } = createLogger(vscode.window);
  context.subscriptions.push(channel);
  context.subscriptions.push(vscode.commands.registerCommand('mailroom.showLog', () => channel.show()));
  const accounts = registerAuthentication(context, logger);
  context.subscriptions.push(...registerAccountCommands(accounts));
  // One supervised IMAP session per account, shared by the inbox and the composer.
  const sessions = new MailSessions({ accounts, logger });
  context.subscriptions.push({ dispose: () => void sessions.dispose() });
  registerInbox(context, { accounts, sessions, logger, signOutHooks: accounts });
  registerSending(context, { accounts, sessions, logger });
  logger.info(`Mailroom ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Disposables registered on the context are released by the editor.
}
