import * as vscode from 'vscode';
import type { ProviderKind } from '../auth/accountApi';
import type { AccountUi } from '../auth/accountService';
import type { AccountChecking } from '../services/accountChecking';
import { PROVIDER_KINDS, PROVIDER_LABELS } from '../auth/providerConfig';
import { pickOne } from '../ui/surfaces';
import { ui } from '../ui/text';
import { COPY_REDIRECT_URI_COMMAND, SET_UP_ACCOUNT_COMMAND } from './commandIds';
import type { SetupFixes } from './failureNotice';
import { copyToClipboard, showFailureNotice } from './failureNotice';
import { setGoogleClientSecret } from './googleSecret';
import { redirectUrisFor } from './redirectUris';
import type { SetupAccounts } from './setUpAccount';
import { isProviderKind, setUpAccount } from './setUpAccount';

/** "Mailroom: Copy Redirect URI": the URIs this editor sends, for one provider or all, one copied. */
async function copyRedirectUri(requested: unknown): Promise<void> {
  const kinds: readonly ProviderKind[] = isProviderKind(requested) ? [requested] : PROVIDER_KINDS;
  const items = kinds.flatMap((kind) =>
    redirectUrisFor(kind, vscode.env.uriScheme).map((entry) => ({
      label: ui`${entry.uri}`,
      description: ui`${PROVIDER_LABELS[kind]}`,
      detail: ui`${entry.where}`,
      uri: entry.uri,
    })),
  );
  // Started from the walkthrough, whose page takes the focus back after running a command: stay open.
  const picked = await pickOne(items, {
    title: ui`Copy a Redirect URI`,
    placeHolder: ui`Register it with your OAuth client at the provider`,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (picked) {
    await copyToClipboard(picked.uri);
  }
}

/** The guided-setup commands; the walkthrough's buttons and the sign-in failures' fixes run them. */
export function registerSetupCommands(accounts: SetupAccounts): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SET_UP_ACCOUNT_COMMAND, (provider?: unknown) => setUpAccount(accounts, provider)),
    vscode.commands.registerCommand(COPY_REDIRECT_URI_COMMAND, (provider?: unknown) => copyRedirectUri(provider)),
  ];
}

/**
 * How the account service shows a sign-in failure: with the buttons that fix it, which run the setup
 * on the service (`accounts` is read when a button is chosen, after the service exists).
 */
export function showFailureWithFixes(accounts: () => SetupAccounts, checking: () => AccountChecking): AccountUi['showFailure'] {
  const fixes: SetupFixes = {
    setUp: (provider) => setUpAccount(accounts(), provider),
    setGoogleClientSecret: () => setGoogleClientSecret(accounts()),
    checkAccount: (provider, earlierFailure) => checking().check({ provider, earlierFailure }),
  };
  return (failure, provider, retry, checkProvider) => void showFailureNotice(failure, provider, retry, fixes, checkProvider);
}
