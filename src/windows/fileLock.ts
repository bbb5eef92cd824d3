import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { MailroomError } from '../util/errors';

/** What a lock file says about its holder. Written once, before the file appears under its name. */
interface LockRecord {
  id: string;
  pid: number;
  host: string;
  leaseMs: number;
}

interface Holder {
  record: LockRecord;
  /** The last heartbeat: the file's modification time, which the holder moves forward. */
  renewedAtMs: number;
}

export interface FileLocksOptions {
  /** How long a holder that stops renewing keeps a lock: the longest a crashed process can block the others. */
  leaseMs: number;
  clock?: Clock;
  /** The longest pause between two attempts to acquire; each pause is random between half of it and all of it. */
  pollMs?: number;
}

export interface AcquireOptions {
  /** Give up with MailroomError 'Timeout' after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HeldLock {
  /** Aborted when this holder lost the lock (it stopped renewing for longer than the lease and was taken over). */
  readonly lost: AbortSignal;
  /** Reads the lock file: whether it is still this holder's (a holder frozen past its lease may have been taken over). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

/** Whether a process of this machine with that id still runs (EPERM: it runs, as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isCode(error, 'ESRCH');
  }
}

/**
 * Named mutexes shared by every process that uses the same directory (all windows of an editor
 * profile share its global storage folder), with node:fs only.
 *
 * A lock is the file `<hash of name>.lock`, made under a temporary name with its holder's record
 * and then hard-linked into place, which fails when the name exists: the file appears whole or not
 * at all. The holder renews it (its modification time) every third of the lease. A lock whose
 * holder stopped renewing for a lease, or whose holder process on this machine is gone (`kill -9`),
 * is stale and is taken over.
 *
 * Removing a lock file is race-free: the one that removes the lock with id X, its owner releasing
 * it or a waiter taking it over, is whoever first creates the marker file `<lock>.<X>.taken0`
 * (exclusive create), and it checks that the lock still says X before removing it; a lock with id
 * X is removed by nobody else, so nobody can remove a newer holder's lock by mistake. A marker left
 * by a process killed between those two steps is older than a lease, and the next waiter uses
 * marker `taken1`, and so on.
 */
export class FileLocks {
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly host = os.hostname();

  public constructor(
    private readonly directory: string,
    private readonly options: FileLocksOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollMs = options.pollMs ?? 100;
  }

  /** Runs `task` while holding the lock `name`, and releases it however the task ends. */
  public async withLock<T>(name: string, options: AcquireOptions, task: (lost: AbortSignal) => Promise<T>): Promise<T> {
    const held = await this.acquire(name, options);
    try {
      return await task(held.lost);
    } finally {
      // A lock that could not be removed stops being renewed and is taken over after its lease: the task's outcome stands.
      await held.release().catch(() => undefined);
    }
  }

  /** Waits (polling, with jitter) until this process holds the lock `name`. */
  public async acquire(name: string, options: AcquireOptions): Promise<HeldLock> {
    const file = this.fileOf(name);
    const deadline = this.clock.now() + options.timeoutMs;
    await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
    for (;;) {
      if (options.signal?.aborted) {
        throw new MailroomError('Cancelled', 'Waiting for another window was cancelled.');
      }
      const record: LockRecord = { id: randomBytes(16).toString('hex'), pid: process.pid, host: this.host, leaseMs: this.options.leaseMs };
      if (await this.tryCreate(file, record)) {
        return this.hold(file, record);
      }
      const holder = await this.readHolder(file);
      if (!holder || (this.isStale(holder) && (await this.removeIfStill(file, holder.record.id)))) {
        continue;
      }
      const left = deadline - this.clock.now();
      if (left <= 0) {
        throw new MailroomError('Timeout', 'Another Mailroom window held a lock for too long.');
      }
      const pause = this.pollMs / 2 + (Math.random() * this.pollMs) / 2;
      await this.clock.sleep(Math.min(left, pause), options.signal);
    }
  }

  private fileOf(name: string): string {
    return path.join(this.directory, `${createHash('sha256').update(name).digest('hex').slice(0, 32)}.lock`);
  }

  private async tryCreate(file: string, record: LockRecord): Promise<boolean> {
    const temporary = `${file}.${record.id}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
    try {
      await this.touch(temporary);
      await fs.link(temporary, file);
      return true;
    } catch (error) {
      if (isCode(error, 'EEXIST')) {
        return false;
      }
      throw error;
    } finally {
      await fs.rm(temporary, { force: true });
    }
  }

  /** Sets the file's modification time to now on this lock's clock (tests run on a fake one). */
  private touch(file: string): Promise<void> {
    const seconds = this.clock.now() / 1000;
    return fs.utimes(file, seconds, seconds);
  }

  private async readHolder(file: string): Promise<Holder | undefined> {
    try {
      // One open file for both: the record and the time must belong to the same holder.
      const handle = await fs.open(file, 'r');
      try {
        const [text, stat] = [await handle.readFile('utf8'), await handle.stat()];
        return { record: JSON.parse(text) as LockRecord, renewedAtMs: stat.mtimeMs };
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isCode(error, 'ENOENT')) {
        return undefined;
      }
      if (error instanceof SyntaxError) {
        // Never written whole (the file appears only complete): treat as a holder that never renews.
        return { record: { id: 'unreadable', pid: 0, host: '', leaseMs: 0 }, renewedAtMs: 0 };
      }
      throw error;
    }
  }

  private isStale(holder: Holder): boolean {
    const { record } = holder;
    if (record.host === this.host && record.pid !== process.pid && !processRuns(record.pid)) {
      return true;
    }
    return this.clock.now() - holder.renewedAtMs > record.leaseMs;
  }

  /** Removes the lock if it still has id `id`, unless someone else is removing it. Returns whether the lock with that id is gone. */
  private async removeIfStill(file: string, id: string): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      const marker = `${file}.${id}.taken${attempt}`;
      try {
        await fs.writeFile(marker, String(process.pid), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if (!isCode(error, 'EEXIST')) {
          throw error;
        }
        if (await this.isLiveMarker(marker)) {
          return false;
        }
        continue;
      }
      try {
        await this.touch(marker);
        const holder = await this.readHolder(file);
        if (holder?.record.id === id) {
          await fs.rm(file, { force: true });
        }
        return true;
      } finally {
        await this.removeMarkers(file, id, attempt);
      }
    }
  }

  /** A marker whose maker is still at work: younger than a lease (a maker killed mid-way leaves an old one). */
  private async isLiveMarker(marker: string): Promise<boolean> {
    try {
      return this.clock.now() - (await fs.stat(marker)).mtimeMs <= this.options.leaseMs;
    } catch (error) {
      if (isCode(error, 'ENOENT')) {
        return false;
      }
      throw error;
    }
  }

  private async removeMarkers(file: string, id: string, upTo: number): Promise<void> {
    for (let attempt = upTo; attempt >= 0; attempt -= 1) {
      await fs.rm(`${file}.${id}.taken${attempt}`, { force: true });
    }
  }

  /** Renews the lock every third of the lease until it is released or found taken over. */
  private hold(file: string, record: LockRecord): HeldLock {
    const lost = new AbortController();
    const released = new AbortController();
    const renew = async (): Promise<void> => {
      while (!released.signal.aborted) {
        await this.clock.sleep(record.leaseMs / 3, released.signal);
        if (released.signal.aborted) {
          return;
        }
        const holder = await this.readHolder(file).catch(() => undefined);
        if (holder?.record.id !== record.id) {
          lost.abort();
          return;
        }
        await this.touch(file).catch(() => undefined);
      }
    };
    renew().catch(() => lost.abort());
    let releasing: Promise<void> | undefined;
    return {
      lost: lost.signal,
      stillHeld: async () => !released.signal.aborted && (await this.readHolder(file))?.record.id === record.id,
      release: () => {
        releasing ??= (async () => {
          released.abort();
          await this.removeIfStill(file, record.id);
        })();
        return releasing;
      },
    };
  }
}
