// The slow-network stage of the inbox benchmark (issue 12): Mailroom through the e2e layer's TCP relay
// with 50 ms round-trip delay and 20 Mbit/s each way. Each step is timed and its IMAP commands counted
// (imapflow never pipelines, so each command is one round trip; TLS and the greeting come on top).
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { MailAccount } from '../src/auth/accountApi';
import { MailSession } from '../src/mail/connection';
import type { ImapTimeouts } from '../src/mail/connection';
import { EnvelopeCache, completeFirstScreen, openFolderWithCache } from '../src/mail/envelopeCache';
import { loadRows } from '../src/mail/mailbox';
import { loadMessage } from '../src/mail/message';
import { withTestTransport } from '../src/util/testTransport';
import { startTcpProxy } from '../test/e2e/tcpProxy';
import { startStack } from '../test/stack';
import type { Stack } from '../test/stack';
import { ImapCommandLog } from '../test/support/imapCommandLog';
import { testLogger } from '../test/support/logging';
import { StackMailAccounts } from '../test/support/stackAccounts';
import { benchFolderOf } from './floor';
import { median, round } from './statistics';

export const slowLink = { roundTripMs: 50, bitsPerSecond: 20_000_000 };

export interface SlowNetworkResults {
  'slowNet.signInToFirstScreenMs': number;
  'slowNet.signInToFirstScreenRoundTrips': number;
  'slowNet.signInCommands': string;
  'slowNet.previewsMs': number;
  'slowNet.folderSwitchMs': number;
  'slowNet.folderSwitchRoundTrips': number;
  'slowNet.openMessageMs': number;
  'slowNet.openMessageRoundTrips': number;
  'slowNet.newMailMs': number;
  'slowNet.newMailRoundTrips': number;
  'slowNet.openAfterPauseMs': number;
  'slowNet.openAfterPauseRoundTrips': number;
  'slowNet.openAfterPauseClosedMs': number;
  'slowNet.openAfterPauseClosedRoundTrips': number;
}

/** Socket timeout and pause for the open-after-pause step: the product's 30 s and more, scaled down to seconds. */
export const pauseTimeouts = { connectMs: 20_000, commandMs: 2_000 };
export const pauseMs = pauseTimeouts.commandMs * 1.5;

const noCache = new EnvelopeCache('/nonexistent', () => false, testLogger());

export async function measureSlowNetwork(stack: Stack, accounts: StackMailAccounts, account: MailAccount, runs: number): Promise<SlowNetworkResults> {
  const proxy = await startTcpProxy();
  proxy.target = stack.imap;
  proxy.latencyMs = slowLink.roundTripMs;
  proxy.bytesPerSecond = slowLink.bitsPerSecond / 8;
  const far: MailAccount = { ...account, imap: { ...account.imap, port: proxy.port } };
  const log = new ImapCommandLog();
  const sessionFor = (timeouts?: ImapTimeouts): MailSession =>
    new MailSession(far, withTestTransport({ accounts, logger: log.logger, ...(timeouts ? { timeouts } : {}) }, { extraCa: fs.readFileSync(stack.caFile) }));
  const timed = async (task: () => Promise<unknown>): Promise<{ ms: number; commands: number }> => {
    log.reset();
    const started = performance.now();
    await task();
    return { ms: performance.now() - started, commands: log.lines.length };
  };
  /**
   * Opening a message after a pause longer than the command connection's socket timeout: kept open by its
   * NOOPs (keepOpenMs), or, as before, closed by the timeout and opened again (keepOpenMs 0), in the same run.
   */
  const openAfterPause = async (keepOpenMs: number): Promise<{ ms: number; commands: number }[]> => {
    const opens: { ms: number; commands: number }[] = [];
    for (let run = 0; run < runs; run++) {
      const session = sessionFor({ ...pauseTimeouts, keepOpenMs });
      try {
        const newest = (await openFolderWithCache(session, noCache, 'INBOX', 50)).rows[0];
        if (!newest) {
          throw new Error('the slow-network stage needs a message in the Inbox');
        }
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        opens.push(await timed(() => loadMessage(session, { accountId: far.id, folder: 'INBOX', uid: newest.uid })));
      } finally {
        await session.dispose();
      }
    }
    return opens;
  };
  try {
    const signIn: number[] = [];
    const previews: number[] = [];
    let signInCommands: string[] = [];
    for (let run = 0; run < runs; run++) {
      const session = sessionFor();
      try {
        log.reset();
        const started = performance.now();
        const first = await openFolderWithCache(session, noCache, 'INBOX', 50);
        signIn.push(performance.now() - started);
        signInCommands = log.commands;
        await completeFirstScreen(session, noCache, 'INBOX', first);
        previews.push(performance.now() - started);
      } finally {
        await session.dispose();
      }
    }

    const session = sessionFor();
    try {
      const inbox = await openFolderWithCache(session, noCache, 'INBOX', 50);
      const newest = inbox.rows[0];
      if (!newest) {
        throw new Error('the slow-network stage needs a message in the Inbox');
      }
      const switches: { ms: number; commands: number }[] = [];
      const opens: { ms: number; commands: number }[] = [];
      for (let run = 0; run < runs; run++) {
        switches.push(await timed(() => openFolderWithCache(session, noCache, run % 2 === 0 ? benchFolderOf(1000) : 'INBOX', 50)));
      }
      // A message is opened from the folder on screen.
      await openFolderWithCache(session, noCache, 'INBOX', 50);
      for (let run = 0; run < runs; run++) {
        opens.push(await timed(() => loadMessage(session, { accountId: far.id, folder: 'INBOX', uid: newest.uid })));
      }

      // New mail: LMTP delivery until the row is in hand (IDLE reports it, the view fetches the newest page).
      await openFolderWithCache(session, noCache, 'INBOX', 50);
      const watching = new Promise<void>((resolve) => {
        const subscription = session.onDidChangeFolder((change) => {
          if (change.kind === 'watching') {
            subscription.dispose();
            resolve();
          }
        });
      });
      session.watch('INBOX');
      await watching;
      const arrivals: { ms: number; commands: number }[] = [];
      for (let run = 0; run < runs; run++) {
        const arrived = new Promise<void>((resolve) => {
          const subscription = session.onDidChangeFolder((change) => {
            if (change.kind === 'exists') {
              subscription.dispose();
              resolve();
            }
          });
        });
        arrivals.push(
          await timed(async () => {
            await stack.deliver(account.email, `From: bob@mailroom.test\r\nTo: ${account.email}\r\nSubject: slow arrival ${run}\r\n\r\nhello\r\n`);
            await arrived;
            await loadRows(session, 'INBOX', 0, 1);
          }),
        );
      }
      const keptOpen = await openAfterPause(60_000);
      const closed = await openAfterPause(0);
      const medianOf = (entries: { ms: number }[]): number => round(median(entries.map((entry) => entry.ms)));
      const most = (entries: { commands: number }[]): number => Math.max(...entries.map((entry) => entry.commands));
      return {
        'slowNet.signInToFirstScreenMs': round(median(signIn)),
        'slowNet.signInToFirstScreenRoundTrips': signInCommands.length,
        'slowNet.signInCommands': signInCommands.join(' '),
        'slowNet.previewsMs': round(median(previews)),
        'slowNet.folderSwitchMs': medianOf(switches),
        'slowNet.folderSwitchRoundTrips': most(switches),
        'slowNet.openMessageMs': medianOf(opens),
        'slowNet.openMessageRoundTrips': most(opens),
        'slowNet.newMailMs': medianOf(arrivals),
        'slowNet.newMailRoundTrips': most(arrivals),
        'slowNet.openAfterPauseMs': medianOf(keptOpen),
        'slowNet.openAfterPauseRoundTrips': most(keptOpen),
        'slowNet.openAfterPauseClosedMs': medianOf(closed),
        'slowNet.openAfterPauseClosedRoundTrips': most(closed),
      };
    } finally {
      await session.dispose();
    }
  } finally {
    await proxy.close();
  }
}

/**
 * `npm run bench -- slownet`: the slow-network stage alone (a stack with the 1,000-message folder the
 * folder switch needs), for changes to the connection set-up; the full `npm run bench` runs it too.
 */
export async function runSlowNetworkBenchmark(runs: number): Promise<SlowNetworkResults> {
  const stack = await startStack();
  try {
    await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(1000), 1000);
    // The Inbox of the whole benchmark holds a few messages too.
    for (const subject of ['first', 'second']) {
      await stack.deliver('alice@mailroom.test', `From: bob@mailroom.test\r\nTo: alice@mailroom.test\r\nSubject: ${subject}\r\n\r\nhello\r\n`);
    }
    const accounts = await StackMailAccounts.create(stack);
    return await measureSlowNetwork(stack, accounts, await accounts.signInByEmail(stack, 'alice@mailroom.test'), runs);
  } finally {
    await stack.stop();
  }
}
