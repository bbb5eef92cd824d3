import * as vscode from 'vscode';
import { ui } from '../ui/text';
import { ReadOnlyDocuments } from './readOnlyDocuments';

/** Check Account's reports as read-only Markdown previews: nothing is written to disk. */
export class CheckReportView implements vscode.Disposable {
  private readonly documents = new ReadOnlyDocuments('mailroom-check', ui`This report is no longer open. Run "Mailroom: Check Account…" again.`.value);
  private opened = 0;

  public async show(markdown: string): Promise<void> {
    const document = await this.documents.open(`/check-account-${++this.opened}.md`, markdown, 'markdown');
    await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  }

  public dispose(): void {
    this.documents.dispose();
  }
}
