import { format } from 'node:util';
import type * as vscode from 'vscode';
import { SecretRedactor } from './redact';

/** The subset of a log sink that Mailroom writes to; satisfied by a `LogOutputChannel`. */
export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /**
   * The lowest level the sink keeps, as `vscode.LogLevel` numbers it (0 off, 1 trace … 5 error):
   * a `LogOutputChannel` follows the user's "Set Log Level". Without one every level is kept.
   */
  readonly logLevel?: number;
}

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** `vscode.LogLevel`'s numbers, so src/util needs no vscode at run time. */
export const logLevelNumbers: Record<LogLevelName, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };

/**
 * Every line Mailroom logs goes through here, so redaction happens in one place.
 * Library loggers (imapflow, nodemailer) are adapted onto this with {@link Logger.forLibrary}.
 */
export class Logger {
  public readonly redactor = new SecretRedactor();

  public constructor(private readonly sink: LogSink) {}

  /** Whether the sink keeps lines of `level` now (the user can change it at any time). */
  public isEnabled(level: LogLevelName): boolean {
    const lowest = this.sink.logLevel;
    return lowest === undefined || (lowest !== 0 && lowest <= logLevelNumbers[level]);
  }

  public trace(message: string): void {
    this.write('trace', message);
  }

  public debug(message: string): void {
    this.write('debug', message);
  }

  public info(message: string): void {
    this.write('info', message);
  }

  public warn(message: string): void {
    this.write('warn', message);
  }

  public error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${describeError(error)}`;
    this.write('error', `${message}${detail}`);
  }

  /** Redacted, and only at a level the sink keeps (redaction is not free; the sink would drop it anyway). */
  private write(level: LogLevelName, message: string): void {
    if (this.isEnabled(level)) {
      this.sink[level](this.redactor.redact(message));
    }
  }

  /**
   * A pino/bunyan-style logger object for imapflow and nodemailer. Only the message and a few
   * safe fields are kept: their structured entries can carry raw protocol lines. `isLevelEnabled`
   * lets imapflow skip turning every server line back into text for a level nobody keeps: at
   * trace that is each FETCH line, ~1 ms of a 50-row first screen (issue 12, bench/switchSplit.ts).
   */
  public forLibrary(name: string): LibraryLogger {
    const write =
      (level: LogLevelName) =>
      (entry: unknown, ...rest: unknown[]): void => {
        const text = formatLibraryEntry(entry, rest);
        if (text) {
          this[level](`[${name}] ${text}`);
        }
      };
    return {
      trace: write('trace'),
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      fatal: write('error'),
      child: () => this.forLibrary(name),
      isLevelEnabled: (level) => this.isEnabled(level === 'fatal' ? 'error' : (level as LogLevelName)),
    };
  }
}

export interface LibraryLogger {
  trace(entry: unknown, ...rest: unknown[]): void;
  debug(entry: unknown, ...rest: unknown[]): void;
  info(entry: unknown, ...rest: unknown[]): void;
  warn(entry: unknown, ...rest: unknown[]): void;
  error(entry: unknown, ...rest: unknown[]): void;
  fatal(entry: unknown, ...rest: unknown[]): void;
  child(): LibraryLogger;
  /** pino's name for it; imapflow asks before it builds an expensive entry. */
  isLevelEnabled(level: string): boolean;
}

function formatLibraryEntry(entry: unknown, rest: unknown[]): string {
  if (typeof entry === 'string') {
    return [entry, ...rest.filter((part) => typeof part === 'string')].join(' ');
  }
  if (entry && typeof entry === 'object') {
    const record = entry as Record<string, unknown>;
    // Raw protocol traffic ("data", "src") is dropped whole: it carries AUTHENTICATE payloads.
    // nodemailer passes a printf-style template and its values ('User %s authenticated', name).
    const message =
      typeof record.msg === 'string'
        ? record.msg
        : typeof rest[0] === 'string'
          ? format(rest[0], ...rest.slice(1).filter((part) => typeof part === 'string' || typeof part === 'number'))
          : '';
    const code = typeof record.code === 'string' ? ` (${record.code})` : '';
    const error = record.err instanceof Error ? `: ${record.err.message}` : '';
    return `${message}${code}${error}`.trim();
  }
  return '';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Creates the "Mailroom" log output channel. */
export function createLogger(window: typeof vscode.window): { logger: Logger; channel: vscode.LogOutputChannel } {
  const channel = window.createOutputChannel('Mailroom', { log: true });
  return { logger: new Logger(channel), channel };
}
