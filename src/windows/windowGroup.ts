import { createHash, randomUUID } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FolderChange, MailRelay, MailRelayRoute, SessionState } from '../mail/connection';
import { MailroomError } from '../util/errors';
import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';
import { describeError } from '../util/log';
import { DEFAULT_LEASE_TIMINGS, LeaderLease } from './leaderLease';
import type { LeaseRecord, LeaseTimings } from './leaderLease';
import { LeaderHost } from './leaderHost';
import type { LeaderServices } from './leaderHost';
import { WindowChannel } from './windowChannel';
import type { CallbackUri } from './windowProtocol';

export interface WindowGroupDependencies extends LeaderServices {
  /** The profile's global storage: shared by every window of the profile, on this extension host's machine. */
  readonly directory: string;
  /** What a follower hears from the leader, for its sessions' listeners. */
  readonly followerEvents: {
    folderChanged(change: FolderChange): void;
    stateChanged(accountId: string, state: SessionState): void;
    leaderAccountsChanged(): void;
  };
  readonly timings?: LeaseTimings;
}

/** How long a request waits for a leader while one is being chosen, before it fails (retryable). */
const ELECTION_WAIT_MS = 8_000;

/**
 * The windows of one profile as one mail client: one of them (the leader, holding the lease) keeps
 * every account's connections; the others (followers) reach the servers through it over a local
 * socket. When the leader goes (closed, crashed, killed), its socket closes, the followers' waiting
 * requests fail with a retryable error, and they elect a new leader among themselves: the lease of a
 * dead process on this host is taken over at once, a silent one after it goes stale.
 */
export class WindowGroup implements MailRelayRoute, Subscription {
  public readonly id = randomUUID();
  private readonly lease: LeaderLease;
  private role: 'electing' | 'leader' | 'follower' = 'electing';
  private host: LeaderHost | undefined;
  private link: WindowChannel | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** A follower's check that its leader still holds the lease (a frozen leader keeps its socket open). */
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly changes = new Emitter<void>();
  private announcerId: string | undefined;
  private focused = false;
  private disposed = false;

  public constructor(private readonly deps: WindowGroupDependencies) {
    this.lease = new LeaderLease(deps.directory, this.id, deps.timings ?? DEFAULT_LEASE_TIMINGS);
  }

  public start(): void {
    void this.elect();
  }

  public get leading(): boolean {
    return this.role === 'leader';
  }

  /** Fires whenever this window becomes leader, follower, or loses its leader. */
  public onDidChangeRole(listener: () => void): Subscription {
    return this.changes.event(listener);
  }

  public async relay(): Promise<MailRelay | undefined> {
    await this.settled();
    const link = this.link;
    if (this.role === 'leader' || !link) {
      return undefined;
    }
    return {
      call: (accountId, operation, args) => link.request('mail', { accountId, operation, args: [...args] }),
      watch: async (accountId, folder) => void (await link.request('watch', { accountId, folder })),
    };
  }

  /** Whether this window announces new mail: the focused or last focused one of the group. */
  public get announcesNewMail(): boolean {
    return (this.host?.announcer ?? this.announcerId ?? this.id) === this.id;
  }

  /** A URI-handler callback this window did not start: to the window that did, through the leader. */
  public handOffCallback(uri: CallbackUri): void {
    if (this.host) {
      this.host.passCallback(uri);
    } else {
      void this.link?.request('callback', uri).catch(() => undefined);
    }
  }

  /** This window gained or lost the focus (the editor's window state). */
  public focusChanged(focused: boolean): void {
    this.focused = focused;
    if (this.host) {
      this.host.focusChanged(this.id, focused);
    } else {
      void this.link?.request('focus', { focused }).catch(() => undefined);
    }
  }

  public dispose(): void {
    this.disposed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    this.link?.dispose();
    this.host?.dispose();
    if (this.role === 'leader') {
      void this.lease.release();
    }
    this.changes.dispose();
  }

  private async settled(): Promise<void> {
    if (this.role !== 'electing') {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new MailroomError('NetworkError', 'No Mailroom window holds the mail connections yet. Try again in a moment.'));
      }, ELECTION_WAIT_MS);
      const subscription = this.changes.event(() => {
        if (this.role !== 'electing') {
          clearTimeout(timer);
          subscription.dispose();
          resolve();
        }
      });
    });
  }

  private setRole(role: WindowGroup['role']): void {
    this.role = role;
    this.changes.fire();
  }

  private async elect(): Promise<void> {
    if (this.disposed) {
      return;
    }
    try {
      const socketPath = leaderSocketPath(this.deps.directory, this.id);
      const record = await this.lease.tryAcquire(socketPath);
      if (record) {
        return await this.lead(record);
      }
      const holder = await this.lease.holder();
      if (holder) {
        return await this.follow(holder);
      }
    } catch (error) {
      this.deps.logger.info(`Windows: no leader yet (${describeError(error)})`);
    }
    this.scheduleElection(150 + Math.random() * 150);
  }

  private scheduleElection(delayMs: number): void {
    clearTimeout(this.retry);
    if (!this.disposed) {
      this.retry = setTimeout(() => void this.elect(), delayMs);
    }
  }

  private async lead(record: LeaseRecord): Promise<void> {
    try {
      this.host = await LeaderHost.listen(record.socketPath, this.id, record.secret, this.deps);
    } catch (error) {
      await this.lease.release();
      throw error;
    }
    if (this.disposed) {
      // Disposed while electing (a window closed at once): nothing may outlive it, and another window may lead now.
      this.host.dispose();
      this.host = undefined;
      await this.lease.release();
      return;
    }
    this.host.focusChanged(this.id, this.focused);
    this.heartbeat = setInterval(() => void this.beat(), (this.deps.timings ?? DEFAULT_LEASE_TIMINGS).heartbeatMs);
    this.deps.logger.info('Windows: this window holds the mail connections');
    this.setRole('leader');
  }

  private async beat(): Promise<void> {
    if (await this.lease.heartbeat().catch(() => false)) {
      return;
    }
    // Another window holds the lease now (it judged ours stale): it serves; this window follows.
    clearInterval(this.heartbeat);
    this.host?.dispose();
    this.host = undefined;
    this.deps.logger.info('Windows: another window took over the mail connections');
    this.setRole('electing');
    this.scheduleElection(0);
  }

  private async follow(holder: LeaseRecord): Promise<void> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connection = net.connect(holder.socketPath, () => {
        connection.off('error', reject);
        resolve(connection);
      });
      connection.once('error', reject);
    });
    const link = new WindowChannel(socket);
    link.onEvent('folderChange', (change) => this.deps.followerEvents.folderChanged(change));
    link.onEvent('sessionState', ({ accountId, state }) => this.deps.followerEvents.stateChanged(accountId, state));
    link.onEvent('announcer', ({ window }) => (this.announcerId = window));
    link.onEvent('callback', (uri) => void this.deps.claimCallback(uri));
    link.onEvent('accountsChanged', () => this.deps.followerEvents.leaderAccountsChanged());
    link.onDidClose(() => this.leaderLost(link));
    try {
      await link.request('hello', { secret: holder.secret, window: this.id });
    } catch (error) {
      link.dispose();
      throw error;
    }
    if (this.disposed) {
      link.dispose();
      return;
    }
    this.link = link;
    this.watchdog = setInterval(() => void this.checkLeader(link, holder.owner), (this.deps.timings ?? DEFAULT_LEASE_TIMINGS).heartbeatMs);
    void link.request('focus', { focused: this.focused }).catch(() => undefined);
    this.setRole('follower');
  }

  /** The leader's lease went stale (its window froze) or passed on: this window leaves it and elects again. */
  private async checkLeader(link: WindowChannel, owner: string): Promise<void> {
    const holder = await this.lease.holder().catch(() => undefined);
    if (holder?.owner !== owner && this.link === link) {
      this.deps.logger.info('Windows: the window holding the mail connections stopped answering');
      link.dispose();
    }
  }

  private leaderLost(link: WindowChannel): void {
    if (this.link !== link) {
      return;
    }
    clearInterval(this.watchdog);
    this.link = undefined;
    this.announcerId = undefined;
    this.deps.logger.info('Windows: the window holding the mail connections is gone; electing another');
    this.setRole('electing');
    // Spread out, so the followers of a dead leader do not all race for its lease at once.
    this.scheduleElection(Math.random() * 100);
  }
}

/** The longest Unix socket path used: the system keeps 104 (macOS) or 108 (Linux) bytes and cuts a longer one short. */
export const socketPathLimit = 100;

/**
 * Where a leader listens: a named pipe on Windows; elsewhere a socket in the storage folder, or under
 * the temporary folder when that path is too long for a socket, or under /tmp when that one is too (a
 * TMPDIR deep in a project folder). A cut path would be a socket nobody else finds.
 */
export function leaderSocketPath(directory: string, owner: string, temporary = os.tmpdir()): string {
  const id = createHash('sha256').update(directory).update(owner).digest('hex').slice(0, 20);
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\mailroom-${id}`;
  }
  const candidates = [path.join(directory, `leader-${id.slice(0, 8)}.sock`), path.join(temporary, `mailroom-${id}.sock`)];
  return candidates.find((candidate) => Buffer.byteLength(candidate) <= socketPathLimit) ?? `/tmp/mailroom-${id}.sock`;
}
