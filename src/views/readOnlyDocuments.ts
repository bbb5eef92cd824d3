import * as vscode from 'vscode';

/**
 * Read-only virtual documents under one URI scheme: text Mailroom made (a message's source, a Check
 * Account report) shown in an editor without being written anywhere. The text lives here until its
 * editor is closed.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  /** `goneText` is shown when the editor comes back (window reload) after its text was let go. */
  public constructor(
    private readonly scheme: string,
    private readonly goneText: string,
  ) {
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
    return this.texts.get(uri.path) ?? this.goneText;
  }

  /** The document at `path` holding `text`, in `languageId`. */
  public async open(path: string, text: string, languageId: string): Promise<vscode.TextDocument> {
    this.texts.set(path, text);
    return vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: this.scheme, path })), languageId);
  }

  public dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
    this.texts.clear();
  }
}
