// The whole sign-in graph as registration.ts builds it, with the editor surface replaced by
// recorders and a scripted "person in the browser". Used by unit tests (in-memory issuer) and
// stack tests (the local oidc-provider, Dovecot and the SMTP server).
import type { ProviderKind } from '../../../src/auth/accountApi';
import type { ConsentText } from '../../../src/auth/consent';
import type { SignInEnvironment } from '../../../src/auth/flowSelection';
import { DeviceCodeFlow } from '../../../src/auth/flows/deviceCodeFlow';
import { LoopbackFlow } from '../../../src/auth/flows/loopbackFlow';
import { UriCallbackRouter, UriHandlerFlow } from '../../../src/auth/flows/uriHandlerFlow';
import { AccountService } from '../../../src/auth/accountService';
import { OAuthClient } from '../../../src/auth/oauthClient';
import { PendingSignIns } from '../../../src/auth/pendingSignIn';
import type { ProviderConfig } from '../../../src/auth/presets';
import { MailroomAuthenticationProvider } from '../../../src/auth/provider';
import { SignInRunner } from '../../../src/auth/signInRunner';
import { TokenManager } from '../../../src/auth/tokenManager';
import { TokenStore } from '../../../src/auth/tokenStore';
import { systemClock } from '../../../src/util/clock';
import type { Clock } from '../../../src/util/clock';
import type { MailroomError } from '../../../src/util/errors';
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
  public readonly pendingSignIns = new PendingSignIns();
  public readonly router: UriCallbackRouter;
  public readonly tokenManager: TokenManager;
  public readonly service: AccountService;
  public readonly providers: Record<ProviderKind, MailroomAuthenticationProvider>;
  /** What the person saw and did, in order: 'consent', 'browser', 'another-way', 'device-code', errors… */
  public readonly events: string[] = [];
  public readonly consents: ConsentText[] = [];
  /** Every message shown to the person (errors, infos, prompts). */
  public readonly messages: string[] = [];
  public readonly browserTasks: Promise<void>[] = [];
  private readonly clients = new Map<string, OAuthClient>();

  public constructor(options: HarnessOptions) {
    const { logger, sink } = recordingLogger();
    this.sink = sink;
    this.logger = logger;
    this.store = new TokenStore(this.secrets, logger);
    this.router = new UriCallbackRouter(this.pendingSignIns, logger);
    const clock = options.clock ?? systemClock;
    const openExternal = async (url: string): Promise<boolean> => {
      this.events.push('browser');
      this.browserTasks.push(options.browser(url, this).catch((error: unknown) => void this.events.push(`browser failed: ${String(error)}`)));
      return true;
    };
    const runner = new SignInRunner({
      flows: {
        uriHandler: new UriHandlerFlow(this.router, { uriScheme: options.uriScheme ?? 'code-oss', asExternalUri: async (uri) => options.asExternalUri?.(uri) ?? uri }),
        loopback: new LoopbackFlow(),
        deviceCode: new DeviceCodeFlow({
          show: async (details) => {
            this.events.push('device-code');
            this.messages.push(`enter ${details.userCode} at ${details.verificationUri}`);
            if (options.deviceBrowser) {
              this.browserTasks.push(options.deviceBrowser(details.openUri));
            }
            return true;
          },
        }),
      },
      pendingSignIns: this.pendingSignIns,
      logger,
      clock,
      ui: {
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
      openExternal,
      environment: () => options.environment ?? { extensionHost: 'local', uiKind: 'desktop' },
      attemptTimeoutMs: options.attemptTimeoutMs ?? 10_000,
    });
    const clientFor = (config: ProviderConfig): OAuthClient => {
      const key = JSON.stringify(config);
      let client = this.clients.get(key);
      if (!client) {
        client = new OAuthClient(config, withTestTransport({ readClientSecret: () => this.store.getClientSecret(config.kind), now: () => clock.now() }, { fetchForTests: options.fetchForTests }));
        this.clients.set(key, client);
      }
      return client;
    };
    this.tokenManager = new TokenManager(this.store, (account) => this.service.clientForAccount(account), logger, clock);
    this.service = new AccountService({
      store: this.store,
      tokenManager: this.tokenManager,
      runner,
      logger,
      configFor: (kind) => options.configFor(kind),
      clientFor,
      ui: {
        pickProvider: async () => 'oidc',
        showError: (message) => {
          this.events.push('error');
          this.messages.push(message.value);
        },
        showInfo: (message) => void this.messages.push(message.value),
        offerSignInAgain: async (email, reason) => {
          this.events.push(`sign-in-again ${email}`);
          this.messages.push(reason);
          return false;
        },
      },
    });
    this.providers = {
      google: new MailroomAuthenticationProvider('google', this.service),
      microsoft: new MailroomAuthenticationProvider('microsoft', this.service),
      oidc: new MailroomAuthenticationProvider('oidc', this.service),
    };
  }

  /** Everything a leak could end up in, outside SecretStorage: log lines and messages shown. */
  public visibleText(): string {
    return [...this.sink.lines, ...this.messages, ...this.consents.map((consent) => `${consent.message}\n${consent.detail}`)].join('\n');
  }

  public dispose(): void {
    for (const provider of Object.values(this.providers)) {
      provider.dispose();
    }
    this.service.dispose();
    this.tokenManager.dispose();
    this.store.dispose();
  }
}
