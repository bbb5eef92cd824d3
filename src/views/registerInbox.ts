import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MailAccounts, SignOutHooks } from '../auth/accountApi';
import type { MailSessions } from '../mail/connection';
import { EnvelopeCache } from '../mail/envelopeCache';
import type { Logger } from '../util/log';
import { InboxViewProvider } from './inboxView';
import { MessageActions } from './messageActions';
import { MessageSourceDocuments } from './messageSource';
import { ReaderPanel } from './readerPanel';
import { inboxSettings } from './settings';
import { registerShortcutCommands } from './shortcuts';
import { trackContextKeys } from '../ui/contextKeys';

export interface InboxRegistrationDependencies {
  accounts: MailAccounts;
  sessions: MailSessions;
  logger: Logger;
  /** Sign-out runs these before the account's secrets go: connections closed, cache deleted. */
  signOutHooks: SignOutHooks;
}

/**
 * Registers the Inbox view, the reader and their commands. Nothing here loads a mail library:
 * imapflow and mailparser are imported on first use by src/mail.
 */
export function registerInbox(context: vscode.ExtensionContext, deps: InboxRegistrationDependencies): void {
  const cache = new EnvelopeCache(path.join(context.globalStorageUri.fsPath, 'envelopes'), () => inboxSettings().cacheEnabled, deps.logger);
  const actions = new MessageActions(deps.accounts, deps.sessions);
  const sources = new MessageSourceDocuments();
  const reader = new ReaderPanel({ actions, logger: deps.logger, extensionUri: context.extensionUri, globalState: context.globalState, sources });
  const inbox = new InboxViewProvider({ accounts: deps.accounts, sessions: deps.sessions, cache, actions, reader, logger: deps.logger, extensionUri: context.extensionUri });
  context.subscriptions.push(
    inbox,
    reader,
    sources,
    vscode.window.registerWebviewViewProvider(InboxViewProvider.viewId, inbox),
    trackContextKeys(
      { signedIn: { current: () => deps.accounts.list().length > 0, onDidChange: (listener) => deps.accounts.onDidChangeAccounts(listener) }, inboxFocused: inbox.focus, readerFocused: reader.focus },
      (error) => deps.logger.error('Could not update a context key', error),
    ),
    deps.signOutHooks.onWillSignOut((account) => inbox.forgetAccount(account.id)),
    vscode.commands.registerCommand('mailroom.refreshInbox', () => inbox.refresh()),
    vscode.commands.registerCommand('mailroom.searchMail', () => inbox.focusSearch()),
    ...registerShortcutCommands({ inbox, reader }),
    // For other parts of Mailroom (the composer's "Show in Sent"); not in the palette.
    vscode.commands.registerCommand('mailroom.showFolder', (target: { accountId?: unknown; folder?: unknown } | undefined) =>
      typeof target?.accountId === 'string' && typeof target.folder === 'string' ? inbox.showFolder(target.accountId, target.folder) : undefined,
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mailroom.cache.enabled') && !inboxSettings().cacheEnabled) {
        void cache.clear();
      }
      if (event.affectsConfiguration('mailroom.keyboard.singleKeyShortcuts')) {
        inbox.sendAccounts();
      }
    }),
  );
}
