import type * as vscode from 'vscode';
import { webviewMessages } from '../shared/webviewStrings';
import type { WebviewStrings } from '../shared/webviewStrings';
import { translated } from '../ui/text';
import { escapeHtml } from '../util/html';
import { buildCsp, createNonce } from './csp';

/** Only the built bundles and the extension's media are ever loadable by a Mailroom webview [SEC-25]. */
export function webviewResourceRoots(extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): vscode.Uri[] {
  return [joinPath(extensionUri, 'dist'), joinPath(extensionUri, 'media')];
}

/** Webview options shared by the inbox and the reader: scripts on, command: URIs off, local roots narrowed. */
export function webviewOptions(extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewResourceRoots(extensionUri, joinPath) };
}

export interface WebviewDocument {
  view: 'inbox' | 'reader' | 'composer';
  title: string;
  allowRemoteImages?: boolean;
  /** The editor's display language (`vscode.env.language`), which the document's words are in: screen readers pick their voice by it. */
  language?: string;
}

/** Every word a webview shows, in the user's language: the document carries it, the webview's bundle holds none. */
export function webviewStrings(): WebviewStrings {
  return Object.fromEntries(Object.entries(webviewMessages).map(([key, message]) => [key, translated(message)])) as WebviewStrings;
}

/** The document of a Mailroom webview, with a fresh nonce and CSP each time it is rendered. */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, joinPath: typeof vscode.Uri.joinPath, document: WebviewDocument): string {
  const nonce = createNonce();
  const resource = (...parts: string[]): string => webview.asWebviewUri(joinPath(extensionUri, ...parts)).toString();
  const csp = buildCsp({ cspSource: webview.cspSource, nonce, allowRemoteImages: document.allowRemoteImages === true });
  // The inbox and the reader share the `webview` bundle; the composer has its own (no list, no mail HTML).
  const bundle = document.view === 'composer' ? 'composer' : 'webview';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(document.language ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(document.title)}</title>
<link rel="stylesheet" href="${escapeHtml(resource('dist', 'codicons', 'codicon.css'))}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeHtml(resource('dist', `${bundle}.css`))}">
</head>
<body data-view="${document.view}" data-strings="${escapeHtml(JSON.stringify(webviewStrings()))}">
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(resource('dist', `${bundle}.js`))}"></script>
</body>
</html>`;
}
