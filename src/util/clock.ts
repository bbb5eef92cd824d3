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
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, milliseconds),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
