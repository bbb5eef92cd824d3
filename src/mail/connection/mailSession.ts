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
import { DEFAULT_IMAP_TIMEOUTS } from './sessionDependencies';
import type { MailSessionDependencies } from './sessionDependencies';

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

  public constructor(
    public readonly account: MailAccount,
    deps: MailSessionDependencies,
  ) {
    const random = deps.random ?? Math.random;
    const clock = deps.clock ?? systemClock;
    const timeouts = deps.timeouts ?? DEFAULT_IMAP_TIMEOUTS;
    const opener = new ConnectionOpener(account, deps, this.connectionState, clock, random, timeouts);
    this.idle = new IdleSupervisor(account, opener, this.connectionState, this.folderChanges, { logger: deps.logger, clock, random, timeouts });
    // A command connection that went silent means the network is gone: the IDLE connection is
    // rebuilt now rather than after its own, far longer timeout.
    this.command = new CommandConnection(account, opener, this.connectionState, timeouts, () => this.idle.restartAfterNetworkFailure());
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
    return this.command.run(task);
  }

  /** The folder list of the current command connection: listed once per connection, with unread counts. */
  public folders(options?: { refresh?: boolean }): Promise<ListResponse[]> {
    return this.command.folders(options);
  }

  /** Keeps an IDLE connection on `folder` (replacing any other), or none with undefined. */
  public watch(folder: string | undefined): void {
    this.idle.watch(folder);
  }

  /** Closes both connections and stops every timer; the session cannot be used afterwards. */
  public async dispose(): Promise<void> {
    this.idle.close();
    await Promise.allSettled([this.command.close()]);
    this.connectionState.dispose();
    this.folderChanges.dispose();
  }
}
