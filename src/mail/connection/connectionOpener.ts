import type { ImapFlow } from 'imapflow';
import type { MailAccount } from '../../auth/accountApi';
import type { Clock } from '../../util/clock';
import type { MailroomError } from '../../util/errors';
import { isMailroomError } from '../../util/errors';
import { describeError } from '../../util/log';
import { ui } from '../../ui/text';
import type { ImapFailureKind } from '../reconnectPolicy';
import { ConnectionRateLimiter, ServerBackoff, classifyImapFailure, serverBackoffHintMs } from '../reconnectPolicy';
import * as failures from './connectionErrors';
import type { ConnectionState } from './connectionState';
import { closeQuietly, imapClientOptions, isSocketTimeout } from './imapClient';
import type { ConnectionPurpose } from './imapClient';
import { RejectedToken } from './rejectedToken';
import type { ImapTimeouts, MailSessionDependencies } from './sessionDependencies';
import { SessionTokens } from './sessionTokens';

/**
 * Why a connection could not be opened, classified once, where the failure was caught: the IDLE
 * supervisor chooses its retry by `kind` (TLS and sign-in are never retried on their own, the
 * network is), a request shows `error`.
 */
export interface ConnectionFailure {
  readonly kind: ImapFailureKind;
  readonly error: unknown;
  /** How long the server (or the identity provider) asked us to wait, if it did. */
  readonly retryAfterMs?: number;
}

export type ConnectionAttempt = { readonly client: ImapFlow } | { readonly failure: ConnectionFailure };

/**
 * Opens and authenticates one account's connections. A rejected token is refreshed once (one
 * refresh shared by both connections) and tried once more; a second rejection marks the account
 * "sign-in required", and that token is never sent again. Attempts are rate-limited, and a
 * throttling answer to either connection holds back both [SEC-31].
 */
export class ConnectionOpener {
  private readonly limiter = new ConnectionRateLimiter();
  private readonly serverBackoff: ServerBackoff;
  private readonly rejectedToken = new RejectedToken();
  private readonly tokens: SessionTokens;
  /** Connections that went silent past their timeout (imapflow reports it before the close). */
  private readonly silent = new WeakSet<ImapFlow>();

  public constructor(
    private readonly account: MailAccount,
    /** The options object the session was built with, as given (test wiring is keyed by it). */
    private readonly deps: MailSessionDependencies,
    private readonly state: ConnectionState,
    private readonly clock: Clock,
    random: () => number,
    private readonly timeouts: ImapTimeouts,
  ) {
    this.serverBackoff = new ServerBackoff(random);
    this.tokens = new SessionTokens(account, deps.accounts, clock);
  }

  public async open(purpose: ConnectionPurpose, onClient?: (client: ImapFlow) => void): Promise<ConnectionAttempt> {
    const { ImapFlow: ImapFlowClass } = await import('imapflow');
    let token: string;
    try {
      token = await this.tokens.current();
    } catch (error) {
      return { failure: this.tokenFailure(error) };
    }
    if (this.rejectedToken.matches(token)) {
      return { failure: { kind: 'auth', error: this.signInRequired() } };
    }
    for (let attempt = 0; ; attempt++) {
      const throttledForMs = this.serverBackoff.remainingMs(this.clock.now());
      if (throttledForMs > 0) {
        // Fail fast: the Inbox shows what it has cached, and the IDLE connection retries after the wait.
        this.state.set('offline');
        return { failure: { kind: 'throttled', error: failures.throttled(this.account, throttledForMs, undefined), retryAfterMs: throttledForMs } };
      }
      await this.waitForConnectionSlot();
      this.state.set('connecting');
      const client = new ImapFlowClass(imapClientOptions(this.account, purpose, token, this.timeouts, this.deps.logger, this.deps));
      onClient?.(client);
      // imapflow emits 'error' for socket trouble after connect; without a listener it would throw.
      client.on('error', (error: Error) => {
        if (isSocketTimeout(error)) {
          this.silent.add(client);
        }
        this.deps.logger.warn(`IMAP ${purpose} connection error: ${describeError(error)}`);
      });
      try {
        await client.connect();
        this.rejectedToken.forget();
        this.serverBackoff.succeeded();
        this.state.set('online');
        return { client };
      } catch (error) {
        const kind = classifyImapFailure(error, client.byeReason);
        closeQuietly(client);
        if (kind === 'auth' && attempt === 0) {
          this.deps.logger.info(`IMAP server ${this.account.imap.host} rejected the access token; refreshing it once`);
          try {
            token = await this.tokens.refreshed();
          } catch (refreshError) {
            return { failure: this.tokenFailure(refreshError) };
          }
          continue;
        }
        if (kind === 'auth') {
          this.rejectedToken.remember(token);
        }
        return { failure: this.connectFailure(kind, error) };
      }
    }
  }

  /** Whether `client` went silent past its socket timeout before it closed. */
  public wentSilent(client: ImapFlow): boolean {
    return this.silent.has(client);
  }

  /** Records a throttling answer heard on an open connection: neither connection knocks again before the wait. */
  public throttledBy(error: unknown): MailroomError {
    return failures.throttled(this.account, this.serverBackoff.throttled(this.clock.now(), serverBackoffHintMs(error)), error);
  }

  private connectFailure(kind: ImapFailureKind, error: unknown): ConnectionFailure {
    switch (kind) {
      case 'auth':
        return { kind, error: this.signInRequired() };
      case 'throttled': {
        this.state.set('offline');
        const throttled = this.throttledBy(error);
        return { kind, error: throttled, retryAfterMs: throttled.retryAfterMs };
      }
      case 'tls':
        this.state.set('offline');
        return { kind, error: failures.tlsRefused(this.account, error) };
      case 'network':
      case 'other':
        this.state.set('offline');
        return { kind, error: failures.unreachable(this.account, error) };
    }
  }

  /**
   * No token to connect with. Sign-in required is final until the user signs in; an identity
   * provider that asks us to slow down is waited for like a throttling server; anything else
   * (provider or keychain unreachable) is retried like the network.
   */
  private tokenFailure(error: unknown): ConnectionFailure {
    if (isMailroomError(error, 'SignInRequired')) {
      this.state.set('signInRequired');
      return { kind: 'auth', error };
    }
    const retryAfterMs = isMailroomError(error) ? error.retryAfterMs : undefined;
    return { kind: isMailroomError(error, 'Throttled') ? 'throttled' : 'network', error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }

  private signInRequired(): MailroomError {
    const { id, imap } = this.account;
    if (this.state.value !== 'signInRequired') {
      this.state.set('signInRequired');
      this.deps.accounts.requireSignIn(id, ui`The mail server ${imap.host} rejected the sign-in.`.value);
    }
    return failures.signInRejected(this.account);
  }

  private async waitForConnectionSlot(): Promise<void> {
    const waitMs = this.limiter.acquire(this.clock.now());
    if (waitMs > 0) {
      this.deps.logger.warn(`Connection attempts to ${this.account.imap.host} are rate-limited; waiting ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.limiter.acquire(this.clock.now());
    }
  }
}
