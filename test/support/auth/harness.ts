// The whole sign-in graph, built by the product's own buildAuthentication, with the editor surface replaced by
// recorders and a scripted "person in the browser". Used by unit tests (in-memory issuer) and
// stack tests (the local oidc-provider, Dovecot and the SMTP server).
import type { ProviderKind } from '../../../src/auth/accountApi';
import type { AccountService } from '../../../src/auth/accountService';
import type { Authentication } from '../../../src/auth/authentication';
import { buildAuthentication } from '../../../src/auth/authentication';
import type { ConsentText } from '../../../src/auth/consent';
import type { SignInEnvironment } from '../../../src/auth/flowSelection';
import type { UriCallbackRouter } from '../../../src/auth/flows/uriHandlerFlow';
import type { PendingSignIns } from '../../../src/auth/pendingSignIn';
import type { ProviderConfig } from '../../../src/auth/providerConfig';
import type { MailroomAuthenticationProvider } from '../../../src/auth/provider';
import type { TokenManager } from '../../../src/auth/tokenManager';
import type { TokenStore } from '../../../src/auth/tokenStore';
import { systemClock } from '../../../src/util/clock';
import type { Clock } from '../../../src/util/clock';
import type { MailroomError } from '../../../src/util/errors';
import { ui } from '../../../src/ui/text';
import type { Logger } from '../../../src/util/log';
import { withTestTransport } from '../../../src/util/testTransport';
import { MemorySecretStorage, recordingLogger } from './fakes';
import type { RecordingSink } from './fakes';

export interface HarnessOptions {
  configFor(kind: ProviderKind): ProviderConfig;
  /** Plays the person: given the URL opened in the browser, completes it and delivers the callback. */
  browser(url: string, harness: Harness): Promise<void>;
  /** Test-only fetch for the in-memory issuer; stack tests leave it out (NODE_EXTRA_CA_CERTS trusts the test CA). */
  fetchForTests?: typeof fetch;
  environment?: SignInEnvironment;
  consent?: boolean;
  tryAnotherWay?: boolean;
  attemptTimeoutMs?: number;
  clock?: Clock;
  uriScheme?: string;
  /** `env.asExternalUri`; identity (desktop) unless a test plays a browser-based editor. */
  asExternalUri?: (uri: string) => string;
  /** Plays the person on the device-flow page. */
  deviceBrowser?: (openUri: string) => Promise<void>;
}

export class Harness {
  public readonly secrets = new MemorySecretStorage();
  public readonly sink: RecordingSink;
  public readonly logger: Logger;
  public readonly store: TokenStore;
  public readonly pendingSignIns: PendingSignIns;
  public readonly router: UriCallbackRouter;
  public readonly tokenManager: TokenManager;
  public readonly service: AccountService;
  public readonly providers: Readonly<Record<ProviderKind, MailroomAuthenticationProvider>>;
  /** What the person saw and did, in order: 'consent', 'browser', 'another-way', 'device-code', errors… */
  public readonly events: string[] = [];
  public readonly consents: ConsentText[] = [];
  /** Every message shown to the person (errors, infos, prompts). */
  public readonly messages: string[] = [];
  public readonly browserTasks: Promise<void>[] = [];
  /** For each error shown: the provider Check Account was offered for, or undefined when it was not offered. */
  public readonly checkOffers: (ProviderKind | undefined)[] = [];
  /** Failures shown with their fixes: the provider they belong to, and the way to try again. */
  public readonly failures: { failure: MailroomError; provider: ProviderKind | undefined; retry: () => void }[] = [];
  private readonly authentication: Authentication;

  public constructor(options: HarnessOptions) {
    const { logger, sink } = recordingLogger();
    this.sink = sink;
    this.logger = logger;
    const clock = options.clock ?? systemClock;
    this.authentication = buildAuthentication({
      secrets: this.secrets,
      logger,
      clock,
      configFor: (kind) => options.configFor(kind),
      openExternal: async (url) => {
        this.events.push('browser');
        this.browserTasks.push(options.browser(url, this).catch((error: unknown) => void this.events.push(`browser failed: ${String(error)}`)));
        return true;
      },
      uriEnvironment: { uriScheme: options.uriScheme ?? 'code-oss', asExternalUri: async (uri) => options.asExternalUri?.(uri) ?? uri },
      deviceCodePrompt: {
        show: async (details) => {
          this.events.push('device-code');
          this.messages.push(`enter ${details.userCode} at ${details.verificationUri}`);
          if (options.deviceBrowser) {
            this.browserTasks.push(options.deviceBrowser(details.openUri));
          }
          return true;
        },
      },
      signInUi: {
        confirmConsent: async (text) => {
          this.events.push('consent');
          this.consents.push(text);
          return options.consent ?? true;
        },
        withProgress: (title, task) => {
          this.messages.push(title.value);
          return task({ isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) });
        },
        offerAnotherWay: async (failure: MailroomError) => {
          this.events.push(`another-way after ${failure.code}`);
          this.messages.push(failure.message);
          return options.tryAnotherWay ?? true;
        },
      },
      accountUi: {
        pickProvider: async () => 'oidc',
        showError: (message, checkProvider) => {
          this.events.push('error');
          this.checkOffers.push(checkProvider);
          this.messages.push(message.value);
        },
        showFailure: (failure, provider, retry, checkProvider) => {
          this.events.push('error');
          this.checkOffers.push(checkProvider);
          this.messages.push(ui`${failure.message}`.value);
          this.failures.push({ failure, provider, retry });
        },
        showInfo: (message) => void this.messages.push(message.value),
        offerSignInAgain: async (email, reason) => {
          this.events.push(`sign-in-again ${email}`);
          this.messages.push(reason);
          return false;
        },
      },
      environment: () => options.environment ?? { extensionHost: 'local', uiKind: 'desktop' },
      attemptTimeoutMs: options.attemptTimeoutMs ?? 10_000,
      withTransport: (clientOptions) => withTestTransport(clientOptions, { fetchForTests: options.fetchForTests }),
    });
    this.store = this.authentication.store;
    this.pendingSignIns = this.authentication.pendingSignIns;
    this.router = this.authentication.router;
    this.tokenManager = this.authentication.tokenManager;
    this.service = this.authentication.service;
    this.providers = this.authentication.providers;
  }

  /** Everything a leak could end up in, outside SecretStorage: log lines and messages shown. */
  public visibleText(): string {
    return [...this.sink.lines, ...this.messages, ...this.consents.map((consent) => `${consent.message}\n${consent.detail}`)].join('\n');
  }

  public dispose(): void {
    this.authentication.dispose();
  }
}
