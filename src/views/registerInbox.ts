import * as vscode from 'vscode';
import type { MailAccounts } from '../auth/accountApi';
import { inboxViewId } from '../services/inboxNavigation';
import type { AccountChecking } from '../services/accountChecking';
import type { MailLayer } from '../services/mailLayer';
import type { MessageActions } from '../services/messageActions';
import { trackContextKeys } from '../ui/contextKeys';
import type { Logger } from '../util/log';
import { InboxViewProvider } from './inboxView';
import { MessageSourceDocuments } from './messageSource';
import { ReaderPanel } from './readerPanel';
import { SnippetActions } from './snippetActions';
import { registerShortcutCommands } from './shortcuts';

export interface InboxRegistrationDependencies {
  readonly accounts: MailAccounts;
  readonly mail: MailLayer;
  readonly actions: MessageActions;
  readonly checking: AccountChecking;
  readonly logger: Logger;
}

/**
 * Registers the Inbox view and the reader, their shortcut commands and the context keys they decide,
 * and returns the view. Nothing here loads a mail library: imapflow and mailparser are imported on
 * first use by src/mail.
 */
export function registerInbox(context: vscode.ExtensionContext, deps: InboxRegistrationDependencies): InboxViewProvider {
  const sources = new MessageSourceDocuments();
  const snippets = new SnippetActions();
  const reader = new ReaderPanel({
    actions: deps.actions,
    logger: deps.logger,
    extensionUri: context.extensionUri,
    globalState: context.globalState,
    sources,
    snippets,
  });
  const inbox = new InboxViewProvider({
    accounts: deps.accounts,
    mail: deps.mail,
    actions: deps.actions,
    checking: deps.checking,
    reader,
    logger: deps.logger,
    extensionUri: context.extensionUri,
  });
  context.subscriptions.push(
    inbox,
    reader,
    sources,
    snippets,
    // Kept while another view is shown: coming back shows the list as it was, at once, rather than loading the
    // view again (in code-server a new webview waits a second for its service worker, and one closed while it
    // loads holds every other webview for 30 s). The list keeps at most a few dozen rows in its DOM.
    vscode.window.registerWebviewViewProvider(inboxViewId, inbox, { webviewOptions: { retainContextWhenHidden: true } }),
    trackContextKeys(
      {
        signedIn: { current: () => deps.accounts.list().length > 0, onDidChange: (listener) => deps.accounts.onDidChangeAccounts(listener) },
        inboxFocused: inbox.focus,
        readerFocused: reader.focus,
      },
      (error) => deps.logger.error('Could not update a context key', error),
    ),
    ...registerShortcutCommands({ inbox, reader }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mailroom.keyboard.singleKeyShortcuts') || event.affectsConfiguration('mailroom.inbox.view')) {
        inbox.sendAccounts();
      }
    }),
  );
  return inbox;
}
