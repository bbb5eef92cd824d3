// Mailroom's side of the floor comparison (issue 12): the newest page of each benchmark folder, on a
// new connection (from nothing to rows) and as a folder switch on a live connection, with the commands
// (= round trips: imapflow never pipelines) and bytes each took.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ImapFlow } from 'imapflow';
import type { MailAccount } from '../src/auth/accountApi';
import { MailSession } from '../src/mail/connection';
import { fetchNewestRows } from '../src/mail/mailbox';
import { withTestTransport } from '../src/util/testTransport';
import type { Stack } from '../test/stack';
import { ImapCommandLog } from '../test/support/imapCommandLog';
import type { StackMailAccounts } from '../test/support/stackAccounts';
import { benchFolderOf } from './floor';
import { median } from './statistics';

export interface OpenFolderRuns {
  size: number;
  newConnectionMs: number;
  /** Commands after the server said "authenticated", up to the rows: each one a round trip. */
  newConnectionRoundTrips: number;
  newConnectionCommands: string[];
  switchMs: number;
  switchRoundTrips: number;
  switchBytes: number;
}

function bytesReadOf(client: ImapFlow): number {
  return (client as unknown as { socket: { bytesRead: number } }).socket.bytesRead;
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
        await fetchNewestRows(session, folder, pageSize);
        fresh.push(performance.now() - started);
        freshCommands = log.afterAuthentication().map((line) => line.split(' ')[0] ?? '');
      } finally {
        await session.dispose();
      }
    }
    const session = sessionFor();
    try {
      await fetchNewestRows(session, folder, pageSize);
      const switches: number[] = [];
      const bytes: number[] = [];
      let switchCommands = 0;
      for (let run = 0; run < runs; run++) {
        const before = await session.run(async (client) => {
          await client.mailboxClose();
          return bytesReadOf(client);
        });
        log.reset();
        const started = performance.now();
        await fetchNewestRows(session, folder, pageSize);
        switches.push(performance.now() - started);
        switchCommands = log.commands.length;
        bytes.push((await session.run(async (client) => bytesReadOf(client))) - before);
      }
      results.push({
        size,
        newConnectionMs: median(fresh),
        newConnectionRoundTrips: freshCommands.length,
        newConnectionCommands: freshCommands,
        switchMs: median(switches),
        switchRoundTrips: switchCommands,
        switchBytes: median(bytes),
      });
    } finally {
      await session.dispose();
    }
  }
  return results;
}
