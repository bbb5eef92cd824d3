import type { ImapFlow, ListResponse } from 'imapflow';
import type { MailAccount } from '../../auth/accountApi';
import { systemClock } from '../../util/clock';
import { Emitter } from '../../util/event';
import type { Subscription } from '../../util/event';
import { CommandConnection } from './commandConnection';
import { ConnectionOpener } from './connectionOpener';
import { ConnectionState } from './connectionState';
import type { SessionState } from './connectionState';
import type { FolderChange } from './folderChange';
import { IdleSupervisor } from './idleSupervisor';
import { DEFAULT_IMAP_TIMEOUTS, FOLDERS_OPERATION } from './sessionDependencies';
import type { FolderListOptions, MailRelayRoute, MailSessionDependencies } from './sessionDependencies';
import { isMailroomError, MailroomError } from '../../util/errors';
import type { Logger } from '../../util/log';

/**
 * One account's IMAP connections, supervised: at most one command connection (opened on demand,
 * commands serialized) and one IDLE connection on the folder being watched (rebuilt after it
 * closes, with jittered back-off; longer after throttling). Both share the connection state, the
 * sign-in (one token refresh, one rejected-token fingerprint) and the server's "slow down".
 */
export class MailSession {
  private readonly connectionState = new ConnectionState();
  private readonly folderChanges = new Emitter<FolderChange>();
  private readonly command: CommandConnection;
  private readonly idle: IdleSupervisor;
  private readonly route: MailRelayRoute | undefined;
  private readonly logger: Logger;
  /** The folder this window's list shows: watched here, or by the window holding the connections. */
  private watched: string | undefined;
  /**
   * The window holding the connections refused this account (it is not signed in to it): this
   * window, the only one that can, serves it with its own connections until the leader or the
   * leader's accounts change, rather than asking (and waiting for a refusal) on every request.
   */
  private servedHere = false;
  /** Counts changes of leader, so a refusal from the previous one is not taken for the new one's. */
  private leaderChanges = 0;

  public constructor(
    public readonly account: MailAccount,
    deps: MailSessionDependencies,
  ) {
    this.route = deps.relay;
    this.logger = deps.logger;
    const random = deps.random ?? Math.random;
    const clock = deps.clock ?? systemClock;
    const timeouts = deps.timeouts ?? DEFAULT_IMAP_TIMEOUTS;
    const opener = new ConnectionOpener(account, deps, this.connectionState, clock, random, timeouts);
    this.idle = new IdleSupervisor(account, opener, this.connectionState, this.folderChanges, { logger: deps.logger, clock, random, timeouts });
    // A command connection that went silent means the network is gone: the IDLE connection is
    // rebuilt now rather than after its own, far longer timeout.
    this.command = new CommandConnection(
      account,
      opener,
      this.connectionState,
      timeouts,
      () => this.idle.restartAfterNetworkFailure(),
      () => clock.now(),
    );
  }

  public get state(): SessionState {
    return this.connectionState.value;
  }

  public onDidChangeState(listener: (state: SessionState) => void): Subscription {
    return this.connectionState.onDidChange(listener);
  }

  /** Changes in the watched folder, reported by the IDLE connection. */
  public onDidChangeFolder(listener: (change: FolderChange) => void): Subscription {
    return this.folderChanges.event(listener);
  }

  /**
   * Runs `task` on the command connection, one task at a time (a task may select a folder and
   * rely on it staying selected until it returns). Opens the connection first if needed.
   */
  public run<T>(task: (client: ImapFlow) => Promise<T>): Promise<T> {
    return this.relaying ? this.heldElsewhere() : this.command.run(task);
  }

  /** Only relayed operations reach the server from a window without the connections [issue 13]. */
  private heldElsewhere(): Promise<never> {
    return Promise.reject(new MailroomError('ConnectionFailed', 'Another Mailroom window holds the mail connections.', { accountId: this.account.id }));
  }

  /**
   * Runs the operation `name` here when this window holds the connections (`local`), else asks the
   * window that does (relayedOperations.ts registers the operations by name).
   */
  public async relayed<T>(name: string, args: readonly unknown[], local: () => Promise<T>): Promise<T> {
    const leaderChange = this.leaderChanges;
    const relay = this.servedHere ? undefined : await this.route?.relay();
    if (!relay) {
      return local();
    }
    try {
      return (await relay.call(this.account.id, name, args)) as T;
    } catch (error) {
      if (!isMailroomError(error, 'AccountNotShared')) {
        throw error;
      }
      this.serveHere(leaderChange);
      // Served here now, or asked again of a leader that came meanwhile.
      return this.relayed(name, args, local);
    }
  }

  /** The window holding the connections is not signed in to this account: this window serves it (and announces its new mail). */
  public get refusedByLeader(): boolean {
    return this.servedHere;
  }

  /** Whether another window holds this account's connections now (operations are relayed to it). */
  public get relaying(): boolean {
    return this.route !== undefined && !this.route.leading && !this.servedHere;
  }

  /**
   * The folder list of the current command connection: listed once per connection, with unread
   * counts kept current by {@link unseen}; `countsMaxAgeMs` reads older counts again (see CommandConnection).
   */
  public folders(options?: FolderListOptions): Promise<ListResponse[]> {
    const maxAge = options?.countsMaxAgeMs;
    return this.relayed(FOLDERS_OPERATION, [options?.refresh === true, ...(maxAge === undefined ? [] : [maxAge])], () => this.command.folders(options));
  }

  /** The unread count of `path` (STATUS) on this window's connection; the folder list keeps it too. Relayed by mailbox.ts's unreadCount. */
  public unseen(path: string): Promise<number> {
    return this.relaying ? this.heldElsewhere() : this.command.unseen(path);
  }

  /** Mailroom changed what `paths` hold (moved, flagged read, deleted): the folder list reads their counts again when next asked for fresh ones. */
  public countsChanged(paths: readonly string[]): void {
    this.command.countsChanged(paths);
  }

  /** Keeps an IDLE connection on `folder` (replacing any other), or none with undefined. */
  public watch(folder: string | undefined): void {
    this.watched = folder;
    this.placeConnections();
  }

  /**
   * This window took or lost the connections, or the leader's accounts changed: the leader is asked
   * again (it may know the account now) and the connections go where the account is served.
   */
  public followLeadership(): void {
    this.leaderChanges++;
    this.servedHere = false;
    this.placeConnections();
  }

  /** IDLE runs here, or the holder is asked to watch this window's folder; a window that does not serve the account closes its own. */
  private placeConnections(): void {
    const route = this.route;
    if (!route || !this.relaying) {
      this.idle.watch(this.watched);
      return;
    }
    this.idle.watch(undefined);
    void this.command.dropConnection();
    const folder = this.watched;
    const leaderChange = this.leaderChanges;
    void route
      .relay()
      .then((relay) => relay?.watch(this.account.id, folder))
      .catch((error: unknown) => isMailroomError(error, 'AccountNotShared') && this.serveHere(leaderChange));
  }

  /** The leader refused the account: from now on this window serves it (unless that leader is gone meanwhile). */
  private serveHere(leaderChange: number): void {
    if (leaderChange !== this.leaderChanges || this.servedHere) {
      return;
    }
    this.servedHere = true;
    this.logger.info('Windows: the window holding the mail connections is not signed in to an account of this window; this window serves it itself');
    this.idle.watch(this.watched);
  }

  /** A change the holder's IDLE connection saw, for this window's listeners. */
  public relayedChange(change: FolderChange): void {
    this.folderChanges.fire(change);
  }

  /** The holder's connection state, for this window's listeners. */
  public relayedState(state: SessionState): void {
    this.connectionState.set(state);
  }

  /** Closes both connections and stops every timer; the session cannot be used afterwards. */
  public async dispose(): Promise<void> {
    this.idle.close();
    await Promise.allSettled([this.command.close()]);
    this.connectionState.dispose();
    this.folderChanges.dispose();
  }
}
