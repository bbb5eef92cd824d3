/** The span the send limit counts over. */
export const SEND_WINDOW_MS = 60_000;

/** What asking for a send slot came to: the slot, or the time the oldest send of the minute leaves it. */
export type SlotClaim = { claimed: true } | { claimed: false; freeAtMs: number };

/**
 * The starts of an account's recent sends, which every sender of the account counts against the
 * limit: in memory for one window (MemorySendLedger), in global storage for all windows of the
 * profile (src/windows/sharedSendLedger.ts).
 */
export interface SendLedger {
  /**
   * Counts a send starting now if the last minute holds fewer than `limit` sends. `now` is read once
   * the ledger is this caller's; nothing is counted when `signal` is already aborted then.
   */
  claim(accountId: string, limit: number, now: () => number, signal?: AbortSignal): Promise<SlotClaim>;
}

/** Drops starts older than a minute from `starts` (oldest first) and adds `now` when there is room. */
export function claimSlot(starts: number[], limit: number, now: number, signal?: AbortSignal): SlotClaim {
  while (starts.length > 0 && starts[0] <= now - SEND_WINDOW_MS) {
    starts.shift();
  }
  if (starts.length < limit) {
    if (!signal?.aborted) {
      starts.push(now);
    }
    return { claimed: true };
  }
  // The oldest send in the window leaves it at starts[length - limit] + one minute.
  return { claimed: false, freeAtMs: starts[starts.length - limit] + SEND_WINDOW_MS };
}

/** The ledger of one window alone. */
export class MemorySendLedger implements SendLedger {
  private readonly startsByAccount = new Map<string, number[]>();

  public claim(accountId: string, limit: number, now: () => number, signal?: AbortSignal): Promise<SlotClaim> {
    const starts = this.startsByAccount.get(accountId) ?? [];
    this.startsByAccount.set(accountId, starts);
    return Promise.resolve(claimSlot(starts, limit, now(), signal));
  }
}
