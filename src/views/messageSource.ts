import * as vscode from 'vscode';
import { ui } from '../ui/text';
import { loadCharsetDecoder } from '../mail/transferDecoding';
import { ReadOnlyDocuments } from './readOnlyDocuments';

/**
 * View Source: a message's source in a read-only virtual document, as plain text. Nothing in it is
 * interpreted: no language of its own, no links run, nothing written to disk.
 */
export class MessageSourceDocuments implements vscode.Disposable {
  private readonly documents = new ReadOnlyDocuments(
    'mailroom-source',
    ui`This source is no longer open. Open it again with View Source in the message.`.value,
  );
  private opened = 0;

  /** Opens `source` (the message with this UID) in an editor. */
  public async show(uid: number, source: Buffer, truncated: boolean): Promise<void> {
    // The name says which message, and nothing a stranger chose.
    const path = `/message-${uid}-source-${++this.opened}.eml`;
    const decodeCharset = await loadCharsetDecoder();
    const text =
      decodeCharset(source, undefined) + (truncated ? `\n\n${ui`[Mailroom: the source is longer than this; only its beginning is shown.]`.value}\n` : '');
    await vscode.window.showTextDocument(await this.documents.open(path, text, 'plaintext'), { preview: true });
  }

  public dispose(): void {
    this.documents.dispose();
  }
}
