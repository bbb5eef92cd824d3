import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import { systemClock } from '../util/clock';
import type { ProviderKind } from './accountApi';
import { DeviceCodeFlow } from './flows/deviceCodeFlow';
import { LoopbackFlow } from './flows/loopbackFlow';
import { UriCallbackRouter, UriHandlerFlow } from './flows/uriHandlerFlow';
import { AccountService } from './accountService';
import { offerSignInInAccountsMenu } from './accountsMenu';
import { OAuthClient } from './oauthClient';
import { PendingSignIns } from './pendingSignIn';
import type { ProviderConfig } from './presets';
import { PROVIDER_IDS, PROVIDER_KINDS, PROVIDER_LABELS, providerConfig } from './presets';
import { MailroomAuthenticationProvider } from './provider';
import { SignInRunner } from './signInRunner';
import { TokenManager } from './tokenManager';
import { TokenStore } from './tokenStore';
import { accountUi, currentSignInEnvironment, deviceCodePrompt, openExternal, readProviderSettings, signInUi, uriEnvironment } from './editorSurface';

/** How long one sign-in attempt may take before Mailroom offers another way. */
const ATTEMPT_TIMEOUT_MS = 5 * 60_000;

/**
 * Builds sign-in and registers one AuthenticationProvider per provider kind, synchronously (the
 * workbench waits only a few seconds for providers to appear), plus the URI handler.
 */
export function registerAuthentication(context: vscode.ExtensionContext, logger: Logger): AccountService {
  const store = new TokenStore(context.secrets, logger);
  const pendingSignIns = new PendingSignIns();
  const clients = new Map<string, OAuthClient>();
  const clientFor = (config: ProviderConfig): OAuthClient => {
    const key = JSON.stringify(config);
    let client = clients.get(key);
    if (!client) {
      client = new OAuthClient(config, {
        readClientSecret: async () => {
          const secret = await store.getClientSecret(config.kind);
          logger.redactor.register(secret);
          return secret;
        },
      });
      clients.set(key, client);
    }
    return client;
  };
  const configFor = (kind: ProviderKind): ProviderConfig => providerConfig(kind, readProviderSettings());
  const router = new UriCallbackRouter(pendingSignIns, logger);
  const runner = new SignInRunner({
    flows: { uriHandler: new UriHandlerFlow(router, uriEnvironment), loopback: new LoopbackFlow(), deviceCode: new DeviceCodeFlow(deviceCodePrompt) },
    pendingSignIns,
    logger,
    clock: systemClock,
    ui: signInUi,
    openExternal,
    environment: () => currentSignInEnvironment(context.extension),
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
  });
  // Refreshes use the client that issued each account's tokens, which the service knows.
  const tokenManager: TokenManager = new TokenManager(store, (account): OAuthClient => service.clientForAccount(account), logger);
  const service: AccountService = new AccountService({ store, tokenManager, runner, logger, ui: accountUi, configFor, clientFor });
  context.subscriptions.push(store, tokenManager, service, vscode.window.registerUriHandler(router));
  for (const kind of PROVIDER_KINDS) {
    const provider = new MailroomAuthenticationProvider(kind, service);
    context.subscriptions.push(
      provider,
      vscode.authentication.registerAuthenticationProvider(PROVIDER_IDS[kind], PROVIDER_LABELS[kind], provider, { supportsMultipleAccounts: true }),
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
  return service;
}
