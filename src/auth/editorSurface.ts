import * as vscode from 'vscode';
import type { ProviderKind } from './accounts';
import type { SignInEnvironment } from './flowSelection';
import type { DeviceCodePrompt } from './flows/deviceCodeFlow';
import type { UriEnvironment } from './flows/uriHandlerFlow';
import type { AccountUi } from './mailAccounts';
import type { ProviderSettings } from './presets';
import { PROVIDER_KINDS, PROVIDER_LABELS } from './presets';
import type { SignInUi } from './signInFlow';

/**
 * The editor side of sign-in, in one place: settings, environment, dialogs, notifications. The
 * rest of src/auth takes these through interfaces, so it runs (and is tested) in plain Node.
 */

export function readProviderSettings(): ProviderSettings {
  const configuration = vscode.workspace.getConfiguration('mailroom');
  const text = (key: string): string => configuration.get<string>(key) ?? '';
  const port = (key: string, fallback: number): number => configuration.get<number>(key) ?? fallback;
  return {
    google: { clientId: text('google.clientId') },
    microsoft: { clientId: text('microsoft.clientId'), tenant: text('microsoft.tenant') || 'common' },
    oidc: {
      issuer: text('oidc.issuer'),
      clientId: text('oidc.clientId'),
      scopes: configuration.get<string[]>('oidc.scopes') ?? ['openid', 'email', 'offline_access'],
      redirectUri: text('oidc.redirectUri'),
      imap: { host: text('oidc.imap.host'), port: port('oidc.imap.port', 993) },
      smtp: { host: text('oidc.smtp.host'), port: port('oidc.smtp.port', 465) },
    },
  };
}

export function currentSignInEnvironment(extension: vscode.Extension<unknown>): SignInEnvironment {
  return {
    extensionHost: vscode.env.remoteName !== undefined && extension.extensionKind === vscode.ExtensionKind.Workspace ? 'remote' : 'local',
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
  };
}

/**
 * Opens `url` in the browser exactly as written. A `vscode.Uri` keeps its query percent-decoded, so a
 * parameter whose value is itself an encoded URL (the forwarding redirect's `state`, which holds
 * code-server's `…/callback?vscode-reqid=1&vscode-scheme=…`) reached the browser split at its `&` and
 * the sign-in could never complete. The extension host's `openExternal` also takes the string and hands
 * it on verbatim (VS Code's ExtHostWindow.openUri(string | URI)), which is what this relies on.
 */
export async function openExternal(url: string): Promise<boolean> {
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

export const uriEnvironment: UriEnvironment = {
  get uriScheme(): string {
    return vscode.env.uriScheme;
  },
  async asExternalUri(uri: string): Promise<string> {
    return (await vscode.env.asExternalUri(vscode.Uri.parse(uri))).toString(true);
  },
};

export const signInUi: SignInUi = {
  async confirmConsent(text) {
    const choice = await vscode.window.showInformationMessage(text.message, { modal: true, detail: text.detail }, text.continueLabel);
    return choice === text.continueLabel;
  },
  async withProgress(title, task) {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => task(token));
  },
  async offerAnotherWay(failure, nextLabel) {
    const tryAgain = 'Try Another Way';
    const choice = await vscode.window.showWarningMessage(`${failure.message} Having trouble? Mailroom can try ${nextLabel} instead.`, tryAgain);
    return choice === tryAgain;
  },
};

export const deviceCodePrompt: DeviceCodePrompt = {
  async show({ userCode, verificationUri, openUri, issuerName }) {
    const open = 'Copy Code and Open Page';
    const choice = await vscode.window.showInformationMessage(
      `To sign in to ${issuerName}, open ${verificationUri} and enter the code ${userCode}.`,
      { modal: true, detail: 'You can do this on any device. Mailroom waits until you are done.' },
      open,
    );
    if (choice !== open) {
      return false;
    }
    await vscode.env.clipboard.writeText(userCode);
    await openExternal(openUri);
    return true;
  },
};

export const accountUi: AccountUi = {
  async pickProvider(): Promise<ProviderKind | undefined> {
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { provider: ProviderKind }>(
      PROVIDER_KINDS.map((kind): vscode.QuickPickItem & { provider: ProviderKind } => ({ label: PROVIDER_LABELS[kind], provider: kind })),
      { title: 'Sign in to mail', placeHolder: 'Where is your mailbox?' },
    );
    return picked?.provider;
  },
  showError(message) {
    void vscode.window.showErrorMessage(message);
  },
  showInfo(message) {
    void vscode.window.showInformationMessage(message);
  },
  async offerSignInAgain(email, reason) {
    const again = 'Sign in Again';
    return (await vscode.window.showWarningMessage(`${email} needs to sign in again. ${reason}`, again)) === again;
  },
};
