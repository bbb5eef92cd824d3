import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What the lease file says about the window holding it. */
export interface LeaseRecord {
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  /** Where the holder listens for the other windows. */
  readonly socketPath: string;
  /** Shown by every window that connects: only a process that can read this file may talk to the holder. */
  readonly secret: string;
}

export interface LeaseTimings {
  /** How often the holder touches the file. */
  readonly heartbeatMs: number;
  /** A file untouched this long belongs to a holder that is gone, even on another host. */
  readonly staleMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { heartbeatMs: 1_000, staleMs: 4_000 };

const LEASE_FILE = 'leader.lease';

/**
 * The lease that makes one window of a profile the leader: a file in the profile's global storage,
 * created exclusively, touched by its holder every heartbeat. A holder that stops touching it (frozen,
 * killed, its machine asleep) loses it after `staleMs`; one whose process is gone on this host loses
 * it at once. Two windows taking over a stale lease at the same moment are possible (delete and
 * create are two steps): each heartbeat re-reads the owner, so the one that lost steps down within
 * a heartbeat.
 */
export class LeaderLease {
  public readonly file: string;

  public constructor(
    directory: string,
    public readonly owner: string,
    private readonly timings: LeaseTimings = DEFAULT_LEASE_TIMINGS,
  ) {
    this.file = path.join(directory, LEASE_FILE);
  }

  /** Takes the lease if it is free or stale; the record written, or undefined when a live window holds it. */
  public async tryAcquire(socketPath: string): Promise<LeaseRecord | undefined> {
    const record: LeaseRecord = { owner: this.owner, pid: process.pid, host: os.hostname(), socketPath, secret: randomBytes(24).toString('hex') };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(this.file, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
        return record;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
      const held = await this.inspect();
      if (held.state === 'live') {
        return undefined;
      }
      await this.removeIfUnchanged(held.raw);
    }
    return undefined;
  }

  /** The current holder, if its lease is live. */
  public async holder(): Promise<LeaseRecord | undefined> {
    const held = await this.inspect();
    return held.state === 'live' ? held.record : undefined;
  }

  /** Touches the file; false when the lease is no longer ours (taken over, removed). */
  public async heartbeat(): Promise<boolean> {
    const held = await this.read();
    if (held?.record?.owner !== this.owner) {
      return false;
    }
    const now = new Date();
    await fs.utimes(this.file, now, now).catch(() => undefined);
    return true;
  }

  /** Gives the lease up (a window closing cleanly), so the next window need not wait for it to go stale. */
  public async release(): Promise<void> {
    const held = await this.read();
    if (held?.record?.owner === this.owner) {
      await this.removeIfUnchanged(held.raw);
    }
  }

  private async inspect(): Promise<{ state: 'live' | 'gone'; record?: LeaseRecord; raw: string | undefined }> {
    const held = await this.read();
    if (!held) {
      return { state: 'gone', raw: undefined };
    }
    const { record, raw, touchedMs } = held;
    const stale = Date.now() - touchedMs > this.timings.staleMs;
    const holderDied = record !== undefined && record.host === os.hostname() && !processAlive(record.pid);
    // A file that does not parse is being written by its creator right now (for a moment); stale, it is junk.
    return stale || holderDied ? { state: 'gone', raw } : { state: 'live', ...(record ? { record } : {}), raw };
  }

  private async read(): Promise<{ record: LeaseRecord | undefined; raw: string; touchedMs: number } | undefined> {
    try {
      const [raw, stat] = await Promise.all([fs.readFile(this.file, 'utf8'), fs.stat(this.file)]);
      return { record: parseLease(raw), raw, touchedMs: stat.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  /** Deletes the lease file only if it still holds `raw` (not a lease another window has written since). */
  private async removeIfUnchanged(raw: string | undefined): Promise<void> {
    const now = await fs.readFile(this.file, 'utf8').catch(() => undefined);
    if (now !== undefined && now === raw) {
      await fs.rm(this.file, { force: true });
    }
  }
}

export function parseLease(raw: string): LeaseRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LeaseRecord>;
    const strings = [value.owner, value.host, value.socketPath, value.secret].every((field) => typeof field === 'string' && field.length > 0);
    return strings && Number.isInteger(value.pid) ? (value as LeaseRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process of this machine runs with that pid. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's (not ours to judge).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
