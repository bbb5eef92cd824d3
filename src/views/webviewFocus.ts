import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';

/**
 * Whether a webview's document has the keyboard focus, as the document reports it. The editor has no
 * context key for focus inside a webview panel, and single-key shortcuts must not fire elsewhere.
 */
export class WebviewFocus {
  private focused = false;
  private readonly changes = new Emitter<void>();

  public current(): boolean {
    return this.focused;
  }

  public onDidChange(listener: () => void): Subscription {
    return this.changes.event(listener);
  }

  public set(focused: boolean): void {
    if (focused !== this.focused) {
      this.focused = focused;
      this.changes.fire();
    }
  }
}
