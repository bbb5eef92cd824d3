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
}

/**
 * Every line Mailroom logs goes through here, so redaction happens in one place.
 * Library loggers (imapflow, nodemailer) are adapted onto this with {@link Logger.forLibrary}.
 */
export class Logger {
  public readonly redactor = new SecretRedactor();

  public constructor(private readonly sink: LogSink) {}

  public trace(message: string): void {
    this.sink.trace(this.redactor.redact(message));
  }

  public debug(message: string): void {
    this.sink.debug(this.redactor.redact(message));
  }

  public info(message: string): void {
    this.sink.info(this.redactor.redact(message));
  }

  public warn(message: string): void {
    this.sink.warn(this.redactor.redact(message));
  }

  public error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${describeError(error)}`;
    this.sink.error(this.redactor.redact(`${message}${detail}`));
  }

  /**
   * A pino/bunyan-style logger object for imapflow and nodemailer. Only the message and a few
   * safe fields are kept: their structured entries can carry raw protocol lines.
   */
  public forLibrary(name: string): LibraryLogger {
    const write =
      (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') =>
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
