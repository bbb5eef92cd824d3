/** A disposable registration; structurally a `vscode.Disposable`, so src/mail needs no editor at runtime. */
export interface Subscription {
  dispose(): void;
}

/** A minimal typed event: the mail layer runs in plain Node tests, without `vscode.EventEmitter`. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  public add(listener: (value: T) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  public fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }

  public clear(): void {
    this.listeners.clear();
  }
}
