import type { ImapFlow, ListResponse } from 'imapflow';
import type { MailAccount } from '../../auth/accountApi';
import { isMailroomError } from '../../util/errors';
import { classifyImapFailure } from '../reconnectPolicy';
import { CommandQueue } from './commandQueue';
import * as failures from './connectionErrors';
import type { ConnectionOpener } from './connectionOpener';
import type { ConnectionState } from './connectionState';
import { FolderListCache } from './folderListCache';
import { KeepOpen } from './keepOpen';
import { closeQuietly } from './imapClient';
import type { FolderListOptions, ImapTimeouts } from './sessionDependencies';

/**
 * An account's command connection: opened on demand, one command task at a time, reopened after
 * it closes. imapflow clients cannot reconnect, so every reopening is a new client. A quiet
 * connection is kept open for `keepOpenMs` after its last task (see KeepOpen), then logged out.
 */
export class CommandConnection {
  private client: Promise<ImapFlow> | undefined;
  private readonly queue = new CommandQueue();
  private readonly folderLists: FolderListCache;
  private readonly keepOpen: KeepOpen;
  private closed = false;

  public constructor(
    private readonly account: MailAccount,
    private readonly opener: ConnectionOpener,
    private readonly state: ConnectionState,
    private readonly timeouts: ImapTimeouts,
    /** The server went silent on this connection: the IDLE connection goes through the same network. */
    private readonly onStoppedAnswering: () => void,
    now: () => number,
  ) {
    this.folderLists = new FolderListCache(now);
    this.keepOpen = new KeepOpen(timeouts, now, {
      noop: () => this.noop(),
      logout: () => this.queue.run(() => this.logOut()),
    });
  }

  /** Runs `task` on the connection after the tasks queued before it, opening the connection first if needed. */
  public run<T>(task: (client: ImapFlow) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const client = await this.connection();
      try {
        return await task(client);
      } catch (error) {
        throw this.failure(client, error);
      } finally {
        this.keepOpen.used();
      }
    });
  }

  /** Keeps a quiet connection from reaching its socket timeout; opens none. */
  private noop(): Promise<void> {
    return this.queue.run(async () => {
      const client = this.client ? await this.client.catch(() => undefined) : undefined;
      if (!client?.usable) {
        return;
      }
      try {
        await client.noop();
      } catch (error) {
        // Gone while quiet: the session goes offline now, not at the next request.
        this.failure(client, error);
      }
    });
  }

  /**
   * The folder list of the current connection: listed once per connection, with unread counts, when
   * first asked for (or with `refresh`); with `countsMaxAgeMs`, the counts older than that are read
   * again (STATUS), not the whole list.
   */
  public folders(options?: FolderListOptions): Promise<ListResponse[]> {
    if (options?.countsMaxAgeMs !== undefined && !options.refresh) {
      return this.folderLists.refreshCounts((task) => this.run(task), options.countsMaxAgeMs);
    }
    return this.run(async (client) => {
      const known = this.folderLists.known(client);
      return known && !options?.refresh ? known : this.folderLists.list(client);
    });
  }

  /** The unread count of `path` (STATUS), which the folder list then shows too. */
  public unseen(path: string): Promise<number> {
    return this.run((client) => this.folderLists.countUnseen(client, path));
  }

  /** The counts of `paths` in the current connection's list are out of date (see FolderListCache.markStale). */
  public countsChanged(paths: readonly string[]): void {
    void this.client?.then(
      (client) => this.folderLists.markStale(client, paths),
      () => undefined,
    );
  }

  /** Closes the connection if one is open; a later task opens a new one. */
  public async dropConnection(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then(closeQuietly, () => undefined);
  }

  /** Ends a quiet connection as a client should (LOGOUT), between tasks; a later task opens a new one. */
  private async logOut(): Promise<void> {
    const client = this.client ? await this.client.catch(() => undefined) : undefined;
    this.client = undefined;
    await client?.logout().catch(() => closeQuietly(client));
  }

  /** Closes the connection; every later task fails. */
  public async close(): Promise<void> {
    this.closed = true;
    this.keepOpen.stop();
    const client = this.client;
    this.client = undefined;
    await client?.then(closeQuietly);
  }

  /**
   * What a failed task means for the session. A task's own errors pass through; a throttling
   * answer holds back further connections; a connection that is gone (closed, or silent past the
   * timeout) is dropped, the session goes offline and the failure is a NetworkError, so the Inbox
   * falls back to its cached list with the offline banner.
   */
  private failure(client: ImapFlow, error: unknown): unknown {
    if (isMailroomError(error)) {
      return error;
    }
    const kind = classifyImapFailure(error, client.byeReason);
    if (!client.usable) {
      this.client = undefined;
      this.state.set('offline');
    }
    if (kind === 'throttled') {
      return this.opener.throttledBy(error);
    }
    if (client.usable) {
      return error;
    }
    if (this.opener.wentSilent(client)) {
      this.onStoppedAnswering();
      return failures.stoppedAnswering(this.account, this.timeouts.commandMs, error);
    }
    return failures.connectionLost(this.account, error);
  }

  private async connection(): Promise<ImapFlow> {
    if (this.closed) {
      throw failures.sessionClosed(this.account);
    }
    const existing = this.client ? await this.client.catch(() => undefined) : undefined;
    if (existing?.usable) {
      return existing;
    }
    const opening: Promise<ImapFlow> = this.opener.open('command').then(async (attempt) => {
      if ('failure' in attempt) {
        throw attempt.failure.error;
      }
      const { client } = attempt;
      client.on('close', () => {
        if (this.client === opening) {
          this.client = undefined;
        }
      });
      // Not listed now: the first screen needs only its folder (see selectWithoutLookup).
      return client;
    });
    this.client = opening;
    try {
      return await opening;
    } catch (error) {
      if (this.client === opening) {
        this.client = undefined;
      }
      throw error;
    }
  }
}
