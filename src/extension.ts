import * as path from 'node:path';
import * as vscode from 'vscode';
import { systemClock } from './util/clock';
import { createLogger } from './util/log';
import type { AccountService } from './auth/accountService';
import { registerAuthentication } from './auth/registration';
import type { UriCallbacks } from './services/windowSharing';
import { registerAccountCommands } from './commands/account';
import { registerCheckAccountCommand } from './commands/checkAccount';
import { registerInboxCommands } from './commands/inbox';
import { registerPatchCommands } from './commands/patches';
import { registerSendCommands } from './commands/send';
import { MailSessions } from './mail/connection';
import { AccountCheck } from './services/accountCheck';
import { Composing } from './services/composing';
import { MailLayer } from './services/mailLayer';
import { MessageActions } from './services/messageActions';
import { joinWindowGroup } from './services/windowSharing';
import { PatchesIn } from './services/patchesIn';
import { PatchesOut } from './services/patchesOut';
import { createOutbox, drainOutboxPeriodically } from './services/outboxWiring';
import { SharedOutboxQueue } from './windows/sharedOutbox';
import { SharedSendLedger } from './windows/sharedSendLedger';
import { QuickSend } from './services/quickSend';
import { PreviewDocuments, RecentRecipients } from './services/sendPrompts';
import { Sending } from './services/sending';
import { clearCacheWhenDisabled, inboxSettings } from './services/settings';
import { trackContextKeys } from './ui/contextKeys';
import { CheckReportView } from './views/checkReportView';
import { ComposerPanels } from './views/composer';
import { registerSetupCommands, showFailureWithFixes } from './setup/registerSetup';
import { gitRepositories } from './views/gitRepositories';
import { registerInbox } from './views/registerInbox';
import { showUnsentDrafts } from './views/unsentDraftsStatus';
import { placeholdersOf, useTranslator } from './ui/text';

/**
 * Builds the object graph and registers everything; the mail libraries load on first use. Services
 * (src/services) hold the features; views and commands call them.
 */
export function activate(context: vscode.ExtensionContext): void {
  // First, so every text built from here on is in the editor's display language (l10n/bundle.l10n.<language>.json).
  useTranslator((message) => vscode.l10n.t(message, ...placeholdersOf(message)));
  const { logger, channel } = createLogger(vscode.window);
  context.subscriptions.push(channel);
  context.subscriptions.push(vscode.commands.registerCommand('mailroom.showLog', () => channel.show()));
  // A failed sign-in offers Check Account, which is built on the account service sign-in returns.
  const { accounts, callbacks }: { accounts: AccountService; callbacks: UriCallbacks } = registerAuthentication(
    context,
    logger,
    () => checking,
    showFailureWithFixes(
      () => accounts,
      () => checking,
    ),
  );
  const reports = new CheckReportView();
  const checking = new AccountCheck({ accounts, logger, clock: systemClock, showReport: (markdown) => reports.show(markdown) });
  context.subscriptions.push(...registerAccountCommands(accounts), reports, registerCheckAccountCommand(checking));
  context.subscriptions.push(...registerSetupCommands(accounts));
  const storage = context.globalStorageUri.fsPath;
  // The profile's windows share one IMAP session per account: the window holding the lease keeps the
  // connections, the others relay through it (src/windows, README "Several windows").
  const windows = joinWindowGroup({ directory: path.join(storage, 'windows'), accounts, sessions: () => sessions, callbacks, logger });
  // One supervised IMAP session per account, shared by the inbox and the composer.
  const sessions = new MailSessions({ accounts, logger, relay: windows });
  context.subscriptions.push(
    windows,
    vscode.window.onDidChangeWindowState((state) => windows.focusChanged(state.focused)),
  );
  windows.focusChanged(vscode.window.state.focused);
  windows.start();
  const mail = new MailLayer({
    accounts,
    sessions,
    signOutHooks: accounts,
    cacheDirectory: path.join(storage, 'envelopes'),
    cacheEnabled: () => inboxSettings().cacheEnabled,
    logger,
    announcesNewMail: () => windows.announcesNewMail,
  });
  context.subscriptions.push(
    { dispose: () => void sessions.dispose() },
    mail,
    clearCacheWhenDisabled(() => mail.cache.clear()),
  );
  const outboxQueue = new SharedOutboxQueue(path.join(storage, 'outbox'), logger);
  const { drafts, outbox, sentFolderOf } = createOutbox({
    accounts,
    mail,
    logger,
    draftsDirectory: path.join(storage, 'drafts'),
    // Global storage is shared by every window of the profile: the send limit holds across them, and a
    // send queued in a window that closes is sent by another (README "Several windows").
    sendLedger: new SharedSendLedger(path.join(storage, 'sends')),
    queue: outboxQueue,
  });
  const recent = new RecentRecipients(context.globalState);
  const previews = new PreviewDocuments();
  // A composer sends through `sending`, and sending's "Show in Sent" needs the inbox, which needs the
  // composer for Reply: the composer reaches `sending` when it sends, long after it exists.
  const composer = new ComposerPanels({ accounts, drafts, logger, extensionUri: context.extensionUri, deliver: (...args) => sending.deliver(...args) });
  const composing = new Composing({ accounts, composer, mail });
  const patchesOut = new PatchesOut({ accounts, composing, sending: { deliver: (...args) => sending.deliver(...args) }, repositories: gitRepositories });
  const patchesIn = new PatchesIn({ mail, repositories: patchesOut, logger });
  const inbox = registerInbox(context, { accounts, mail, actions: new MessageActions(mail, composing, patchesIn), checking, logger });
  const sending: Sending = new Sending({ accounts, outbox, drafts, recent, composing, inbox, checking, sentFolderOf });
  const quickSend = new QuickSend({ accounts, recent, previews, sending, composing });
  context.subscriptions.push(drainOutboxPeriodically({ queue: outboxQueue, outbox, accounts, logger, report: (sent) => void sending.reportLeftBehind(sent) }));
  context.subscriptions.push(
    composer,
    previews.register(),
    showUnsentDrafts(drafts, logger),
    trackContextKeys(
      { hasDrafts: { current: async () => (await drafts.list()).length > 0, onDidChange: (listener) => drafts.onDidChange(listener) } },
      (error) => logger.error('Could not count unsent drafts', error),
    ),
    ...registerInboxCommands(inbox),
    ...registerSendCommands({ quickSend, composing, sending, logger }),
    ...registerPatchCommands(patchesOut, logger),
  );
  logger.info(`Mailroom ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Disposables registered on the context are released by the editor.
}
