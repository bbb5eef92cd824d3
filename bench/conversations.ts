// The first screen of the 100,000-message folder as conversations against the same as messages
// (issue 15: within 2×). Both against the same session and folder, alternating, each from an
// unselected folder; medians of the warm runs. `npm run bench -- conversations` runs this stage alone.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConversationList } from '../src/mail/conversationList';
import type { ConversationPage } from '../src/mail/conversationList';
import { fetchFirstScreenRows } from '../src/mail/firstScreen';
import { ensureSelected, fetchNewestRows } from '../src/mail/mailbox';
import { MailSession } from '../src/mail/connection';
import { withTestTransport } from '../src/util/testTransport';
import { startStack } from '../test/stack';
import { ServerTimings, timeCommands } from './commandTimes';
import type { CommandTime } from './commandTimes';
import { benchFolderOf, settleFolders, signInAlice } from './floor';
import { median, round } from './statistics';

export interface ConversationBenchmark {
  /** Message mode's first screen: EXAMINE + FETCH of envelope, flags, dates and size (previews follow). */
  messagesMs: number;
  /** The same screen with the full rows in one FETCH (fetchNewestRows: + structure, thread id, preview bytes). */
  fullRowsMs: number;
  conversationsMs: number;
  /** From the first screen shown until its previews, the server's threads and Sent's replies are in. */
  completedMs: number;
  coldConversationsMs: number;
  /** The last run of each, command by command. */
  conversationCommands: CommandTime[];
  completingCommands: CommandTime[];
  messageCommands: CommandTime[];
  rows: number;
  messagesPerRow: number;
}

/** Message mode's first screen as the Inbox shows it before previews: a fresh EXAMINE and the cheap FETCH. */
function messagesFirstScreen(session: MailSession, folder: string, pageSize: number): Promise<unknown> {
  return session.run(async (client) => {
    const mailbox = await ensureSelected(client, folder, true, true);
    return fetchFirstScreenRows(client, mailbox.exists, 0, pageSize);
  });
}

async function timed<T>(session: MailSession, task: () => Promise<T>, timings?: ServerTimings): Promise<{ ms: number; result: T; times: CommandTime[] }> {
  await session.run(async (client) => void (await client.mailboxClose().catch(() => undefined)));
  const started = performance.now();
  const { result, times } = await timeCommands(session, task, timings);
  return { ms: performance.now() - started, result, times };
}

/** Conversation mode's first screen; the list, to complete it after the clock stops. */
async function openConversations(session: MailSession, folder: string, pageSize: number): Promise<{ list: ConversationList; page: ConversationPage }> {
  const list = new ConversationList(session, folder);
  return { list, page: await list.open(pageSize) };
}

export async function measureConversations(
  session: MailSession,
  folder: string,
  pageSize: number,
  runs: number,
  timings?: ServerTimings,
): Promise<ConversationBenchmark> {
  // The first THREAD builds Dovecot's thread index of the folder: timed on its own, with what follows the first screen.
  const cold = await timed(session, () => openConversations(session, folder, pageSize), timings);
  const coldRest = await timeCommands(session, () => cold.result.list.completeFirstScreen(), timings);
  const messages: number[] = [];
  const fullRows: number[] = [];
  const conversations: number[] = [];
  const completed: number[] = [];
  let last = cold;
  let lastRest = coldRest;
  let lastMessages: CommandTime[] = [];
  for (let run = 0; run < runs; run++) {
    const shown = await timed(session, () => messagesFirstScreen(session, folder, pageSize), timings);
    messages.push(shown.ms);
    lastMessages = shown.times;
    fullRows.push((await timed(session, () => fetchNewestRows(session, folder, pageSize))).ms);
    last = await timed(session, () => openConversations(session, folder, pageSize), timings);
    conversations.push(last.ms);
    // Previews, the server's threads and Sent's replies, once the first screen is shown (not in its time).
    const started = performance.now();
    lastRest = await timeCommands(session, () => last.result.list.completeFirstScreen(), timings);
    completed.push(performance.now() - started);
    if (!Array.isArray(lastRest.result)) {
      throw new Error(`the first screen was not completed in place: ${String(lastRest.result)}`);
    }
  }
  const rows = last.result.page.rows;
  if (rows.length !== pageSize) {
    throw new Error(`expected a first screen of ${pageSize} conversations, got ${rows.length}`);
  }
  const finalRows = Array.isArray(lastRest.result) ? lastRest.result : rows;
  return {
    messagesMs: median(messages),
    fullRowsMs: median(fullRows),
    conversationsMs: median(conversations),
    completedMs: median(completed),
    coldConversationsMs: cold.ms + coldRest.times.reduce((sum, time) => sum + time.clientMs, 0),
    conversationCommands: last.times,
    completingCommands: lastRest.times,
    messageCommands: lastMessages,
    rows: rows.length,
    messagesPerRow: finalRows.reduce((sum, row) => sum + (row.conversation?.count ?? 1), 0) / finalRows.length,
  };
}

/** "SELECT 3.1 ms (Dovecot 1.0)" for each command of a run. */
export function describeCommands(times: readonly CommandTime[]): string {
  return times
    .map((time) => `${time.command} ${round(time.clientMs)} ms${time.serverMs === undefined ? '' : ` (Dovecot ${round(time.serverMs)})`}`)
    .join(' + ');
}

/** The conversation stage alone: the 100,000-message folder seeded and settled as the inbox benchmark does. */
export async function runConversationsBenchmark(folderSize: number, pageSize: number, runs: number): Promise<string> {
  const folder = benchFolderOf(folderSize);
  const stack = await startStack();
  try {
    await stack.seedLargeFolder('alice@mailroom.test', folder, folderSize);
    const { accounts, account, login } = await signInAlice(stack);
    await settleFolders(stack, login, [folderSize], pageSize);
    const timings = new ServerTimings();
    const session = new MailSession(account, withTestTransport({ accounts, logger: timings.logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      await session.folders();
      const result = await measureConversations(session, folder, pageSize, runs, timings);
      return [
        `conversations.firstScreenMs          ${round(result.conversationsMs)}`,
        `conversations.messagesFirstScreenMs  ${round(result.messagesMs)}`,
        `conversations.ratio                  ${round(result.conversationsMs / result.messagesMs, 2)}   target ≤ 2`,
        `conversations.fullRowsMs             ${round(result.fullRowsMs)}   (message rows in one FETCH, the former first screen)`,
        `conversations.completedMs            ${round(result.completedMs)}   (after the first screen: previews, the server's threads, Sent)`,
        `conversations.coldMs                 ${round(result.coldConversationsMs)}`,
        `load average ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' / ')} on ${os.cpus().length} CPUs`,
        `- conversations (last run): ${describeCommands(result.conversationCommands)}`,
        `- then (last run): ${describeCommands(result.completingCommands)}`,
        `- messages (last run): ${describeCommands(result.messageCommands)}`,
        `- ${result.rows} conversations, ${result.messagesPerRow.toFixed(1)} messages each on average; medians of ${runs} alternating runs`,
      ].join('\n');
    } finally {
      await session.dispose();
    }
  } finally {
    await stack.stop();
  }
}
