import { BackoffGate } from '../util/backoff';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { ProviderKind } from './accountApi';
import type { AccountUi } from './accountService';
import { AccountService } from './accountService';
import type { SignInEnvironment } from './flowSelection';
import type { DeviceCodePrompt } from './flows/deviceCodeFlow';
import { DeviceCodeFlow } from './flows/deviceCodeFlow';
import { LoopbackFlow } from './flows/loopbackFlow';
import type { UriEnvironment } from './flows/uriHandlerFlow';
import { UriCallbackRouter, UriHandlerFlow } from './flows/uriHandlerFlow';
import type { OAuthClientOptions } from './oauthRequests';
import { OAuthClient } from './oauthClient';
import { PendingSignIns } from './pendingSignIn';
import type { ProviderConfig } from './providerConfig';
import { PROVIDER_KINDS } from './providerConfig';
import { MailroomAuthenticationProvider } from './provider';
import type { SignInUi } from './signInRunner';
import { SignInRunner } from './signInRunner';
import type { RefreshLease } from './refreshLease';
import { TokenManager } from './tokenManager';
import type { SecretStorageLike } from './tokenStore';
import { TokenStore } from './tokenStore';

/** The editor-facing pieces sign-in runs on; the extension passes the editor's, tests pass recorders. */
export interface AuthenticationDependencies {
  secrets: SecretStorageLike;
  logger: Logger;
  clock: Clock;
  /** The provider's configuration from presets + settings; throws a MailroomError when settings are missing. */
  configFor(kind: ProviderKind): ProviderConfig;
  signInUi: SignInUi;
  accountUi: AccountUi;
  deviceCodePrompt: DeviceCodePrompt;
  uriEnvironment: UriEnvironment;
  /** Opens a URL in the user's browser (`env.openExternal`). */
  openExternal(url: string): Promise<boolean>;
  environment(): SignInEnvironment;
  /** Time allowed for each sign-in attempt before Mailroom offers another way. */
  attemptTimeoutMs: number;
  /**
   * Test wiring attaches its transport to each OAuth client's options here (`withTestTransport`, [SEC-12]).
   * The extension leaves it out, and the shipped bundle ignores any transport.
   */
  withTransport?: (options: OAuthClientOptions) => OAuthClientOptions;
  /** Makes token refresh single-flight across the windows of the profile; left out, across this window only. */
  refreshLease?: RefreshLease;
}

/** Sign-in as one object graph; the extension registers its parts with the editor. */
export interface Authentication {
  readonly store: TokenStore;
  readonly pendingSignIns: PendingSignIns;
  /** Receives the editor's URI-handler callbacks. */
  readonly router: UriCallbackRouter;
  readonly tokenManager: TokenManager;
  readonly service: AccountService;
  /** One AuthenticationProvider per provider kind, not yet registered. */
  readonly providers: Readonly<Record<ProviderKind, MailroomAuthenticationProvider>>;
  dispose(): void;
}

/** Builds sign-in, token handling and the account service from the editor-facing pieces. */
export function buildAuthentication(dependencies: AuthenticationDependencies): Authentication {
  const { logger, clock } = dependencies;
  const store = new TokenStore(dependencies.secrets, logger);
  const pendingSignIns = new PendingSignIns();
  const clients = new Map<string, OAuthClient>();
  const clientFor = (config: ProviderConfig): OAuthClient => {
    const key = JSON.stringify(config);
    let client = clients.get(key);
    if (!client) {
      const options: OAuthClientOptions = {
        readClientSecret: async () => {
          const secret = await store.getClientSecret(config.kind);
          logger.redactor.register(secret);
          return secret;
        },
        now: () => clock.now(),
      };
      client = new OAuthClient(config, dependencies.withTransport?.(options) ?? options);
      clients.set(key, client);
    }
    return client;
  };
  const router = new UriCallbackRouter(pendingSignIns, logger);
  const runner = new SignInRunner({
    flows: {
      uriHandler: new UriHandlerFlow(router, dependencies.uriEnvironment),
      loopback: new LoopbackFlow(),
      deviceCode: new DeviceCodeFlow(dependencies.deviceCodePrompt),
    },
    pendingSignIns,
    logger,
    clock,
    ui: dependencies.signInUi,
    openExternal: (url) => dependencies.openExternal(url),
    environment: () => dependencies.environment(),
    attemptTimeoutMs: dependencies.attemptTimeoutMs,
  });
  // Refreshes use the client that issued each account's tokens, which the service knows.
  const tokenManager: TokenManager = new TokenManager(
    store,
    (account): OAuthClient => service.clientForAccount(account),
    logger,
    clock,
    new BackoffGate(() => clock.now()),
    dependencies.refreshLease,
  );
  const service: AccountService = new AccountService({
    store,
    tokenManager,
    runner,
    logger,
    ui: dependencies.accountUi,
    configFor: (kind) => dependencies.configFor(kind),
    clientFor,
  });
  const providers = Object.fromEntries(PROVIDER_KINDS.map((kind) => [kind, new MailroomAuthenticationProvider(kind, service)])) as Record<
    ProviderKind,
    MailroomAuthenticationProvider
  >;
  return {
    store,
    pendingSignIns,
    router,
    tokenManager,
    service,
    providers,
    dispose: () => {
      for (const provider of Object.values(providers)) {
        provider.dispose();
      }
      service.dispose();
      tokenManager.dispose();
      store.dispose();
    },
  };
}
