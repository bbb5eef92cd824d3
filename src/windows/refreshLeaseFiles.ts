import type { RefreshLease } from '../auth/refreshLease';
import { FileLocks } from './fileLock';

/** The longest a window that died while refreshing (and is not seen dead by its pid) blocks the others. */
const REFRESH_LEASE_MS = 30_000;
/** A live holder renews its lease while the issuer answers; waiting longer than this means something is stuck. */
const REFRESH_WAIT_MS = 45_000;

/** The refresh lease of every window sharing `directory` (a folder in the profile's global storage). */
export function refreshLeaseIn(directory: string): RefreshLease {
  const locks = new FileLocks(directory, { leaseMs: REFRESH_LEASE_MS });
  return {
    hold: (accountId, task) => locks.withLock(`refresh ${accountId}`, { timeoutMs: REFRESH_WAIT_MS }, task),
  };
}
