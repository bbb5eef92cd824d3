import * as vscode from 'vscode';
import type { ProviderKind } from './accountApi';
import type { SignInEnvironment } from './flowSelection';
import type { DeviceCodePrompt } from './flows/deviceCodeFlow';
import type { UriEnvironment } from './flows/uriHandlerFlow';
import type { AccountUi } from './accountService';
import type { ProviderSettings } from './providerConfig';
import { PROVIDER_KINDS, PROVIDER_LABELS } from './providerConfig';
import type { SignInUi } from './signInRunner';
import { askModal, notify, pickOne, withProgress } from '../ui/surfaces';
import { ui } from '../ui/text';
import { externalOpener } from '../util/externalOpener';
import type { AccountChecking } from '../services/accountChecking';
import { checkAccountAction } from '../services/accountChecking';

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

/** The browser opener for sign-in and for links from mail (see {@link externalOpener}). */
export const openExternal = externalOpener(vscode.env);

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
    return (await askModal('info', text.message, text.detail, text.continueLabel)) === text.continueLabel;
  },
  async withProgress(title, task) {
    return withProgress({ title, where: 'notification', cancellable: true }, task);
  },
  async offerAnotherWay(failure, nextLabel) {
    const tryAgain = ui`Try Another Way`;
    return (await notify('warning', ui`${failure.message} Having trouble? Mailroom can try ${nextLabel} instead.`, tryAgain)) === tryAgain;
  },
};

export const deviceCodePrompt: DeviceCodePrompt = {
  async show({ userCode, verificationUri, openUri, issuerName }) {
    // The code and the page come from the issuer: data, shown as plain text like everything else.
    const open = ui`Copy Code and Open Page`;
    const choice = await askModal(
      'info',
      ui`To sign in to ${issuerName}, open ${verificationUri} and enter the code ${userCode}.`,
      ui`You can do this on any device. Mailroom waits until you are done.`,
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

/**
 * `checking` is looked up when an error is shown: Check Account is built after sign-in, from the account service.
 * Sign-in failures with their fix buttons come from src/setup (see registration.ts).
 */
export function accountUi(checking: () => AccountChecking): Omit<AccountUi, 'showFailure'> {
  return {
    async pickProvider(): Promise<ProviderKind | undefined> {
      const picked = await pickOne(
        PROVIDER_KINDS.map((kind) => ({ label: ui`${PROVIDER_LABELS[kind]}`, provider: kind })),
        { title: ui`Sign in to mail`, placeHolder: ui`Where is your mailbox?` },
      );
      return picked?.provider;
    },
    async showError(message, checkProvider) {
      const checkAccount = checkAccountAction();
      const choice = await notify('error', message, ...(checkProvider ? [checkAccount] : []));
      if (checkProvider && choice === checkAccount) {
        await checking().check({ provider: checkProvider, earlierFailure: message.value });
      }
    },
    showInfo(message) {
      void notify('info', message);
    },
    async offerSignInAgain(email, reason) {
      const again = ui`Sign in Again`;
      return (await notify('warning', ui`${email} needs to sign in again. ${reason}`, again)) === again;
    },
  };
}
