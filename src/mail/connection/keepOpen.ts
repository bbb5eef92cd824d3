import type { ImapTimeouts } from './sessionDependencies';

export interface KeepOpenActions {
  /** Sends a NOOP on the open connection, if there is one (opens none). */
  noop(): Promise<void>;
  /** Logs the connection out; the next task opens a new one. */
  logout(): Promise<void>;
}

/**
 * Keeps a quiet command connection open for `keepOpenMs` after its last task. Without it the
 * connection's own socket timeout (`commandMs`, which bounds a command that gets no answer) closed
 * it 30 s after the last task, and the next message opened after a pause paid a new TLS session,
 * sign-in and set-up: seven round trips instead of one. A NOOP every half timeout costs the server
 * one short command; after `keepOpenMs` of quiet the connection is logged out rather than timed out.
 * Absent or 0: no NOOP, the socket timeout closes the quiet connection.
 */
export class KeepOpen {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastUsed = 0;
  private stopped = false;

  public constructor(
    private readonly timeouts: ImapTimeouts,
    private readonly now: () => number,
    private readonly actions: KeepOpenActions,
  ) {}

  /** A task just ran on the connection. */
  public used(): void {
    this.lastUsed = this.now();
    this.schedule();
  }

  public stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || !this.timeouts.keepOpenMs) {
      return;
    }
    this.timer = setTimeout(() => void this.tick(), this.timeouts.commandMs / 2);
    // A quiet connection must not keep the extension host (or a test) alive.
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.now() - this.lastUsed >= (this.timeouts.keepOpenMs ?? 0)) {
      await this.actions.logout();
      return;
    }
    await this.actions.noop();
    this.schedule();
  }
}
