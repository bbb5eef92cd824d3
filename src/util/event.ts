import type * as vscode from 'vscode';

/** A registration to undo; structurally a `vscode.Disposable`, so plain-Node modules need no editor at runtime. */
export interface Subscription {
  dispose(): void;
}

/**
 * A minimal event emitter with the shape of `vscode.Event`, for modules that must run in plain
 * Node (unit tests) and therefore cannot use `vscode.EventEmitter` at runtime.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => unknown>();

  public readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const bound = (value: T): unknown => listener.call(thisArgs, value);
    this.listeners.add(bound);
    const disposable: Subscription = { dispose: (): void => void this.listeners.delete(bound) };
    disposables?.push(disposable);
    return disposable;
  };

  public fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One failing listener must not stop the others; listeners log their own failures.
      }
    }
  }

  public dispose(): void {
    this.listeners.clear();
  }
}
