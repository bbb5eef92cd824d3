/** Time as a dependency, so code that waits can be tested with a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `milliseconds`, or at once when `signal` aborts (so a cancelled wait keeps nothing alive). */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(resolve, Math.max(0, milliseconds));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};
