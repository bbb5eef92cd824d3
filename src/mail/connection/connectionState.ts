import { Emitter } from '../../util/event';
import type { Subscription } from '../../util/event';

/**
 * What the inbox shows about an account's connection. `'notConnected'`: nothing has been asked of
 * the server yet (not to be confused with the IDLE connection, which watches a folder).
 */
export type SessionState = 'notConnected' | 'connecting' | 'online' | 'offline' | 'signInRequired';

/** One account's connection state, set by both of its connections; listeners hear each change once. */
export class ConnectionState {
  private current: SessionState = 'notConnected';
  private readonly listeners = new Emitter<SessionState>();

  public get value(): SessionState {
    return this.current;
  }

  public set(state: SessionState): void {
    if (state !== this.current) {
      this.current = state;
      this.listeners.fire(state);
    }
  }

  public onDidChange(listener: (state: SessionState) => void): Subscription {
    return this.listeners.event(listener);
  }

  public dispose(): void {
    this.listeners.dispose();
  }
}
