import * as vscode from 'vscode';
import type { MailAccounts } from '../auth/accountApi';
import { loadCodeColouring } from '../mail/codeHtml';
import type { MessageContent, OutgoingMessage } from '../mail/outgoing';
import { assertWithinSizeLimit, buildFileContent, buildSelectionContent, estimateMessageBytes } from '../mail/snippet';
import type { CodeSelection } from '../mail/snippet';
import { MailroomError } from '../util/errors';
import { notify } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { Composing } from './composing';
import type { Sending } from './sending';
import type { PreviewDocuments, RecentRecipients } from './sendPrompts';
import { askNote, askSubject, pickAccount, pickRecipients } from './sendPrompts';
import { sendSettings } from './settings';

export interface QuickSendDependencies {
  readonly accounts: MailAccounts;
  readonly recent: RecentRecipients;
  readonly previews: PreviewDocuments;
  readonly sending: Pick<Sending, 'deliver'>;
  /** Where Edit in Composer… continues. */
  readonly composing: Pick<Composing, 'open'>;
}

/** Send Selection and Send File: code from the editor, mailed in a few prompts without a composer. */
export class QuickSend {
  public constructor(private readonly deps: QuickSendDependencies) {}

  public async sendSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void notify('info', ui`Select the lines to send first.`);
      return;
    }
    const selection = selectedLines(editor);
    const { attachInsteadOfInline } = sendSettings();
    const colours = attachInsteadOfInline ? undefined : await loadCodeColouring();
    const content = buildSelectionContent(selection, { note: '', attachInsteadOfInline, colours });
    await this.send(content, (note) => buildSelectionContent(selection, { note, attachInsteadOfInline, colours }));
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
    const inline = sendSettings().fileAsInlineCode;
    const colours = inline ? await loadCodeColouring() : undefined;
    await this.send(buildFileContent(file, '', { inline, colours }), (note) => buildFileContent(file, note, { inline, colours }));
  }

  /** Account, recipients, subject, note, preview, send. */
  private async send(initial: MessageContent, withNote: (note: string) => MessageContent): Promise<void> {
    const account = await pickAccount(this.deps.accounts);
    if (!account) {
      return;
    }
    const to = await pickRecipients(await this.deps.recent.list());
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
    const decision = await this.deps.previews.confirm(account, message);
    if (decision === 'send') {
      await this.deps.sending.deliver(account, message);
    } else if (decision === 'edit') {
      this.deps.composing.open({ accountId: account.id, to, cc: [], bcc: [], subject: message.subject, body: message.text, attachments: message.attachments });
    }
  }
}

/** Whole lines of the primary selection, 1-based; a selection ending at column 0 stops on the line before. */
function selectedLines(editor: vscode.TextEditor): CodeSelection {
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

async function pickFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: ui`Send as Mail`.value, title: ui`Send File as Mail`.value });
  return picked?.[0];
}
