// Mailroom's side of the floor comparison (issue 12): the newest page of each benchmark folder the way
// the Inbox opens it (first screen from the cheap items, then previews), on a new connection (from
// nothing to rows) and as a folder switch on a live connection, with the commands (= round trips:
// imapflow never pipelines) and bytes each took; and the former one-FETCH row query for comparison.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ImapFlow } from 'imapflow';
import type { MailAccount } from '../src/auth/accountApi';
import { MailSession } from '../src/mail/connection';
import { EnvelopeCache, completeFirstScreen, openFolderWithCache } from '../src/mail/envelopeCache';
import { fetchNewestRows } from '../src/mail/mailbox';
import { withTestTransport } from '../src/util/testTransport';
import type { Stack } from '../test/stack';
import { ImapCommandLog, commandNames } from '../test/support/imapCommandLog';
import { testLogger } from '../test/support/logging';
import type { StackMailAccounts } from '../test/support/stackAccounts';
import { benchFolderOf } from './floor';
import { median } from './statistics';
import { measureSwitchSplit } from './switchSplit';
import { profileSwitches } from './switchProfile';
import type { SwitchSteps } from './switchSplit';

export interface OpenFolderRuns {
  size: number;
  /** A new session until the first screen's rows. */
  newConnectionMs: number;
  /** Commands after the server said "authenticated", up to the first screen: each one a round trip. */
  newConnectionRoundTrips: number;
  newConnectionCommands: string[];
  /** Folder switch on a live connection: until the first screen's rows, then until their previews. */
  firstPaintMs: number;
  previewsMs: number;
  firstPaintRoundTrips: number;
  firstPaintBytes: number;
  /** The same switch with the one-FETCH row query (envelope, structure, thread id, preview bytes) the first screen used before. */
  fullQueryMs: number;
  /** Where the switch's time goes, from separate probed runs (bench/switchSplit.ts). */
  switchSteps: SwitchSteps;
  /** The client's CPU milliseconds per switch by part of the path, from V8's profiler (bench/switchProfile.ts). */
  switchCpu: Record<string, number>;
}

function bytesReadOf(client: ImapFlow): number {
  return (client as unknown as { socket: { bytesRead: number } }).socket.bytesRead;
}

/** Untimed folder switches before the timed ones, per folder size. */
const warmUpSwitches = 20;

/** Enough switches for the sampling profiler (every 50 µs) to split a few milliseconds each. */
const profiledSwitches = 200;

/** No cache: every open is a first screen from the server. */
const noCache = new EnvelopeCache('/nonexistent', () => false, testLogger());

async function firstScreen(session: MailSession, folder: string, pageSize: number): Promise<{ firstPaintMs: number; previewsMs: number }> {
  const started = performance.now();
  const first = await openFolderWithCache(session, noCache, folder, pageSize);
  const firstPaintMs = performance.now() - started;
  if (first.rows.length !== pageSize || !first.detailsPending) {
    throw new Error(`expected a first screen of ${pageSize} rows from the server, got ${first.rows.length}`);
  }
  await completeFirstScreen(session, noCache, folder, first);
  return { firstPaintMs, previewsMs: performance.now() - started };
}

export async function measureOpenFolder(
  stack: Stack,
  accounts: StackMailAccounts,
  account: MailAccount,
  sizes: readonly number[],
  pageSize: number,
  runs: number,
): Promise<OpenFolderRuns[]> {
  const log = new ImapCommandLog();
  const sessionFor = (): MailSession =>
    new MailSession(account, withTestTransport({ accounts, logger: log.logger }, { extraCa: fs.readFileSync(stack.caFile) }));
  const results: OpenFolderRuns[] = [];
  for (const size of sizes) {
    const folder = benchFolderOf(size);
    const fresh: number[] = [];
    let freshCommands: string[] = [];
    for (let run = 0; run < runs; run++) {
      const session = sessionFor();
      try {
        log.reset();
        const started = performance.now();
        await openFolderWithCache(session, noCache, folder, pageSize);
        fresh.push(performance.now() - started);
        freshCommands = commandNames(log.afterAuthentication());
      } finally {
        await session.dispose();
      }
    }
    const session = sessionFor();
    const leaveFolder = (): Promise<number> =>
      session.run(async (client) => {
        await client.mailboxClose();
        return bytesReadOf(client);
      });
    try {
      // Untimed switches first: the first ones of a process run imapflow's parser before V8 has
      // optimized it (measured: the first size's switches took ~2x the others' without these).
      for (let warmUp = 0; warmUp < warmUpSwitches; warmUp++) {
        await leaveFolder();
        await firstScreen(session, folder, pageSize);
      }
      const paints: number[] = [];
      const previews: number[] = [];
      const bytes: number[] = [];
      const fullQuery: number[] = [];
      let paintCommands = 0;
      for (let run = 0; run < runs; run++) {
        const before = await leaveFolder();
        log.reset();
        const started = performance.now();
        const first = await openFolderWithCache(session, noCache, folder, pageSize);
        paints.push(performance.now() - started);
        paintCommands = log.commands.length;
        bytes.push((await session.run(async (client) => bytesReadOf(client))) - before);
        await completeFirstScreen(session, noCache, folder, first);
        previews.push(performance.now() - started);

        await leaveFolder();
        const fullStarted = performance.now();
        await fetchNewestRows(session, folder, pageSize);
        fullQuery.push(performance.now() - fullStarted);
      }
      const switchSteps = await measureSwitchSplit(session, noCache, folder, pageSize, runs);
      const switchCpu = await profileSwitches(session, noCache, folder, pageSize, profiledSwitches);
      results.push({
        size,
        newConnectionMs: median(fresh),
        newConnectionRoundTrips: freshCommands.length,
        newConnectionCommands: freshCommands,
        firstPaintMs: median(paints),
        previewsMs: median(previews),
        firstPaintRoundTrips: paintCommands,
        firstPaintBytes: median(bytes),
        fullQueryMs: median(fullQuery),
        switchSteps,
        switchCpu,
      });
    } finally {
      await session.dispose();
    }
  }
  return results;
}
