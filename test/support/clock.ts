import type { Clock } from '../../src/util/clock';

export interface FakeClockOptions {
  /** The time `now()` starts at (default 0). */
  start?: number;
  /**
   * 'manual' (default): a sleeper wakes only when the test calls `advance`, in time order.
   * 'instant': `sleep` moves time forward at once, for code that only waits between steps.
   */
  sleep?: 'manual' | 'instant';
}

/** The tests' one clock: time moves only when the test, or an 'instant' sleep, moves it. */
export class FakeClock implements Clock {
  public time: number;
  /** Every sleep asked for, in order. */
  public readonly slept: number[] = [];
  private sleepers: { until: number; wake: () => void }[] = [];

  public constructor(private readonly options: FakeClockOptions = {}) {
    this.time = options.start ?? 0;
  }

  public now(): number {
    return this.time;
  }

  public sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    this.slept.push(milliseconds);
    if (this.options.sleep === 'instant') {
      this.time += milliseconds;
      return Promise.resolve();
    }
    if (signal?.aborted) {
      return Promise.resolve();
    }
    // As the Clock contract says: an abort wakes the sleeper at once, without time moving.
    return new Promise((resolve) => {
      const sleeper = { until: this.time + Math.max(0, milliseconds), wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((other) => other !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward in steps, letting every woken task run before the next step. */
  public async advance(milliseconds: number, step = 250): Promise<void> {
    const end = this.time + milliseconds;
    while (this.time < end) {
      this.time = Math.min(end, this.time + step);
      const due = this.sleepers.filter((sleeper) => sleeper.until <= this.time);
      this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > this.time);
      due.forEach((sleeper) => sleeper.wake());
      await flush();
    }
  }
}

/** Lets chained promise callbacks run. */
export async function flush(): Promise<void> {
  for (let index = 0; index < 20; index += 1) {
    await Promise.resolve();
  }
}

/** Moves the fake clock in steps, giving the real file system time to answer between them (code that waits on files and on the clock). */
export async function advanceWithFiles(clock: FakeClock, milliseconds: number, step: number): Promise<void> {
  for (let moved = 0; moved < milliseconds; moved += step) {
    await clock.advance(step, step);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
