// Where a task's time goes, per IMAP command: the client's time from sending a command until its
// tagged answer (imapflow's `exec`), and Dovecot's own timing of it from the tagged OK.
import { performance } from 'node:perf_hooks';
import type { MailSession } from '../src/mail/connection';
import { interceptCommands } from '../test/support/commandCounter';
import { testLogger } from '../test/support/logging';

export interface CommandTime {
  command: string;
  clientMs: number;
  serverMs?: number;
}

/**
 * Dovecot ends each tagged OK with its own timing, "(0.104 + 0.000 + 0.103 secs)"; the first number
 * is the whole command on the server. Kept from imapflow's (redacted) debug lines.
 */
export class ServerTimings {
  public readonly seconds: { command: string; secs: number }[] = [];
  /** Debug and above: the tagged OKs are debug lines; trace (each FETCH line) stays off, as in the extension. */
  public readonly logger = testLogger((line, level) => {
    const match = level === 'debug' ? /\b(\w+) completed \((\d+\.\d+) \+/.exec(line) : null;
    if (match) {
      this.seconds.push({ command: match[1] ?? '', secs: Number(match[2]) });
    }
  }, 'debug');

  /** Server milliseconds of the last `count` commands of these kinds (Dovecot's words: Select, Examine, Fetch, ...). */
  public lastMs(count: number, kinds: readonly string[] = ['Select', 'Examine', 'Fetch']): number {
    return this.seconds
      .filter((entry) => kinds.includes(entry.command))
      .slice(-count)
      .reduce((sum, entry) => sum + entry.secs * 1000, 0);
  }
}

/** Runs `task` and times each IMAP command it sends; with `timings`, Dovecot's time of each is paired in order. */
export async function timeCommands<T>(session: MailSession, task: () => Promise<T>, timings?: ServerTimings): Promise<{ result: T; times: CommandTime[] }> {
  const times: CommandTime[] = [];
  const serverBefore = timings?.seconds.length ?? 0;
  const result = await interceptCommands(session, task, async (command, _attributes, send) => {
    const started = performance.now();
    try {
      return await send();
    } finally {
      times.push({ command, clientMs: performance.now() - started });
    }
  });
  const server = timings?.seconds.slice(serverBefore) ?? [];
  if (server.length === times.length) {
    server.forEach((entry, index) => Object.assign(times[index] ?? {}, { serverMs: entry.secs * 1000 }));
  }
  return { result, times };
}
