import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { requireAccount } from '../auth/accountApi';
import { formatAddressList } from '../mail/addresses';
import type { DraftStore, StoredDraft } from '../mail/drafts';
import { whereDraftIsKept } from '../mail/drafts';
import { describeSendFailure } from '../mail/outbox';
import type { Outbox, SendOutcome } from '../mail/outbox';
import type { MailAddress, MessageContent, OutgoingAttachment, OutgoingMessage } from '../mail/outgoing';
import type { OriginalMessage, ReplyKind } from '../mail/reply';
import { buildReplyDraft } from '../mail/reply';
import { assertWithinSizeLimit, buildFileContent, buildSelectionContent, estimateMessageBytes } from '../mail/snippet';
import type { CodeSelection } from '../mail/snippet';
import { MailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { askModal, notify, pickOne, withProgress } from '../ui/surfaces';
import { failureText, ui } from '../ui/text';
import type { PreviewDocuments, RecentRecipients } from './sendPrompts';
import { askNote, askSubject, pickAccount, pickRecipients } from './sendPrompts';

/** What the composer opens with: a new message, a reply or forward, or a draft being edited. */
export interface ComposerInit {
  readonly accountId?: string;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  readonly subject: string;
  /** Markdown. */
  readonly body: string;
  readonly attachments: readonly OutgoingAttachment[];
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** The stored draft this edit continues; sending it removes the draft. */
  readonly draft?: StoredDraft;
}

export interface SendCommandsDependencies {
  readonly accounts: MailAccounts;
  readonly outbox: Outbox;
  readonly drafts: DraftStore;
  readonly recent: RecentRecipients;
  readonly previews: PreviewDocuments;
  readonly logger: Logger;
  readonly openComposer: (init: ComposerInit) => void;
  /** Reads the message a reply or forward starts from (IMAP). */
  readonly readOriginal: (accountId: string, folder: string, uid: number) => Promise<OriginalMessage>;
  /** The path of the account's `\Sent` folder, where it has one. */
  readonly sentFolderOf: (account: MailAccount) => Promise<string | undefined>;
}

/** The reader passes this to mailroom.reply / replyAll / forward. */
export interface MessageLocation {
  readonly accountId: string;
  readonly folder: string;
  readonly uid: number;
}

export interface SendSettings {
  readonly maxPerMinute: number;
  readonly maxMessageBytes: number;
  readonly attachInsteadOfInline: boolean;
}

export function sendSettings(): SendSettings {
  const configuration = vscode.workspace.getConfiguration('mailroom.send');
  return {
    maxPerMinute: Math.max(1, configuration.get<number>('maxPerMinute', 10)),
    maxMessageBytes: Math.max(0.1, configuration.get<number>('maxMessageSizeMB', 20)) * 1024 * 1024,
    attachInsteadOfInline: configuration.get<boolean>('attachInsteadOfInline', false),
  };
}

function isMessageLocation(value: unknown): value is MessageLocation {
  const candidate = value as Partial<MessageLocation> | undefined;
  return typeof candidate?.accountId === 'string' && typeof candidate.folder === 'string' && typeof candidate.uid === 'number';
}

/** Whole lines of the primary selection, 1-based; a selection ending at column 0 stops on the line before. */
export function selectedLines(editor: vscode.TextEditor): CodeSelection {
  const { document, selection } = editor;
  const lastLine = selection.end.line > selection.start.line && selection.end.character === 0 ? selection.end.line - 1 : selection.end.line;
  const range = new vscode.Range(selection.start.line, 0, lastLine, document.lineAt(lastLine).text.length);
  return {
    path: workspacePath(document.uri),
    languageId: document.languageId,
    code: document.getText(range),
    startLine: selection.start.line + 1,
    endLine: lastLine + 1,
  };
}

/** Workspace-relative with forward slashes; the folder name is included in multi-root workspaces. */
function workspacePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1).replace(/\\/g, '/');
}

export function registerSendCommands(context: vscode.ExtensionContext, dependencies: SendCommandsDependencies): SendFlows {
  const flows = new SendFlows(dependencies);
  const register = (command: string, handler: (...args: unknown[]) => Promise<void>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        try {
          await handler(...args);
        } catch (error) {
          dependencies.logger.error(`${command} failed`, error);
          void notify('error', failureText(error));
        }
      }),
    );
  };
  register('mailroom.sendSelection', () => flows.sendSelection());
  register('mailroom.sendFile', (uri) => flows.sendFile(uri instanceof vscode.Uri ? uri : undefined));
  register('mailroom.newMessage', () => flows.newMessage());
  register('mailroom.reply', (location) => flows.respond('reply', location));
  register('mailroom.replyAll', (location) => flows.respond('replyAll', location));
  register('mailroom.forward', (location) => flows.respond('forward', location));
  register('mailroom.showDrafts', () => flows.showDrafts());
  context.subscriptions.push(dependencies.previews.register());
  return flows;
}

/** The user-facing send flows; every send goes through {@link SendFlows.deliver}. */
export class SendFlows {
  public constructor(private readonly dependencies: SendCommandsDependencies) {}

  public async sendSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void notify('info', ui`Select the lines to send first.`);
      return;
    }
    const selection = selectedLines(editor);
    const settings = sendSettings();
    const content = buildSelectionContent(selection, { note: '', attachInsteadOfInline: settings.attachInsteadOfInline });
    await this.quickSend(content, (note) => buildSelectionContent(selection, { note, attachInsteadOfInline: settings.attachInsteadOfInline }));
  }

  public async sendFile(uri: vscode.Uri | undefined): Promise<void> {
    const active = vscode.window.activeTextEditor?.document;
    if (!uri && active?.isUntitled) {
      throw new MailroomError('InvalidInput', 'Save the file first, or select its lines and use Send Selection as Mail….');
    }
    const target = uri ?? active?.uri ?? (await pickFile());
    if (!target) {
      return;
    }
    const stat = await vscode.workspace.fs.stat(target);
    if (stat.type & vscode.FileType.Directory) {
      throw new MailroomError('InvalidInput', 'Send File sends one file; pick a file, not a folder.');
    }
    // Refused before reading, so a huge file is never loaded into memory.
    assertWithinSizeLimit(estimateMessageBytes(1024, [stat.size]), sendSettings().maxMessageBytes);
    const path = workspacePath(target);
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === target.toString());
    // An open file with unsaved edits is sent as the user sees it, not as it is on disk.
    const content = open?.isDirty ? new TextEncoder().encode(open.getText()) : await vscode.workspace.fs.readFile(target);
    const languageId = open?.languageId ?? (/\.([A-Za-z0-9]+)$/.exec(path)?.[1].toLowerCase() || 'file');
    const file = { path, languageId, content };
    await this.quickSend(buildFileContent(file, ''), (note) => buildFileContent(file, note));
  }

  public async newMessage(): Promise<void> {
    const account = await pickAccount(this.dependencies.accounts);
    if (account) {
      this.dependencies.openComposer({ accountId: account.id, to: [], cc: [], bcc: [], subject: '', body: '', attachments: [] });
    }
  }

  public async respond(kind: ReplyKind, location: unknown): Promise<void> {
    if (!isMessageLocation(location)) {
      throw new MailroomError('InvalidInput', 'Open a message in the inbox to reply to it or forward it.');
    }
    const account = this.account(location.accountId);
    const original = await withProgress({ where: 'window', title: ui`Mailroom: loading the message` }, () =>
      this.dependencies.readOriginal(location.accountId, location.folder, location.uid),
    );
    const draft = buildReplyDraft(original, kind, account.email);
    this.dependencies.openComposer({
      accountId: account.id,
      to: draft.to,
      cc: draft.cc,
      bcc: [],
      subject: draft.subject,
      body: draft.body,
      attachments: draft.attachments,
      ...(draft.thread.inReplyTo ? { inReplyTo: draft.thread.inReplyTo } : {}),
      references: draft.thread.references,
    });
  }

  /** Unsent drafts (kept after failures): retry, edit or discard. */
  public async showDrafts(): Promise<void> {
    const drafts = await this.dependencies.drafts.list();
    if (drafts.length === 0) {
      void notify('info', ui`No unsent drafts.`);
      return;
    }
    const picked = await pickOne(
      drafts.map((draft) => ({
        label: ui`${draft.message.subject || '(no subject)'}`,
        description: ui`to ${formatAddressList(draft.message.to)}`,
        detail: draft.failure ? ui`${describeSendFailure(draft.failure)}` : ui`Saved draft`,
        draft,
      })),
      { title: ui`Unsent drafts`, placeHolder: ui`Pick a draft to retry, edit or discard` },
    );
    if (!picked) {
      return;
    }
    const actions = { retry: { label: ui`Retry` }, edit: { label: ui`Edit` }, discard: { label: ui`Discard` } };
    const action = await pickOne([actions.retry, actions.edit, actions.discard], { title: picked.label });
    if (action === actions.retry) {
      await this.deliver(this.account(picked.draft.accountId), picked.draft.message, picked.draft);
    } else if (action === actions.edit) {
      this.editDraft(picked.draft);
    } else if (action === actions.discard) {
      await this.dependencies.drafts.discard(picked.draft);
    }
  }

  /**
   * Sends `message` with a progress notification and tells the user the outcome: "Sent" with
   * Show in Sent, or what went wrong with Retry / Edit (the draft is kept either way). The
   * composer shows a failure in its own form, where Send is the retry.
   */
  public async deliver(account: MailAccount, message: OutgoingMessage, previous?: StoredDraft, options: { fromComposer: boolean } = { fromComposer: false }): Promise<SendOutcome> {
    const outcome: SendOutcome = await withProgress(
      { where: 'notification', title: ui`Sending to ${formatAddressList([...message.to, ...message.cc, ...message.bcc])}…` },
      () => this.dependencies.outbox.send(account, message, previous, { confirmResend: ({ searchedSent }) => confirmResend(account, searchedSent) }),
    );
    if (outcome.status === 'failed') {
      if (!options.fromComposer) {
        void this.offerRecovery(account, outcome.error, outcome.draft);
      }
      return outcome;
    }
    await this.dependencies.recent.remember([...message.to, ...message.cc, ...message.bcc].filter((address) => !outcome.refused.includes(address.address)));
    if (outcome.draft) {
      void this.offerRecovery(account, new MailroomError('RecipientRefused', `Sent, but ${account.smtp.host} refused ${outcome.refused.join(', ')}.`), outcome.draft);
      return outcome;
    }
    void this.announceSent(account, message, outcome.alreadySent === true);
    return outcome;
  }

  private async announceSent(account: MailAccount, message: OutgoingMessage, alreadySent: boolean): Promise<void> {
    const showInSent = ui`Show in Sent`;
    const text = alreadySent ? ui`This message had already been sent: it is in Sent, so it was not sent again.` : ui`Sent to ${formatAddressList(message.to)}.`;
    if ((await notify('info', text, showInSent)) === showInSent) {
      await showSentFolder(account, this.dependencies.sentFolderOf);
    }
  }

  private async offerRecovery(account: MailAccount, error: MailroomError, draft: StoredDraft): Promise<void> {
    const signIn = ui`Sign In…`;
    const retry = ui`Retry`;
    const edit = ui`Edit`;
    const buttons = [...(error.code === 'SignInRequired' ? [signIn] : []), retry, edit];
    const choice = await notify('error', ui`${describeSendFailure(error)} ${whereDraftIsKept(draft)}`, ...buttons);
    if (choice === signIn) {
      const signedIn = await this.dependencies.accounts.signIn(account.provider);
      if (signedIn) {
        await this.deliver(signedIn, draft.message, draft);
      }
    } else if (choice === retry) {
      await this.deliver(this.account(draft.accountId), draft.message, draft);
    } else if (choice === edit) {
      this.editDraft(draft);
    }
  }

  private editDraft(draft: StoredDraft): void {
    const { message } = draft;
    this.dependencies.openComposer({
      accountId: draft.accountId,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      subject: message.subject,
      body: message.text,
      attachments: message.attachments,
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
      ...(message.references ? { references: message.references } : {}),
      draft,
    });
  }

  /** Account, recipients, subject, note, preview, send: the quick flow of Send Selection and Send File. */
  private async quickSend(initial: MessageContent, withNote: (note: string) => MessageContent): Promise<void> {
    const account = await pickAccount(this.dependencies.accounts);
    if (!account) {
      return;
    }
    const to = await pickRecipients(await this.dependencies.recent.list());
    if (!to) {
      return;
    }
    const subject = await askSubject(initial.subject);
    if (subject === undefined) {
      return;
    }
    const note = await askNote();
    if (note === undefined) {
      return;
    }
    const message: OutgoingMessage = { ...withNote(note), subject: subject.trim(), from: { address: account.email }, to, cc: [], bcc: [] };
    const decision = await this.dependencies.previews.confirm(account, message);
    if (decision === 'send') {
      await this.deliver(account, message);
    } else if (decision === 'edit') {
      this.dependencies.openComposer({ accountId: account.id, to, cc: [], bcc: [], subject: message.subject, body: message.text, attachments: message.attachments });
    }
  }

  private account(accountId: string): MailAccount {
    return requireAccount(this.dependencies.accounts, accountId);
  }
}

/** A send that may have gone through and is not in Sent is sent again only when the user says so [SEC-32]. */
async function confirmResend(account: MailAccount, searchedSent: boolean): Promise<boolean> {
  const sendAgain = ui`Send Again`;
  const detail = searchedSent
    ? ui`The connection to ${account.smtp.host} was lost after the message was handed over, before the server confirmed it, and it is not in Sent. Sending it again may deliver it twice.`
    : ui`The connection to ${account.smtp.host} was lost after the message was handed over, before the server confirmed it, and Sent could not be searched. Sending it again may deliver it twice.`;
  return (await askModal('warning', ui`This message may already have been sent.`, detail, sendAgain)) === sendAgain;
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Send as Mail', title: 'Send File as Mail' });
  return picked?.[0];
}

/** Opens the account's Sent folder in the inbox view (its `mailroom.showFolder` command). */
async function showSentFolder(account: MailAccount, sentFolderOf: (account: MailAccount) => Promise<string | undefined>): Promise<void> {
  const folder = await sentFolderOf(account);
  if (folder) {
    await vscode.commands.executeCommand('mailroom.showFolder', { accountId: account.id, folder });
  } else {
    await vscode.commands.executeCommand('mailroom.inbox.focus');
  }
}
