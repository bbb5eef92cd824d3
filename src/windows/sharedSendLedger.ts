import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SendLedger, SlotClaim } from '../mail/sendLedger';
import { MemorySendLedger, claimSlot } from '../mail/sendLedger';
import { isMailroomError } from '../util/errors';
import { writeFileAtomically } from '../util/atomicFile';
import { FileLocks } from './fileLock';

/** Reading, counting and writing the ledger takes milliseconds; a holder silent this long is gone. */
const LEDGER_LEASE_MS = 10_000;
const LEDGER_WAIT_MS = 30_000;

/**
 * The send ledger of every window of the profile: one file per account in `directory` (in global
 * storage) with the start times of the last minute's sends, read and written under the account's
 * lock, so a burst split over several windows still keeps to the account's limit [SEC-32]. When the
 * folder is out of reach, this window counts its own sends instead (sending goes on, limited per window).
 */
export class SharedSendLedger implements SendLedger {
  private readonly locks: FileLocks;
  private readonly thisWindowOnly = new MemorySendLedger();

  public constructor(private readonly directory: string) {
    this.locks = new FileLocks(path.join(directory, 'locks'), { leaseMs: LEDGER_LEASE_MS, pollMs: 20 });
  }

  public async claim(accountId: string, limit: number, now: () => number, signal?: AbortSignal): Promise<SlotClaim> {
    try {
      return await this.claimShared(accountId, limit, now, signal);
    } catch (error) {
      if (isMailroomError(error)) {
        throw error;
      }
      return this.thisWindowOnly.claim(accountId, limit, now, signal);
    }
  }

  private claimShared(accountId: string, limit: number, now: () => number, signal?: AbortSignal): Promise<SlotClaim> {
    const name = createHash('sha256').update(accountId).digest('hex').slice(0, 32);
    const file = path.join(this.directory, `${name}.json`);
    return this.locks.withLock(`sends ${accountId}`, { timeoutMs: LEDGER_WAIT_MS, signal }, async () => {
      const starts = await readStarts(file);
      const claim = claimSlot(starts, limit, now(), signal);
      if (claim.claimed && !signal?.aborted) {
        await writeFileAtomically(file, JSON.stringify(starts));
      }
      return claim;
    });
  }
}

/** The recorded starts, oldest first; a missing or damaged ledger counts as no recent sends. */
async function readStarts(file: string): Promise<number[]> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((start): start is number => typeof start === 'number').sort((a, b) => a - b) : [];
  } catch {
    return [];
  }
}
