// The floor stage of the inbox benchmark: seeds folders of 1,000, 10,000 and 100,000 messages, brings
// Dovecot's index of each into steady state, and times the protocol floor (EXAMINE + FETCH ENVELOPE of
// the newest page, our own client) on each, so Mailroom's numbers in the same run can be read against it.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Stack } from '../test/stack';
import type { MailAccount } from '../src/auth/accountApi';
import { StackMailAccounts } from '../test/support/stackAccounts';
import { FloorClient } from './floorClient';
import type { FloorMeasurement, FloorOptions } from './floorClient';
import { median } from './statistics';

export const benchFolderSizes = [1_000, 10_000, 100_000] as const;

export function benchFolderOf(size: number): string {
  return `Bench${size / 1000}k`;
}

/**
 * Brings the seeded folders into the state of a mailbox in use. Measured (issue 12): a folder whose
 * index is still a 100,000-record transaction log (dovecot.index not yet written), or whose cache
 * was filled by `doveadm index` for every message, costs every session 60-250 ms per EXAMINE at
 * 100k, and so does the first session that enables CONDSTORE on it (Dovecot adds modseqs to the
 * index); once a session has done so and logged out, Dovecot writes the index back, and later
 * sessions answer in ~2 ms at any size. So: ENABLE CONDSTORE + SELECT + LOGOUT passes until a new
 * session's EXAMINE + FETCH of every folder takes Dovecot at most `settledServerMs`.
 *
 * Then, unless `mailroomItems` is false, the same for what Mailroom fetches of the newest page
 * ({@link mailroomPageItems}): a FETCH of an item Dovecot has not cached yet writes its cache, and
 * that commit opens the mailbox list index in the session's process; from then on every EXAMINE of
 * a Maildir in that session asks for the mailbox GUID, which Maildir reads from the whole
 * dovecot-uidlist (6 MB, ~45-55 ms at 100,000 messages; `npm run bench -- examine`). So passes of
 * those FETCHes + SELECT until an EXAMINE after them takes Dovecot at most `settledServerMs`.
 * Returns the passes it took in all.
 */
export async function settleFolders(
  stack: Stack,
  login: { user: string; accessToken: string },
  sizes: readonly number[],
  pageSize: number,
  mailroomItems = true,
): Promise<number> {
  const options = { host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login };
  const indexPasses = await settlePasses(options, async (client, folder) => (await client.examineNewest(folder, pageSize)).serverMs);
  if (!mailroomItems) {
    return indexPasses;
  }
  const cachePasses = await settlePasses(options, async (client, folder) => {
    await client.fetchNewest(folder, pageSize, mailroomPageItems);
    return (await client.examineNewest(folder, pageSize)).serverMs;
  });
  return indexPasses + cachePasses;

  /** Sessions of `measure` + SELECT + LOGOUT on every folder until `measure` takes Dovecot at most `settledServerMs` on each. */
  async function settlePasses(connectOptions: FloorOptions, measure: (client: FloorClient, folder: string) => Promise<number>): Promise<number> {
    const settledServerMs = 10;
    const maxPasses = 8;
    for (let pass = 1; pass <= maxPasses; pass++) {
      const client = await FloorClient.connect(connectOptions);
      await client.enableCondstore();
      let slowest = 0;
      for (const size of sizes) {
        slowest = Math.max(slowest, await measure(client, benchFolderOf(size)));
        await client.select(benchFolderOf(size));
      }
      await client.logout();
      if (slowest <= settledServerMs) {
        return pass;
      }
    }
    throw new Error(`Dovecot did not settle the benchmark folders in ${maxPasses} sessions`);
  }
}

/** What Mailroom fetches of a folder's newest page (src/mail/firstScreen.ts), as imapflow sends it to Dovecot with CONDSTORE. */
export const mailroomPageItems = ['UID FLAGS ENVELOPE INTERNALDATE MODSEQ', 'UID BODYSTRUCTURE BODY.PEEK[1]<0.400> MODSEQ'] as const;

/** Alice signed in on the stack: Mailroom's account, and the login the floor client authenticates with. */
export async function signInAlice(stack: Stack): Promise<{ accounts: StackMailAccounts; account: MailAccount; login: { user: string; accessToken: string } }> {
  const accounts = await StackMailAccounts.create(stack);
  const account = await accounts.signInByEmail(stack, 'alice@mailroom.test');
  return { accounts, account, login: { user: account.email, accessToken: await accounts.getAccessToken(account.id, account.imap.host) } };
}

export interface FloorRuns {
  size: number;
  ms: number;
  serverMs: number;
  bytes: number;
  roundTrips: number;
}

/** `runs` EXAMINE + FETCH on one authenticated connection (with CONDSTORE enabled if asked), medians per folder size. */
export async function measureFloor(
  stack: Stack,
  login: { user: string; accessToken: string },
  sizes: readonly number[],
  pageSize: number,
  runs: number,
  condstore = false,
): Promise<FloorRuns[]> {
  const client = await FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
  try {
    if (condstore) {
      // As Mailroom's sessions do (imapflow enables it; the envelope cache needs HIGHESTMODSEQ).
      await client.enableCondstore();
    }
    const results: FloorRuns[] = [];
    for (const size of sizes) {
      const measured: FloorMeasurement[] = [];
      for (let run = 0; run < runs; run++) {
        const measurement = await client.examineNewest(benchFolderOf(size), pageSize);
        if (measurement.exists !== size) {
          throw new Error(`the floor found ${measurement.exists} messages in ${benchFolderOf(size)}, expected ${size}`);
        }
        measured.push(measurement);
      }
      results.push({
        size,
        ms: median(measured.map((entry) => entry.ms)),
        serverMs: median(measured.map((entry) => entry.serverMs)),
        bytes: median(measured.map((entry) => entry.bytes)),
        roundTrips: measured[0]?.roundTrips ?? 0,
      });
    }
    return results;
  } finally {
    client.close();
  }
}

/** TLS, greeting and AUTHENTICATE of the floor client: what any client pays before its first command. */
export async function measureFloorConnect(stack: Stack, login: { user: string; accessToken: string }, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const client = await FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
    times.push(performance.now() - started);
    client.close();
  }
  return median(times);
}
