import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { MailAccounts } from '../auth/accountApi';
import { findAccount, requireAccount } from '../auth/accountApi';
import { DraftStore } from '../mail/drafts';
import { ImapDraftsFolder } from '../mail/draftsFolder';
import { appendToSpecialUse, findSpecialUse } from '../mail/folders';
import { specialUseHoldsMessageId } from '../mail/mailbox';
import { readOriginalMessage } from '../mail/original';
import { Outbox } from '../mail/outbox';
import { SendRateLimiter } from '../mail/sendRateLimiter';
import { SmtpSender } from '../mail/sender';
import type { MailSessions } from '../mail/connection';
import type { Logger } from '../util/log';
import { ComposerPanels } from '../views/composer';
import { trackContextKeys } from '../ui/contextKeys';
import { showUnsentDrafts } from './draftsStatus';
import { registerSendCommands, sendSettings } from './send';
import { PreviewDocuments, RecentRecipients } from './sendPrompts';

export interface SendingRegistrationDependencies {
  readonly accounts: MailAccounts;
  readonly sessions: MailSessions;
  readonly logger: Logger;
}

/**
 * Builds the sending side (sender, rate limit, draft store, outbox, composer) and registers its
 * commands. Nothing here loads nodemailer, mailparser or markdown-it: they load on first send.
 */
export function registerSending(context: vscode.ExtensionContext, deps: SendingRegistrationDependencies): void {
  const { accounts, sessions, logger } = deps;
  const sessionOf = (accountId: string): ReturnType<MailSessions['get']> => sessions.get(requireAccount(accounts, accountId));
  const drafts = new DraftStore(path.join(context.globalStorageUri.fsPath, 'drafts'), logger, new ImapDraftsFolder((accountId) => findAccount(accounts, accountId), (account) => sessions.get(account)));
  const sender = new SmtpSender({
    accounts,
    logger,
    rateLimiter: new SendRateLimiter(() => sendSettings().maxPerMinute),
    maxMessageBytes: () => sendSettings().maxMessageBytes,
  });
  const outbox = new Outbox({
    sender,
    drafts,
    logger,
    fileInSent: async (account, raw) => void (await appendToSpecialUse(sessions.get(account), '\\Sent', raw, ['\\Seen'])),
    findInSent: (account, messageId) => specialUseHoldsMessageId(sessions.get(account), '\\Sent', messageId),
  });
  // The composer sends through the flows (progress, outcome); the flows open the composer.
  const composer = new ComposerPanels({ accounts, drafts, logger, extensionUri: context.extensionUri, deliver: (...args) => flows.deliver(...args) });
  const flows = registerSendCommands(context, {
    accounts,
    outbox,
    drafts,
    recent: new RecentRecipients(context.globalState),
    previews: new PreviewDocuments(),
    logger,
    openComposer: (init) => composer.show(init),
    readOriginal: (accountId, folder, uid) => readOriginalMessage(sessionOf(accountId), folder, uid),
    sentFolderOf: async (account) => findSpecialUse(await sessions.get(account).folders(), '\\Sent')?.path,
  });
  context.subscriptions.push(
    composer,
    showUnsentDrafts(drafts, logger),
    trackContextKeys({ hasDrafts: { current: async () => (await drafts.list()).length > 0, onDidChange: (listener) => drafts.onDidChange(listener) } }, (error) => logger.error('Could not count unsent drafts', error)),
  );
}
