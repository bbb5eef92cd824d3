import type { Logger } from '../../src/util/log';
import { testLogger } from './logging';

/**
 * The commands imapflow writes, read from its debug lines ("7 SELECT INBOX"; the server's tagged
 * answers are "7 OK …"), with where authentication ended. imapflow never pipelines, so each command
 * is one round trip.
 */
export class ImapCommandLog {
  /** Command lines as sent (an AUTHENTICATE line is redacted by the logger). */
  public lines: string[] = [];
  private authenticatedAt = -1;
  public readonly logger: Logger;

  public constructor(also?: (line: string, level: string) => void) {
    // Debug and above, like a log channel set to Debug: the commands are debug lines, and imapflow
    // then builds no trace line for each FETCH answer (neither does the extension at its default level).
    this.logger = testLogger((line, level) => {
      also?.(line, level);
      if (line.includes('[imapflow] User authenticated')) {
        this.authenticatedAt = this.lines.length;
        return;
      }
      const sent = level === 'debug' ? /^\[imapflow\] [A-Za-z0-9.]+ ([A-Z]+\b.*)$/.exec(line)?.[1] : undefined;
      if (sent && !/^(OK|NO|BAD)\b/.test(sent)) {
        this.lines.push(sent);
      }
    }, 'debug');
  }

  /** Command names, e.g. ['SELECT', 'FETCH', 'UID FETCH']. */
  public get commands(): string[] {
    return commandNames(this.lines);
  }

  /** Command lines sent after the server accepted the sign-in. */
  public afterAuthentication(): string[] {
    return this.authenticatedAt < 0 ? [] : this.lines.slice(this.authenticatedAt);
  }

  public reset(): void {
    this.lines = [];
    this.authenticatedAt = -1;
  }
}

/** The name of each command line: its first word, or its first two after UID. */
export function commandNames(lines: readonly string[]): string[] {
  return lines.map((line) => {
    const [first = '', second = ''] = line.split(' ');
    return first === 'UID' ? `${first} ${second}` : first;
  });
}
