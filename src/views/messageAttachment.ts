import * as os from 'node:os';
import { Writable } from 'node:stream';
import * as vscode from 'vscode';
import type { MailSession } from '../mail/connection';
import type { AttachmentPart } from '../mail/message';
import { streamAttachment, textAttachmentOpenCap } from '../mail/message';
import type { MessageRef } from '../shared/protocol';
import { opensAsText } from '../shared/protocol';
import { notify } from '../ui/surfaces';
import { ui } from '../ui/text';
import { fileDestination, saveAttachmentAs } from './attachmentSave';

/** One attachment of the message in the reader, and what the reader's Save and Open do with it. */
export class MessageAttachment {
  public constructor(
    private readonly session: MailSession,
    private readonly ref: MessageRef,
    private readonly attachment: AttachmentPart,
  ) {}

  /** Save As through the dialog (see {@link saveAttachmentAs}) [SEC-29]. */
  public async save(): Promise<void> {
    const { attachment } = this;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await saveAttachmentAs(this.session, this.ref, attachment, {
      chooseTarget: (name) =>
        vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, name), title: ui`Save Attachment`.value, saveLabel: ui`Save`.value }),
      open: (chosen) => {
        if (chosen.scheme === 'file') {
          return fileDestination(chosen.fsPath);
        }
        const collected = collectInMemory();
        return {
          sink: collected.sink,
          commit: () => Promise.resolve(vscode.workspace.fs.writeFile(chosen, collected.bytes())),
          discard: () => Promise.resolve(),
        };
      },
    });
    if (!target) {
      return;
    }
    void notify('info', ui`Saved ${attachment.filename}.`);
  }

  /** Text attachments open in an untitled editor (never executed, never written to disk); others are saved. */
  public async open(): Promise<void> {
    const { attachment } = this;
    if (!opensAsText(attachment.contentType)) {
      await this.save();
      return;
    }
    const collected = collectInMemory();
    await streamAttachment(this.session, this.ref, attachment, collected.sink, textAttachmentOpenCap);
    // An untitled document named after the attachment: the editor picks its language from the name,
    // and nothing is written anywhere until the person saves it.
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: attachment.filename }));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), new TextDecoder('utf-8').decode(collected.bytes()));
    await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(document, { preview: true });
  }
}

function collectInMemory(): { sink: Writable; bytes: () => Uint8Array } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}
