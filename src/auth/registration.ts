import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import type { AccountChecking } from '../services/accountChecking';
import { systemClock } from '../util/clock';
import { refreshLeaseIn } from '../windows/refreshLeaseFiles';
import type { ProviderKind } from './accountApi';
import type { AccountService, AccountUi } from './accountService';
import { offerSignInInAccountsMenu } from './accountsMenu';
import { buildAuthentication } from './authentication';
import type { UriCallbackRouter } from './flows/uriHandlerFlow';
import type { ProviderConfig } from './providerConfig';
import { providerConfig } from './presets';
import { PROVIDER_IDS, PROVIDER_KINDS, PROVIDER_LABELS } from './providerConfig';
import { accountUi, currentSignInEnvironment, deviceCodePrompt, openExternal, readProviderSettings, signInUi, uriEnvironment } from './editorSurface';

/** How long one sign-in attempt may take before Mailroom offers another way. */
const ATTEMPT_TIMEOUT_MS = 5 * 60_000;

/**
 * Builds sign-in on the editor's pieces and registers one AuthenticationProvider per provider kind,
 * synchronously (the workbench waits only a few seconds for providers to appear), plus the URI handler.
 * `showFailure` shows a sign-in failure with the buttons that fix it (src/setup). Returns the accounts, and the
 * URI callbacks, which the profile's other windows may hand over (src/windows).
 */
export function registerAuthentication(
  context: vscode.ExtensionContext,
  logger: Logger,
  checking: () => AccountChecking,
  showFailure: AccountUi['showFailure'],
): { accounts: AccountService; callbacks: Pick<UriCallbackRouter, 'claim' | 'handOffUnclaimed'> } {
  const configFor = (kind: ProviderKind): ProviderConfig => providerConfig(kind, readProviderSettings());
  const authentication = buildAuthentication({
    secrets: context.secrets,
    logger,
    clock: systemClock,
    configFor,
    signInUi,
    accountUi: { ...accountUi(checking), showFailure },
    deviceCodePrompt,
    uriEnvironment,
    openExternal,
    environment: () => currentSignInEnvironment(context.extension),
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    // Every window of the profile shares global storage: there the windows agree on who refreshes.
    refreshLease: refreshLeaseIn(path.join(context.globalStorageUri.fsPath, 'locks')),
  });
  const { service } = authentication;
  context.subscriptions.push(authentication, vscode.window.registerUriHandler(authentication.router));
  for (const kind of PROVIDER_KINDS) {
    context.subscriptions.push(
      vscode.authentication.registerAuthenticationProvider(PROVIDER_IDS[kind], PROVIDER_LABELS[kind], authentication.providers[kind], {
        supportsMultipleAccounts: true,
      }),
    );
  }
  const scopesFor = (kind: ProviderKind): readonly string[] | undefined => {
    try {
      return configFor(kind).scopes;
    } catch {
      return undefined;
    }
  };
  context.subscriptions.push(offerSignInInAccountsMenu(service, scopesFor, logger));
  return { accounts: service, callbacks: authentication.router };
}
