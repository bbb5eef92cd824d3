/**
 * Runs tasks one at a time, in the order they were queued: a task may select a folder and rely on
 * it staying selected until it returns. A failed task does not stop the ones queued after it.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();

  public run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
