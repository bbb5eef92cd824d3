import * as vscode from 'vscode';
import { loadCharsetDecoder } from '../mail/transferDecoding';

const scheme = 'mailroom-source';

/**
 * View Source: a message's source in a read-only virtual document, as plain text. Nothing in it is
 * interpreted: no language of its own, no links run, nothing written to disk. The text lives here
 * until its editor is closed.
 */
export class MessageSourceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private opened = 0;
  private readonly disposables: vscode.Disposable[];

  public constructor() {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(scheme, this),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === scheme) {
          this.texts.delete(document.uri.path);
        }
      }),
    ];
  }

  public provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This source is no longer open. Open it again with View Source in the message.';
  }

  /** Opens `source` (the message with this UID) in an editor. */
  public async show(uid: number, source: Buffer, truncated: boolean): Promise<void> {
    // The name says which message, and nothing a stranger chose.
    const path = `/message-${uid}-source-${++this.opened}.eml`;
    const decodeCharset = await loadCharsetDecoder();
    const text = decodeCharset(source, undefined) + (truncated ? '\n\n[Mailroom: the source is longer than this; only its beginning is shown.]\n' : '');
    this.texts.set(path, text);
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path })), 'plaintext');
    await vscode.window.showTextDocument(document, { preview: true });
  }

  public dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
    this.texts.clear();
  }
}
