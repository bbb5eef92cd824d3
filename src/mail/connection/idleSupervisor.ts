import type { ImapFlow } from 'imapflow';
import type { MailAccount } from '../../auth/accountApi';
import type { Clock } from '../../util/clock';
import type { Emitter } from '../../util/event';
import type { Logger } from '../../util/log';
import { describeError } from '../../util/log';
import type { ImapFailureKind } from '../reconnectPolicy';
import { classifyImapFailure, retryDelayMs, serverBackoffHintMs } from '../reconnectPolicy';
import type { ConnectionOpener } from './connectionOpener';
import type { ConnectionState } from './connectionState';
import type { FolderChange } from './folderChange';
import { selectWithoutLookup } from './folderListCache';
import { closeQuietly } from './imapClient';
import type { ImapTimeouts } from './sessionDependencies';

/** The IDLE command is renewed well before the 29 minutes after which RFC 2177 lets a server drop it [SEC-31]. */
export const IDLE_RENEWAL_MS = 25 * 60_000;

export interface IdleSupervisorOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly timeouts: ImapTimeouts;
}

/**
 * Keeps one IDLE connection on the folder being watched and reports its changes. The connection
 * is rebuilt after it closes, with jittered back-off (longer after throttling, never after a TLS
 * or sign-in refusal). Every rebuild is a new generation: whatever an older one still does is ignored.
 */
export class IdleSupervisor {
  private client: ImapFlow | undefined;
  /** The connection being opened (signing in, selecting): closed when it is superseded or takes too long. */
  private opening: ImapFlow | undefined;
  private generation = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private folder: string | undefined;
  private closed = false;
  /** Stops the current connection's renewal loop. */
  private renewal: AbortController | undefined;

  public constructor(
    private readonly account: MailAccount,
    private readonly opener: ConnectionOpener,
    private readonly state: ConnectionState,
    private readonly changes: Emitter<FolderChange>,
    private readonly options: IdleSupervisorOptions,
  ) {}

  /** Keeps the IDLE connection on `folder` (replacing any other), or none with undefined. */
  public watch(folder: string | undefined): void {
    if (this.closed || folder === this.folder) {
      return;
    }
    this.folder = folder;
    this.attempt = 0;
    const live = this.client;
    // A live connection selects the next folder itself: a new connection per folder switch costs a TLS
    // handshake and a sign-in, and a dozen switches in a minute used up the connection rate limit.
    if (live?.usable && folder !== undefined) {
      void this.switchFolder(live, folder);
      return;
    }
    void this.restart();
  }

  /** Moves the live IDLE connection to `folder` (imapflow ends the IDLE for the SELECT and idles again after it). */
  private async switchFolder(client: ImapFlow, folder: string): Promise<void> {
    const generation = this.generation;
    try {
      selectWithoutLookup(client, folder);
      const opened = await client.mailboxOpen(folder, { readOnly: true });
      if (generation === this.generation && this.folder === folder) {
        this.changes.fire({ accountId: this.account.id, folder, kind: 'watching', exists: opened.exists });
      }
    } catch (error) {
      if (generation === this.generation && this.folder === folder) {
        this.options.logger.warn(`IMAP IDLE connection could not select the folder: ${describeError(error)}`);
        void this.restart();
      }
    }
  }

  /** Closes the connection and stops every timer; nothing is watched afterwards. */
  public close(): void {
    this.closed = true;
    this.folder = undefined;
    this.generation++;
    clearTimeout(this.timer);
    this.renewal?.abort();
    const client = this.client;
    this.client = undefined;
    this.abandonOpening();
    if (client) {
      closeQuietly(client);
    }
  }

  /** Closes a live IDLE connection and rebuilds it with the usual back-off. */
  public restartAfterNetworkFailure(): void {
    const previous = this.client;
    if (this.closed || this.folder === undefined || !previous) {
      return;
    }
    const generation = ++this.generation;
    this.client = undefined;
    closeQuietly(previous);
    this.scheduleRestart(generation, 'network', undefined);
  }

  private async restart(): Promise<void> {
    const generation = ++this.generation;
    clearTimeout(this.timer);
    this.renewal?.abort();
    this.renewal = undefined;
    const previous = this.client;
    this.client = undefined;
    if (previous) {
      closeQuietly(previous);
    }
    this.abandonOpening();
    const folder = this.folder;
    if (this.closed || folder === undefined) {
      return;
    }
    const { logger, timeouts } = this.options;
    const { host } = this.account.imap;
    let client: ImapFlow | undefined;
    // The IDLE connection keeps the long inactivity timeout, so its setup (sign-in, SELECT) is bounded
    // here: a server that stops answering halfway must not leave the folder unwatched for minutes.
    let connecting: ImapFlow | undefined;
    const setupDeadline = setTimeout(() => {
      if (connecting) {
        logger.warn(`IMAP IDLE connection to ${host} did not open in time; retrying`);
        closeQuietly(connecting);
      }
    }, timeouts.connectMs + timeouts.commandMs);
    try {
      const attempt = await this.opener.open('idle', (opening) => {
        connecting = opening;
        this.opening = opening;
      });
      if ('failure' in attempt) {
        this.failed(generation, attempt.failure.kind, attempt.failure.error, attempt.failure.retryAfterMs);
        return;
      }
      client = attempt.client;
      if (generation !== this.generation) {
        closeQuietly(client);
        return;
      }
      this.client = client;
      const watched = client;
      watched.on('close', () => {
        if (generation === this.generation && !this.closed && !watched.closedByClient) {
          const kind = classifyImapFailure(undefined, watched.byeReason);
          logger.info(`IMAP IDLE connection to ${host} closed${watched.byeReason ? ` (${watched.byeReason})` : ''}; reconnecting`);
          this.state.set('offline');
          this.scheduleRestart(generation, kind === 'other' ? 'network' : kind, undefined);
        }
      });
      const accountId = this.account.id;
      // Each event names its folder: the connection moves with the watched folder (switchFolder).
      watched.on('exists', (event) => this.changes.fire({ accountId, folder: event.path, kind: 'exists', exists: event.count }));
      watched.on('expunge', (event) => this.changes.fire({ accountId, folder: event.path, kind: 'expunge' }));
      watched.on('flags', (event) => this.changes.fire({ accountId, folder: event.path, kind: 'flags' }));
      selectWithoutLookup(watched, folder);
      const opened = await watched.mailboxOpen(folder, { readOnly: true });
      this.attempt = 0;
      this.changes.fire({ accountId, folder, kind: 'watching', exists: opened.exists });
      if (generation === this.generation) {
        this.renewal = new AbortController();
        void this.renew(generation, watched, this.renewal.signal);
      }
    } catch (error) {
      if (client && generation === this.generation) {
        closeQuietly(client);
      }
      this.failed(generation, classifyImapFailure(error), error, serverBackoffHintMs(error));
    } finally {
      clearTimeout(setupDeadline);
      if (this.opening === connecting) {
        this.opening = undefined;
      }
    }
  }

  private failed(generation: number, kind: ImapFailureKind, error: unknown, serverHintMs: number | undefined): void {
    if (generation !== this.generation) {
      return;
    }
    this.options.logger.warn(`IMAP IDLE connection failed: ${describeError(error)}`);
    this.scheduleRestart(generation, kind, serverHintMs);
  }

  /**
   * Every {@link IDLE_RENEWAL_MS}, ends the IDLE with a NOOP; imapflow's auto-IDLE issues a fresh IDLE
   * right after it. Mailroom does this itself, on its clock, rather than through imapflow's
   * `maxIdleTime`, so the timing is tested with a fake clock.
   */
  private async renew(generation: number, client: ImapFlow, signal: AbortSignal): Promise<void> {
    for (;;) {
      await this.options.clock.sleep(IDLE_RENEWAL_MS, signal);
      if (signal.aborted || generation !== this.generation || this.closed || !client.usable) {
        return;
      }
      try {
        await client.noop();
      } catch (error) {
        // A dead connection announces itself through 'close', which reconnects.
        this.options.logger.warn(`Renewing IDLE on ${this.account.imap.host} failed: ${describeError(error)}`);
        return;
      }
    }
  }

  private abandonOpening(): void {
    if (this.opening) {
      closeQuietly(this.opening);
      this.opening = undefined;
    }
  }

  private scheduleRestart(generation: number, kind: ImapFailureKind, serverHintMs: number | undefined): void {
    const delay = retryDelayMs(kind, this.attempt++, serverHintMs, this.options.random);
    if (delay === undefined || generation !== this.generation || this.closed) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (generation === this.generation) {
        void this.restart();
      }
    }, delay);
  }
}
