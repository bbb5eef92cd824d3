import * as vscode from 'vscode';
import type { MailSnippet, SnippetLocation } from '../mail/codeBlocks';
import { locateSnippet } from '../mail/codeBlocks';
import { candidatePaths, fileAsMailed } from '../mail/snippetPlacement';
import type { SourceRange } from '../mail/snippetSource';
import type { SnippetAction } from '../shared/protocol';
import { notify, pickOne } from '../ui/surfaces';
import { ui } from '../ui/text';
import { editorLanguage } from './snippetLanguages';
import { ReadOnlyDocuments } from './readOnlyDocuments';

/**
 * What the reader's snippet buttons do (issue 15, part 3): copy a block, open it in an untitled editor,
 * open the file it came from at its lines in the workspace folder that has it, and compare the mail's
 * lines with the file. The snippet is the extension's own copy, parsed from the message; its path is
 * plain relative segments (src/mail/snippetSource.ts), joined only onto a workspace folder.
 */
export class SnippetActions implements vscode.Disposable {
  private readonly documents = new ReadOnlyDocuments('mailroom-snippet', 'This snippet is no longer open. Compare it again from the message.');
  private opened = 0;

  public async run(action: SnippetAction, snippet: MailSnippet): Promise<void> {
    switch (action) {
      case 'copy':
        await vscode.env.clipboard.writeText(snippet.code ?? '');
        return;
      case 'openInEditor': {
        const language = await editorLanguage(snippet.language);
        const document = await vscode.workspace.openTextDocument({ content: snippet.code ?? '', language });
        await vscode.window.showTextDocument(document, { preview: true });
        return;
      }
      case 'openInWorkspace':
        await this.openInWorkspace(snippet);
        return;
      case 'compareWithWorkspace':
        await this.compare(snippet);
        return;
    }
  }

  public dispose(): void {
    this.documents.dispose();
  }

  private async openInWorkspace(snippet: MailSnippet): Promise<void> {
    const file = snippet.source && (await this.findFile(snippet.source));
    if (!snippet.source || !file) {
      return;
    }
    const document = await vscode.workspace.openTextDocument(file);
    const location: SnippetLocation =
      snippet.code === undefined
        ? { kind: 'same', startLine: Math.min(snippet.source.startLine, document.lineCount), endLine: Math.min(snippet.source.endLine, document.lineCount) }
        : locateSnippet(document.getText(), snippet.code, snippet.source);
    const lastLine = document.lineAt(location.endLine - 1);
    const selection = new vscode.Range(location.startLine - 1, 0, location.endLine - 1, lastLine.text.length);
    await vscode.window.showTextDocument(document, { selection, preview: false });
    const path = snippet.source.path;
    if (location.kind === 'moved') {
      void notify('info', ui`The snippet's lines have moved in ${path}: they are now lines ${location.startLine}–${location.endLine}.`);
    } else if (location.kind === 'changed') {
      const compare = ui`Compare with Workspace`;
      const chosen = await notify(
        'info',
        ui`${path} has changed since this mail: lines ${location.startLine}–${location.endLine} differ from the snippet.`,
        compare,
      );
      if (chosen === compare) {
        await this.compare(snippet);
      }
    }
  }

  /**
   * A diff editor: on the left the file as the mail has it (the workspace file with the mail's lines put
   * in place of the lines it names, read-only), on the right the file in the workspace.
   */
  private async compare(snippet: MailSnippet): Promise<void> {
    const file = snippet.source && (await this.findFile(snippet.source));
    if (!snippet.source || !file || snippet.code === undefined) {
      return;
    }
    const document = await vscode.workspace.openTextDocument(file);
    const asMailed = fileAsMailed(document.getText(), snippet.code, snippet.source);
    const name = snippet.source.path.split('/').pop() ?? 'snippet';
    const mailed = await this.documents.open(`/${++this.opened}/${name}`, asMailed, document.languageId);
    const title = ui`${name}: the mail's lines ${snippet.source.startLine}–${snippet.source.endLine} ↔ the workspace`;
    await vscode.commands.executeCommand('vscode.diff', mailed.uri, file, title.value, { preview: true });
  }

  /** The file in the workspace folder that has it; a pick when several do, a note when none does. */
  private async findFile(source: SourceRange): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found: { folder: vscode.WorkspaceFolder; uri: vscode.Uri; path: string }[] = [];
    for (const round of candidatePaths(
      source,
      folders.map((folder) => folder.name),
    )) {
      for (const candidate of round) {
        const folder = folders[candidate.folder];
        const uri = folder && vscode.Uri.joinPath(folder.uri, ...candidate.segments);
        if (folder && uri && (await isFile(uri))) {
          found.push({ folder, uri, path: candidate.segments.join('/') });
        }
      }
      if (found.length > 0) {
        break;
      }
    }
    if (found.length === 0) {
      void notify('info', ui`${source.path} is not in this workspace's folders.`);
      return undefined;
    }
    if (found.length === 1) {
      return found[0]?.uri;
    }
    const picked = await pickOne(
      found.map((candidate) => ({ label: ui`${candidate.folder.name}`, description: ui`${candidate.path}`, candidate })),
      { title: ui`Open ${source.path} from which folder?` },
    );
    return picked?.candidate.uri;
  }
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}
