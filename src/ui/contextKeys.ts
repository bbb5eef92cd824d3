import * as vscode from 'vscode';
import type { Subscription } from '../util/event';
import { CONTEXT_KEYS } from './contextKeyNames';
import type { ContextKey } from './contextKeyNames';

/** What a key's value comes from: its value now, and an event when it may have changed. */
export interface ContextSource {
  current(): boolean | Promise<boolean>;
  onDidChange(listener: () => void): Subscription;
}

/**
 * Keeps each key equal to its source: set once at the start and again whenever the value changes (never
 * twice with the same value). Updates of one key run in order, so a slow read cannot overwrite a newer one.
 */
export function trackContextKeys(sources: Partial<Record<ContextKey, ContextSource>>, onError: (error: unknown) => void): Subscription {
  const subscriptions = Object.entries(sources).map(([key, source]) => {
    let last: boolean | undefined;
    // The first read waits until activation has returned: nothing here is on the activation path.
    let queue = new Promise<void>((resolve) => setTimeout(resolve, 0));
    const update = (): void => {
      queue = queue
        .then(async () => {
          const value = await source.current();
          if (value !== last) {
            last = value;
            await vscode.commands.executeCommand('setContext', CONTEXT_KEYS[key as ContextKey], value);
          }
        })
        .catch(onError);
    };
    update();
    return source.onDidChange(update);
  });
  return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
}
