// The tests' one way to make a Logger: quiet, recording, or handing each line to the test.
import { Logger, logLevelNumbers } from '../../src/util/log';
import type { LogLevelName, LogSink } from '../../src/util/log';

export type LogLevel = LogLevelName;

/**
 * A Logger whose lines go to `write` with their level; with no `write`, nowhere. With `lowest`,
 * its sink keeps only that level and above, as a log channel set to that level does.
 */
export function testLogger(write: (message: string, level: LogLevel) => void = () => undefined, lowest?: LogLevel): Logger {
  const to =
    (level: LogLevel) =>
    (message: string): void =>
      write(message, level);
  return new Logger({
    trace: to('trace'),
    debug: to('debug'),
    info: to('info'),
    warn: to('warn'),
    error: to('error'),
    ...(lowest === undefined ? {} : { logLevel: logLevelNumbers[lowest] }),
  });
}

/** A LogSink that keeps every line as "<level> <message>", for sentinel scans and expected warnings. */
export class RecordingSink implements LogSink {
  public constructor(public readonly lines: string[] = []) {}
  public trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  public debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  public info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  public warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  public error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

/** A Logger that records into `lines` (a fresh array by default), which several loggers may share. */
export function recordingLogger(lines: string[] = []): { logger: Logger; sink: RecordingSink; lines: string[] } {
  const sink = new RecordingSink(lines);
  return { logger: testLogger((message, level) => sink[level](message)), sink, lines };
}
