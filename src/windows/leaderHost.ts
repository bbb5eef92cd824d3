import { timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import type { MailSession } from '../mail/connection';
import { runRelayedOperation } from '../mail/connection';
import { MailroomError } from '../util/errors';
import type { Subscription } from '../util/event';
import type { Logger } from '../util/log';
import { WindowChannel } from './windowChannel';
import type { RequestHandler } from './windowChannel';
import type { CallbackUri, WindowEventName, WindowEvents, WindowMethod, WindowRequests } from './windowProtocol';

/** What the leader serves the other windows from: its own sessions, with its own sign-in. */
export interface LeaderServices {
  /** The account's session on this window; waits a moment for an account signed in elsewhere a moment ago. */
  sessionFor(accountId: string): Promise<MailSession>;
  /** This window's accounts changed: followers ask again for an account refused before. */
  onDidChangeAccounts(listener: () => void): Subscription;
  /** Completes a sign-in this window started with a callback another window received; false when it is not this window's. */
  claimCallback(uri: CallbackUri): boolean;
  readonly logger: Logger;
}

/**
 * The leader's side: a local socket the other windows connect to, their requests served on this
 * window's sessions, the sessions' changes sent to every window, and which window announces new mail
 * (the one focused last: windows report focus).
 */
export class LeaderHost implements Subscription {
  private readonly followers = new Map<WindowChannel, string>();
  private readonly broadcasting = new Map<MailSession, Subscription[]>();
  private announcerId: string;
  private readonly accountChanges: Subscription;

  private constructor(
    private readonly server: net.Server,
    private readonly ownId: string,
    private readonly secret: string,
    private readonly services: LeaderServices,
    private readonly socketPath: string,
  ) {
    this.announcerId = ownId;
    this.accountChanges = services.onDidChangeAccounts(() => this.broadcast('accountsChanged', null));
  }

  /** Listens on `socketPath` (a stale socket file of a dead leader is removed first). */
  public static async listen(socketPath: string, ownId: string, secret: string, services: LeaderServices): Promise<LeaderHost> {
    if (process.platform !== 'win32') {
      await fs.rm(socketPath, { force: true });
    }
    const server = net.createServer();
    const host = new LeaderHost(server, ownId, secret, services, socketPath);
    server.on('connection', (socket) => host.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (process.platform !== 'win32') {
        await fs.chmod(socketPath, 0o600);
      }
    } catch (error) {
      // Left listening, the socket would keep its address and every later try fail with EADDRINUSE.
      host.dispose();
      throw error;
    }
    return host;
  }

  /** Which window announces new mail now. */
  public get announcer(): string {
    return this.announcerId;
  }

  /** A window (this one included) gained or lost the focus. */
  public focusChanged(windowId: string, focused: boolean): void {
    if (focused && windowId !== this.announcerId) {
      this.announcerId = windowId;
      this.broadcast('announcer', { window: windowId });
    }
  }

  /** Passes a callback nobody here started to every window but the one it came from. */
  public passCallback(uri: CallbackUri, from?: WindowChannel): void {
    for (const channel of this.followers.keys()) {
      if (channel !== from) {
        channel.emit('callback', uri);
      }
    }
  }

  /** Sends the session's changes and state to every window from now on (once per session). */
  public share(session: MailSession): void {
    if (this.broadcasting.has(session)) {
      return;
    }
    const accountId = session.account.id;
    this.broadcasting.set(session, [
      session.onDidChangeFolder((change) => this.broadcast('folderChange', change)),
      session.onDidChangeState((state) => this.broadcast('sessionState', { accountId, state })),
    ]);
  }

  public dispose(): void {
    this.accountChanges.dispose();
    this.server.close();
    for (const channel of this.followers.keys()) {
      channel.dispose();
    }
    this.followers.clear();
    this.broadcasting.forEach((subscriptions) => subscriptions.forEach((subscription) => subscription.dispose()));
    this.broadcasting.clear();
    if (process.platform !== 'win32') {
      void fs.rm(this.socketPath, { force: true });
    }
  }

  private broadcast<K extends WindowEventName>(name: K, payload: WindowEvents[K]): void {
    for (const channel of this.followers.keys()) {
      channel.emit(name, payload);
    }
  }

  private accept(socket: net.Socket): void {
    let windowId: string | undefined;
    const handler: RequestHandler = async <K extends WindowMethod>(method: K, params: WindowRequests[K]['params']) => {
      if (method === 'hello') {
        const hello = params as WindowRequests['hello']['params'];
        if (!sameSecret(hello.secret, this.secret)) {
          setImmediate(() => channel.dispose());
          throw new MailroomError('AccessDenied', 'This window may not join.');
        }
        windowId = hello.window;
        this.followers.set(channel, windowId);
        channel.emit('announcer', { window: this.announcerId });
        return { leader: this.ownId } as WindowRequests[K]['result'];
      }
      if (windowId === undefined) {
        setImmediate(() => channel.dispose());
        throw new MailroomError('AccessDenied', 'A window says hello first.');
      }
      return (await this.serve(channel, windowId, method, params)) as WindowRequests[K]['result'];
    };
    const channel = new WindowChannel(socket, handler);
    channel.onDidClose(() => {
      this.followers.delete(channel);
      if (windowId !== undefined && windowId === this.announcerId) {
        this.announcerId = this.ownId;
        this.broadcast('announcer', { window: this.ownId });
      }
    });
  }

  private async serve(channel: WindowChannel, windowId: string, method: WindowMethod, params: unknown): Promise<unknown> {
    switch (method) {
      case 'mail': {
        const { accountId, operation, args } = params as WindowRequests['mail']['params'];
        const session = await this.services.sessionFor(accountId);
        this.share(session);
        return runRelayedOperation(session, operation, args);
      }
      case 'watch': {
        const { accountId, folder } = params as WindowRequests['watch']['params'];
        const session = await this.services.sessionFor(accountId);
        this.share(session);
        // One IDLE connection per account: it follows the folder opened last, in whichever window.
        if (folder !== undefined) {
          session.watch(folder);
        }
        return null;
      }
      case 'focus':
        this.focusChanged(windowId, (params as WindowRequests['focus']['params']).focused);
        return null;
      case 'callback': {
        const uri = params as CallbackUri;
        if (!this.services.claimCallback(uri)) {
          this.passCallback(uri, channel);
        }
        return null;
      }
      default:
        throw new MailroomError('InvalidInput', 'Unknown request.');
    }
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
