import type { Clock } from '../../src/util/clock';

/** A clock that only moves when the test says so; sleepers wake in time order. */
export class FakeClock implements Clock {
  private time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  public now(): number {
    return this.time;
  }

  public sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ until: this.time + Math.max(0, milliseconds), wake: resolve }));
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
