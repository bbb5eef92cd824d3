import { createHash } from 'node:crypto';
import type { ImapFlow, ImapFlowOptions, ListResponse } from 'imapflow';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import { MailroomError, isMailroomError } from '../util/errors';
import type { ImapFailureKind } from './reconnectPolicy';
import { ConnectionRateLimiter, ServerBackoff, classifyImapFailure, retryDelayMs, serverBackoffHintMs } from './reconnectPolicy';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { Emitter } from '../util/event';
import { testTlsOptionsFor } from '../util/testTransport';
import type { Subscription } from '../util/event';

/** What the inbox shows about an account's connection. */
export type SessionState = 'idle' | 'connecting' | 'online' | 'offline' | 'signInRequired';

export interface FolderChange {
  accountId: string;
  folder: string;
  /**
   * 'exists': the message count changed (new mail); 'expunge' / 'flags': messages went or changed;
   * 'watching': the IDLE connection has (re)opened the folder and `exists` is its count then, so
   * mail that arrived before IDLE was listening is not missed.
   */
  kind: 'exists' | 'expunge' | 'flags' | 'watching';
  exists?: number;
}

export interface MailSessionDependencies {
  accounts: Pick<MailAccounts, 'getAccessToken' | 'requireSignIn'>;
  logger: Logger;
  /** Injected for tests. */
  random?: () => number;
  /** Time for the IDLE renewal, the connection rate limit and the forced-refresh reuse window; a fake clock in tests. */
  clock?: Clock;
  /** How long to wait for the server; tests shorten it, the product uses {@link defaultImapTimeouts}. */
  timeouts?: ImapTimeouts;
}

export interface ImapTimeouts {
  /** TCP + TLS connection, and then the greeting. */
  readonly connectMs: number;
  /**
   * A command on the command connection that gets no answer for this long fails, and the connection
   * is dropped: a server that stops answering (without closing) must not hold every request for
   * imapflow's default of five minutes.
   */
  readonly commandMs: number;
}

export const defaultImapTimeouts: ImapTimeouts = { connectMs: 20_000, commandMs: 30_000 };

/**
 * The IDLE connection is quiet by design, so a short inactivity timeout would only interrupt IDLE
 * with a NOOP: it keeps imapflow's five minutes, and it is renewed on its own schedule ({@link idleRenewalMs}).
 */
const idleConnectionSocketTimeoutMs = 5 * 60_000;

/** A forced refresh this recent is reused by the other connection instead of refreshing again. */
const forcedRefreshReuseMs = 30_000;

/** The IDLE command is renewed well before the 29 minutes after which RFC 2177 lets a server drop it [SEC-31]. */
export const idleRenewalMs = 25 * 60_000;
/** Auto-IDLE starts right after the folder is selected, so new mail arrives within a second. */
const idleConnectionAutoIdleDelayMs = 100;

/**
 * One account's IMAP connections, supervised: at most one command connection (opened on demand,
 * commands serialized) and one IDLE connection on the folder being watched (rebuilt after it
 * closes, with jittered back-off; longer after throttling). imapflow clients cannot reconnect,
 * so every rebuild is a new client.
 */
export class MailSession {
  private commandClient: Promise<ImapFlow> | undefined;
  private readonly folderLists = new WeakMap<ImapFlow, ListResponse[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private idleClient: ImapFlow | undefined;
  /** The IDLE connection being opened (signing in, selecting): closed when it is superseded or takes too long. */
  private idleOpening: ImapFlow | undefined;
  private idleGeneration = 0;
  private idleAttempt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private watchedFolder: string | undefined;
  private disposed = false;
  private currentState: SessionState = 'idle';
  private readonly limiter = new ConnectionRateLimiter();
  /** A throttling answer to either connection holds back both [SEC-31]. */
  private readonly serverBackoff: ServerBackoff;
  /** SHA-256 of the last token the server rejected after a refresh (never the token itself). */
  private rejectedTokenHash: string | undefined;
  private forcedRefresh: { at: number; token: Promise<string> } | undefined;
  private readonly stateListeners = new Emitter<SessionState>();
  private readonly folderListeners = new Emitter<FolderChange>();
  private readonly random: () => number;
  private readonly clock: Clock;
  /** Stops the current IDLE connection's renewal loop. */
  private idleRenewal: AbortController | undefined;
  private readonly timeouts: ImapTimeouts;
  /** Command connections that went silent past the timeout (imapflow reports it before the close). */
  private readonly timedOut = new WeakSet<ImapFlow>();

  public constructor(
    public readonly account: MailAccount,
    private readonly deps: MailSessionDependencies,
  ) {
    this.random = deps.random ?? Math.random;
    this.clock = deps.clock ?? systemClock;
    this.serverBackoff = new ServerBackoff(this.random);
    this.timeouts = deps.timeouts ?? defaultImapTimeouts;
  }

  public get state(): SessionState {
    return this.currentState;
  }

  public onDidChangeState(listener: (state: SessionState) => void): Subscription {
    return this.stateListeners.event(listener);
  }

  /** Changes in the watched folder, reported by the IDLE connection. */
  public onDidChangeFolder(listener: (change: FolderChange) => void): Subscription {
    return this.folderListeners.event(listener);
  }

  /**
   * Runs `task` on the command connection, one task at a time (a task may select a folder and
   * rely on it staying selected until it returns). Opens the connection first if needed.
   */
  public run<T>(task: (client: ImapFlow) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      const client = await this.commandConnection();
      try {
        return await task(client);
      } catch (error) {
        throw this.commandFailure(client, error);
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * What a failed command means for the session. A task's own errors pass through; a throttling
   * answer holds back further connections; a connection that is gone (closed, or silent past the
   * timeout) is dropped, the session goes offline and the failure is a NetworkError, so the Inbox
   * falls back to its cached list with the offline banner.
   */
  private commandFailure(client: ImapFlow, error: unknown): unknown {
    if (isMailroomError(error)) {
      return error;
    }
    const kind = classifyImapFailure(error, client.byeReason);
    if (!client.usable) {
      this.commandClient = undefined;
      this.setState('offline');
    }
    if (kind === 'throttled') {
      return this.throttledError(this.serverBackoff.throttled(this.clock.now(), serverBackoffHintMs(error)), error);
    }
    if (client.usable) {
      return error;
    }
    const { id, imap } = this.account;
    if (this.timedOut.has(client)) {
      // The IDLE connection goes through the same network: rebuild it now rather than after its own, far longer timeout.
      this.restartIdleAfterNetworkFailure();
      return new MailroomError('NetworkError', `The mail server ${imap.host} stopped answering (nothing for ${Math.round(this.timeouts.commandMs / 1000)} s); Mailroom reconnects by itself.`, { accountId: id, cause: error });
    }
    return new MailroomError('NetworkError', `The connection to ${imap.host} was lost: ${describeError(error)}`, { accountId: id, cause: error });
  }

  /** The folder list of the current command connection: listed once per connection, with unread counts. */
  public async folders(options?: { refresh?: boolean }): Promise<ListResponse[]> {
    return this.run(async (client) => {
      const known = this.folderLists.get(client);
      if (known && !options?.refresh) {
        return known;
      }
      return this.listFolders(client);
    });
  }

  /** Keeps an IDLE connection on `folder` (replacing any other), or none with undefined. */
  public watch(folder: string | undefined): void {
    if (this.disposed || folder === this.watchedFolder) {
      return;
    }
    this.watchedFolder = folder;
    this.idleAttempt = 0;
    void this.restartIdle();
  }

  /** Closes both connections and stops every timer; the session cannot be used afterwards. */
  public async dispose(): Promise<void> {
    this.disposed = true;
    this.watchedFolder = undefined;
    this.idleGeneration++;
    clearTimeout(this.idleTimer);
    this.idleRenewal?.abort();
    const idle = this.idleClient;
    this.idleClient = undefined;
    this.abandonIdleOpening();
    const command = this.commandClient;
    this.commandClient = undefined;
    await Promise.allSettled([idle ? closeQuietly(idle) : Promise.resolve(), command ? command.then(closeQuietly) : Promise.resolve()]);
    this.stateListeners.dispose();
    this.folderListeners.dispose();
  }

  private async commandConnection(): Promise<ImapFlow> {
    if (this.disposed) {
      throw new MailroomError('ConnectionFailed', 'The mail session was closed.', { accountId: this.account.id });
    }
    const existing = this.commandClient ? await this.commandClient.catch(() => undefined) : undefined;
    if (existing?.usable) {
      return existing;
    }
    const opening = this.openConnection('command').then(async (client) => {
      client.on('close', () => {
        if (this.commandClient === opening) {
          this.commandClient = undefined;
        }
      });
      // The folder list is known once per connection, so opening a folder never needs imapflow's LIST-before-SELECT.
      try {
        await this.listFolders(client);
      } catch (error) {
        // Nobody else holds this client: left open, it would stay logged in beside the next attempt [SEC-31].
        closeQuietly(client);
        throw error;
      }
      return client;
    });
    this.commandClient = opening;
    try {
      return await opening;
    } catch (error) {
      if (this.commandClient === opening) {
        this.commandClient = undefined;
      }
      throw error;
    }
  }

  private async listFolders(client: ImapFlow): Promise<ListResponse[]> {
    const list = await client.list({ statusQuery: { messages: true, unseen: true } });
    this.folderLists.set(client, list);
    return list;
  }

  /**
   * Opens and authenticates one connection. A rejected token is refreshed once (one refresh shared
   * by both connections) and tried once more; a second rejection marks the account "sign-in
   * required". A token the server already rejected is never sent again: until sign-in hands out
   * a different one, connecting fails at once, without network traffic.
   */
  private async openConnection(purpose: 'command' | 'idle', onClient?: (client: ImapFlow) => void): Promise<ImapFlow> {
    const { ImapFlow: ImapFlowClass } = await import('imapflow');
    const { imap } = this.account;
    let token = await this.accessToken(false);
    if (this.rejectedTokenHash === fingerprint(token)) {
      throw this.signInRequiredError();
    }
    for (let attempt = 0; ; attempt++) {
      const throttledForMs = this.serverBackoff.remainingMs(this.clock.now());
      if (throttledForMs > 0) {
        // Fail fast: the Inbox shows what it has cached, and the IDLE connection retries after the wait.
        this.setState('offline');
        throw this.throttledError(throttledForMs, undefined);
      }
      await this.waitForConnectionSlot();
      this.setState('connecting');
      const client = new ImapFlowClass(this.clientOptions(purpose, token));
      onClient?.(client);
      // imapflow emits 'error' for socket trouble after connect; without a listener it would throw.
      client.on('error', (error: Error) => {
        if (isTimeout(error)) {
          this.timedOut.add(client);
        }
        this.deps.logger.warn(`IMAP ${purpose} connection error: ${describeError(error)}`);
      });
      try {
        await client.connect();
        this.rejectedTokenHash = undefined;
        this.serverBackoff.succeeded();
        this.setState('online');
        return client;
      } catch (error) {
        const kind = classifyImapFailure(error, client.byeReason);
        closeQuietly(client);
        if (kind === 'auth' && attempt === 0) {
          this.deps.logger.info(`IMAP server ${imap.host} rejected the access token; refreshing it once`);
          token = await this.refreshedToken();
          continue;
        }
        if (kind === 'auth') {
          this.rejectedTokenHash = fingerprint(token);
        }
        throw this.connectionError(kind, error);
      }
    }
  }

  /** One forced refresh for both connections when they are rejected together. */
  private refreshedToken(): Promise<string> {
    const now = this.clock.now();
    if (!this.forcedRefresh || now - this.forcedRefresh.at > forcedRefreshReuseMs) {
      this.forcedRefresh = { at: now, token: this.accessToken(true) };
    }
    return this.forcedRefresh.token;
  }

  private signInRequiredError(): MailroomError {
    const { id, imap } = this.account;
    if (this.currentState !== 'signInRequired') {
      this.setState('signInRequired');
      this.deps.accounts.requireSignIn(id, `The mail server ${imap.host} rejected the sign-in.`);
    }
    return new MailroomError('SignInRequired', `The mail server ${imap.host} rejected the sign-in. Sign in again.`, { accountId: id });
  }

  private clientOptions(purpose: 'command' | 'idle', accessToken: string): ImapFlowOptions {
    const { imap, email } = this.account;
    return {
      host: imap.host,
      port: imap.port,
      // Implicit TLS, or STARTTLS that must succeed: never a silent plaintext session.
      secure: imap.implicitTls,
      doSTARTTLS: imap.implicitTls ? undefined : true,
      tls: { minVersion: 'TLSv1.2', ...testTlsOptionsFor(this.deps) },
      auth: { user: email, accessToken },
      logger: this.deps.logger.forLibrary('imapflow'),
      clientInfo: { name: 'Mailroom' },
      disableAutoIdle: purpose === 'command',
      autoIdleDelay: purpose === 'idle' ? idleConnectionAutoIdleDelayMs : undefined,
      connectionTimeout: this.timeouts.connectMs,
      greetingTimeout: this.timeouts.connectMs,
      socketTimeout: purpose === 'command' ? this.timeouts.commandMs : idleConnectionSocketTimeoutMs,
    };
  }

  private async accessToken(forceRefresh: boolean): Promise<string> {
    try {
      return await this.deps.accounts.getAccessToken(this.account.id, this.account.imap.host, forceRefresh ? { forceRefresh } : undefined);
    } catch (error) {
      if (isMailroomError(error, 'SignInRequired')) {
        this.setState('signInRequired');
      }
      throw error;
    }
  }

  private connectionError(kind: ImapFailureKind, error: unknown): MailroomError {
    const { id, imap } = this.account;
    switch (kind) {
      case 'auth':
        return this.signInRequiredError();
      case 'throttled':
        this.setState('offline');
        return this.throttledError(this.serverBackoff.throttled(this.clock.now(), serverBackoffHintMs(error)), error);
      case 'tls':
        this.setState('offline');
        return new MailroomError('ConnectionFailed', `A secure connection to ${imap.host} could not be established: ${describeError(error)}`, { accountId: id, cause: error });
      case 'network':
      case 'other':
        this.setState('offline');
        return new MailroomError('NetworkError', `Could not reach ${imap.host}: ${describeError(error)}`, { accountId: id, cause: error });
    }
  }

  private throttledError(waitMs: number, cause: unknown): MailroomError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new MailroomError('Throttled', `The mail server ${this.account.imap.host} asked Mailroom to slow down; Mailroom waits ${seconds} s before connecting again.`, {
      accountId: this.account.id,
      retryAfterMs: waitMs,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  private async waitForConnectionSlot(): Promise<void> {
    const waitMs = this.limiter.acquire(this.clock.now());
    if (waitMs > 0) {
      this.deps.logger.warn(`Connection attempts to ${this.account.imap.host} are rate-limited; waiting ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.limiter.acquire(this.clock.now());
    }
  }

  private async restartIdle(): Promise<void> {
    const generation = ++this.idleGeneration;
    clearTimeout(this.idleTimer);
    this.idleRenewal?.abort();
    this.idleRenewal = undefined;
    const previous = this.idleClient;
    this.idleClient = undefined;
    if (previous) {
      closeQuietly(previous);
    }
    this.abandonIdleOpening();
    const folder = this.watchedFolder;
    if (this.disposed || folder === undefined) {
      return;
    }
    let client: ImapFlow | undefined;
    // The IDLE connection keeps the long inactivity timeout, so its setup (sign-in, SELECT) is bounded
    // here: a server that stops answering halfway must not leave the folder unwatched for minutes.
    let connecting: ImapFlow | undefined;
    const setupDeadline = setTimeout(() => {
      if (connecting) {
        this.deps.logger.warn(`IMAP IDLE connection to ${this.account.imap.host} did not open in time; retrying`);
        closeQuietly(connecting);
      }
    }, this.timeouts.connectMs + this.timeouts.commandMs);
    try {
      client = await this.openConnection('idle', (opening) => {
        connecting = opening;
        this.idleOpening = opening;
      });
      if (generation !== this.idleGeneration) {
        closeQuietly(client);
        return;
      }
      this.idleClient = client;
      const watched = client;
      watched.on('close', () => {
        if (generation === this.idleGeneration && !this.disposed && !watched.closedByClient) {
          const kind = classifyImapFailure(undefined, watched.byeReason);
          this.deps.logger.info(`IMAP IDLE connection to ${this.account.imap.host} closed${watched.byeReason ? ` (${watched.byeReason})` : ''}; reconnecting`);
          this.setState('offline');
          this.scheduleIdleRestart(generation, kind === 'other' ? 'network' : kind, undefined);
        }
      });
      watched.on('exists', (event) => this.folderListeners.fire({ accountId: this.account.id, folder, kind: 'exists', exists: event.count }));
      watched.on('expunge', () => this.folderListeners.fire({ accountId: this.account.id, folder, kind: 'expunge' }));
      watched.on('flags', () => this.folderListeners.fire({ accountId: this.account.id, folder, kind: 'flags' }));
      const opened = await watched.mailboxOpen(folder, { readOnly: true });
      this.idleAttempt = 0;
      this.folderListeners.fire({ accountId: this.account.id, folder, kind: 'watching', exists: opened.exists });
      if (generation === this.idleGeneration) {
        this.idleRenewal = new AbortController();
        void this.renewIdle(generation, watched, this.idleRenewal.signal);
      }
    } catch (error) {
      if (generation !== this.idleGeneration) {
        return;
      }
      if (client) {
        closeQuietly(client);
      }
      const kind = isMailroomError(error) ? mailroomErrorKind(error) : classifyImapFailure(error);
      this.deps.logger.warn(`IMAP IDLE connection failed: ${describeError(error)}`);
      this.scheduleIdleRestart(generation, kind, isMailroomError(error) ? error.retryAfterMs : serverBackoffHintMs(error));
    } finally {
      clearTimeout(setupDeadline);
      if (this.idleOpening === connecting) {
        this.idleOpening = undefined;
      }
    }
  }

  /**
   * Every {@link idleRenewalMs}, ends the IDLE with a NOOP; imapflow's auto-IDLE issues a fresh IDLE
   * right after it. Mailroom does this itself, on its clock, rather than through imapflow's
   * `maxIdleTime`, so the timing is tested with a fake clock.
   */
  private async renewIdle(generation: number, client: ImapFlow, signal: AbortSignal): Promise<void> {
    for (;;) {
      await this.clock.sleep(idleRenewalMs, signal);
      if (signal.aborted || generation !== this.idleGeneration || this.disposed || !client.usable) {
        return;
      }
      try {
        await client.noop();
      } catch (error) {
        // A dead connection announces itself through 'close', which reconnects.
        this.deps.logger.warn(`Renewing IDLE on ${this.account.imap.host} failed: ${describeError(error)}`);
        return;
      }
    }
  }


  private abandonIdleOpening(): void {
    if (this.idleOpening) {
      closeQuietly(this.idleOpening);
      this.idleOpening = undefined;
    }
  }

  /** Closes a live IDLE connection and rebuilds it with the usual back-off. */
  private restartIdleAfterNetworkFailure(): void {
    const previous = this.idleClient;
    if (this.disposed || this.watchedFolder === undefined || !previous) {
      return;
    }
    const generation = ++this.idleGeneration;
    this.idleClient = undefined;
    closeQuietly(previous);
    this.scheduleIdleRestart(generation, 'network', undefined);
  }

  private scheduleIdleRestart(generation: number, kind: ImapFailureKind, serverHintMs: number | undefined): void {
    const delay = retryDelayMs(kind, this.idleAttempt++, serverHintMs, this.random);
    if (delay === undefined || generation !== this.idleGeneration || this.disposed) {
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (generation === this.idleGeneration) {
        void this.restartIdle();
      }
    }, delay);
  }

  private setState(state: SessionState): void {
    if (state !== this.currentState) {
      this.currentState = state;
      this.stateListeners.fire(state);
    }
  }
}

function mailroomErrorKind(error: MailroomError): ImapFailureKind {
  switch (error.code) {
    case 'SignInRequired':
      return 'auth';
    case 'Throttled':
      return 'throttled';
    case 'ConnectionFailed':
      return 'tls';
    default:
      return 'network';
  }
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ETIMEOUT';
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function closeQuietly(client: ImapFlow): void {
  try {
    client.close();
  } catch {
    // Already closed.
  }
}

/** One supervised session per signed-in account. */
export class MailSessions {
  private readonly sessions = new Map<string, MailSession>();

  public constructor(private readonly deps: MailSessionDependencies) {}

  public get(account: MailAccount): MailSession {
    let session = this.sessions.get(account.id);
    if (!session) {
      session = new MailSession(account, this.deps);
      this.sessions.set(account.id, session);
    }
    return session;
  }

  public find(accountId: string): MailSession | undefined {
    return this.sessions.get(accountId);
  }

  /** Closes the account's connections (sign-out, account removed). */
  public async close(accountId: string): Promise<void> {
    const session = this.sessions.get(accountId);
    this.sessions.delete(accountId);
    await session?.dispose();
  }

  public async dispose(): Promise<void> {
    const all = [...this.sessions.keys()];
    await Promise.all(all.map((id) => this.close(id)));
  }
}
