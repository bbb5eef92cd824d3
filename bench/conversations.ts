// The first screen of the 100,000-message folder as conversations against the same as messages
// (issue 15: within 2×). Both against the same session and folder, alternating, each from an
// unselected folder; medians of the warm runs.
import { performance } from 'node:perf_hooks';
import { ConversationList } from '../src/mail/conversationList';
import { fetchNewestRows } from '../src/mail/mailbox';
import type { MailSession } from '../src/mail/connection';
import { countCommands } from '../test/support/commandCounter';
import { median } from './statistics';

export interface ConversationBenchmark {
  messagesMs: number;
  conversationsMs: number;
  coldConversationsMs: number;
  commands: string[];
  rows: number;
  messagesPerRow: number;
}

async function timed<T>(session: MailSession, task: () => Promise<T>): Promise<{ ms: number; result: T; commands: string[] }> {
  await session.run(async (client) => void (await client.mailboxClose().catch(() => undefined)));
  const started = performance.now();
  const { result, commands } = await countCommands(session, task);
  return { ms: performance.now() - started, result, commands };
}

export async function measureConversations(session: MailSession, folder: string, pageSize: number, runs: number): Promise<ConversationBenchmark> {
  // The first THREAD builds Dovecot's thread index of the folder: timed on its own.
  const cold = await timed(session, () => new ConversationList(session, folder).open(pageSize));
  const messages: number[] = [];
  const conversations: number[] = [];
  let last = cold;
  for (let run = 0; run < runs; run++) {
    messages.push((await timed(session, () => fetchNewestRows(session, folder, pageSize))).ms);
    last = await timed(session, () => new ConversationList(session, folder).open(pageSize));
    conversations.push(last.ms);
  }
  const rows = last.result.rows;
  if (rows.length !== pageSize) {
    throw new Error(`expected a first screen of ${pageSize} conversations, got ${rows.length}`);
  }
  return {
    messagesMs: median(messages),
    conversationsMs: median(conversations),
    coldConversationsMs: cold.ms,
    commands: last.commands,
    rows: rows.length,
    messagesPerRow: rows.reduce((sum, row) => sum + (row.conversation?.count ?? 1), 0) / rows.length,
  };
}
