// Cold start from the envelope cache (issue 12, step 6): a window reloads, the Inbox asks for the
// folder, and the cached rows come back before any IMAP command; the server's page follows.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MailAccount } from '../src/auth/accountApi';
import { MailSession } from '../src/mail/connection';
import { EnvelopeCache } from '../src/mail/envelopeCache';
import { withTestTransport } from '../src/util/testTransport';
import { FolderRows } from '../src/views/folderRows';
import type { Stack } from '../test/stack';
import { ImapCommandLog } from '../test/support/imapCommandLog';
import { testLogger } from '../test/support/logging';
import type { StackMailAccounts } from '../test/support/stackAccounts';
import { median, round } from './statistics';

export interface ColdStartResults {
  'coldStart.cachedRowsMs': number;
  'coldStart.commandsBeforeRows': number;
  'coldStart.reconciledMs': number;
}

/**
 * Fills the cache from one session (first screen and its details), then, `runs` times, opens the
 * folder from a new session as a reloaded window does: the time to the cached page, the IMAP
 * commands sent before it, and the time until the server's page reconciled it.
 */
export async function measureColdStart(
  stack: Stack,
  accounts: StackMailAccounts,
  account: MailAccount,
  folder: string,
  pageSize: number,
  runs: number,
): Promise<ColdStartResults> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-cache-'));
  const cache = new EnvelopeCache(directory, () => true, testLogger());
  const newSession = (logger = testLogger()): MailSession =>
    new MailSession(account, withTestTransport({ accounts, logger }, { extraCa: fs.readFileSync(stack.caFile) }));
  try {
    const before = newSession();
    try {
      await (
        await new FolderRows(cache).open(before, folder, pageSize)
      ).details;
    } finally {
      await before.dispose();
    }
    const cachedRows: number[] = [];
    const reconciled: number[] = [];
    let commandsBeforeRows = 0;
    for (let run = 0; run < runs; run++) {
      const log = new ImapCommandLog();
      const session = newSession(log.logger);
      try {
        const started = performance.now();
        const opened = await new FolderRows(cache).open(session, folder, pageSize);
        cachedRows.push(performance.now() - started);
        commandsBeforeRows = Math.max(commandsBeforeRows, log.lines.length);
        if (!opened.page.reconciling || !opened.reconciled || opened.page.rows.length !== pageSize) {
          throw new Error(`cold start did not come from the cache (${opened.page.rows.length} rows)`);
        }
        const server = await opened.reconciled;
        reconciled.push(performance.now() - started);
        // The previews' FETCH too, before the session goes (a command after dispose() would connect again).
        await server.details;
      } finally {
        await session.dispose();
      }
    }
    return {
      'coldStart.cachedRowsMs': round(median(cachedRows)),
      'coldStart.commandsBeforeRows': commandsBeforeRows,
      'coldStart.reconciledMs': round(median(reconciled)),
    };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export function coldStartNote(folderSize: number, runs: number): string {
  return `coldStart.*: a new session (a reloaded window) opens the ${folderSize.toLocaleString('en')}-message folder with the envelope cache on, median of ${runs}; cachedRowsMs from the folder request in the extension host to the cached page (the view's postMessage and paint not included), commandsBeforeRows the IMAP commands sent by then (target 0), reconciledMs until the server's page (connect, sign-in, SELECT, FETCH) replaced it`;
}
