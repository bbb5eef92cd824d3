import type * as vscode from 'vscode';

/**
 * Opens `url` in the browser exactly as written [SEC-8]. A `vscode.Uri` keeps its query percent-decoded, so a
 * parameter whose value is itself an encoded URL (the forwarding redirect's `state`, which holds
 * code-server's `…/callback?vscode-reqid=1&vscode-scheme=…`) reached the browser split at its `&` and
 * the sign-in could never complete. The extension host's `openExternal` also takes the string and hands
 * it on verbatim (VS Code's ExtHostWindow.openUri(string | URI)), which is what this relies on. Links
 * from mail go the same way, so the browser gets exactly the address the confirmation showed.
 */
export function externalOpener(env: Pick<typeof vscode.env, 'openExternal'>): (url: string) => Promise<boolean> {
  return async (url) => env.openExternal(url as unknown as vscode.Uri);
}
