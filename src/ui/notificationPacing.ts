import type { Clock } from '../util/clock';

/**
 * How many notifications the editor draws as toasts in one window, and the window's length. VS Code's
 * workbench (`NotificationsToasts.SPAM_PROTECTION` in src/vs/workbench/browser/parts/notifications/
 * notificationsToasts.ts, code-server 4.100 / VS Code 1.100) counts every notification it is handed,
 * progress notifications too, in a window that opens with the first one after a quiet 800 ms; the 4th
 * and later in that window get no toast, only a place in the notification center.
 */
export const EDITOR_TOASTS_PER_WINDOW = 3;
export const EDITOR_TOAST_WINDOW_MS = 800;

/**
 * The window Mailroom keeps its own notifications to, longer than the editor's: the editor counts when a
 * notification reaches the workbench, and the trip from the extension host takes a varying time, so two
 * notifications sent 800 ms apart can arrive closer together.
 */
export const PACING_WINDOW_MS = EDITOR_TOAST_WINDOW_MS + 300;

/**
 * Keeps Mailroom's notifications within the editor's toast limit, so that none of them (the outcome of a
 * send after "Sending…", say) is left undrawn: a message waits until it is at most the 3rd of Mailroom's
 * notifications in any {@link PACING_WINDOW_MS}. Messages keep their order. Another extension's
 * notifications count in the editor too and are not seen here.
 */
export class NotificationPacer {
  /** When each recent notification was handed to the editor, oldest first. */
  private readonly shownAt: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** Aborted when the clock changes: a turn asleep on the old clock wakes and measures again on the new one. */
  private clockChanged = new AbortController();

  public constructor(private clock: Clock) {}

  /** Tests pace with their own clock. Messages waiting on the old one are measured again on it, not left asleep. */
  public useClock(clock: Clock): void {
    this.clock = clock;
    this.shownAt.length = 0;
    this.clockChanged.abort();
    this.clockChanged = new AbortController();
  }

  /** Counts a notification that is shown at once: a progress notification, whose work cannot wait. */
  public shownNow(): void {
    const now = this.clock.now();
    this.shownAt.push(now);
    while (this.shownAt.length > 0 && now - (this.shownAt[0] ?? now) >= PACING_WINDOW_MS) {
      this.shownAt.shift();
    }
  }

  /**
   * Counts a message and returns nothing when it may be shown now; otherwise a promise that resolves (and
   * counts it) when it may, after the messages that wait before it.
   */
  public nextTurn(): Promise<void> | undefined {
    if (this.waiting === 0 && this.roomIn() === 0) {
      this.shownNow();
      return undefined;
    }
    this.waiting += 1;
    const turn = this.queue.then(async () => {
      try {
        for (let wait = this.roomIn(); wait > 0; wait = this.roomIn()) {
          await this.clock.sleep(wait, this.clockChanged.signal);
        }
      } catch {
        // A clock that cannot wait: the message is shown now rather than lost, and the turns after it still come.
      } finally {
        this.shownNow();
        this.waiting -= 1;
      }
    });
    this.queue = turn;
    return turn;
  }

  /** Milliseconds until one more notification is at most the EDITOR_TOASTS_PER_WINDOW-th in a pacing window. */
  private roomIn(): number {
    const now = this.clock.now();
    const recent = this.shownAt.filter((time) => now - time < PACING_WINDOW_MS);
    // The oldest of the last EDITOR_TOASTS_PER_WINDOW must leave the window first.
    const blocking = recent[recent.length - EDITOR_TOASTS_PER_WINDOW];
    return blocking === undefined ? 0 : blocking + PACING_WINDOW_MS - now;
  }
}
