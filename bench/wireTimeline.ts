// When each IMAP command of a measured step went out and when its answer came back, read at the
// socket of either client (imapflow's or the floor's): the write of the command line, the first
// chunk of its answer, the chunk that completed its tagged line and the time Dovecot reports in it.
// Bench-only: attached around the measured runs and detached after; nothing is kept of the
// traffic but tags, command names and times (no mail text).
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { serverMsOfTaggedOk } from './floorClient';

export interface WireCommand {
  tag: string;
  /** The command's first word ("EXAMINE", "FETCH", "UID FETCH"). */
  name: string;
  sentAt: number;
  /** How long the write call itself took (TLS encryption and the send). */
  writeMs?: number;
  /** The first chunk read after the command went out. */
  firstByteAt?: number;
  /** The chunk that completed the tagged answer. */
  answeredAt?: number;
  /** Dovecot's own time for the command, from its tagged OK. */
  serverMs?: number;
  chunks: number;
}

/** Longest start of a line kept while it is incomplete: a tagged answer is far shorter. */
const keptLineStart = 256;

export class WireTimeline {
  public readonly commands: WireCommand[] = [];
  private partialLine = '';
  private readonly restore: () => void;

  /** Records the commands written to `writer` and the answers read from `reader` (the same TLS socket for both clients). */
  public constructor(writer: Duplex, reader: Duplex) {
    const write = writer.write;
    const sent = (chunk: unknown): WireCommand | undefined => this.sent(chunk);
    writer.write = function (this: Duplex, chunk: unknown, ...rest: unknown[]): boolean {
      const command = sent(chunk);
      try {
        return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } finally {
        if (command) {
          command.writeMs = performance.now() - command.sentAt;
        }
      }
    } as typeof writer.write;
    const received = (chunk: Buffer): void => this.received(chunk);
    // First among the listeners, so the time is taken before the client parses the chunk.
    reader.prependListener('data', received);
    this.restore = () => {
      writer.write = write;
      reader.removeListener('data', received);
    };
  }

  public detach(): void {
    this.restore();
  }

  /** The first command of this name since `from` (an index into {@link commands}). */
  public find(name: string, from = 0): WireCommand | undefined {
    return this.commands.slice(from).find((command) => command.name === name);
  }

  private sent(chunk: unknown): WireCommand | undefined {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('latin1', 0, 64) : typeof chunk === 'string' ? chunk.slice(0, 64) : '';
    const match = /^([A-Za-z0-9]+) ((?:UID )?[A-Z]+)/.exec(text);
    if (!match?.[1] || !match[2]) {
      return undefined;
    }
    const command: WireCommand = { tag: match[1], name: match[2], sentAt: performance.now(), chunks: 0 };
    this.commands.push(command);
    return command;
  }

  private received(chunk: Buffer): void {
    const at = performance.now();
    const pending = this.commands.filter((command) => command.answeredAt === undefined);
    for (const command of pending) {
      command.firstByteAt ??= at;
      command.chunks++;
    }
    const lines = (this.partialLine + chunk.toString('latin1')).split('\r\n');
    this.partialLine = (lines.pop() ?? '').slice(0, keptLineStart);
    for (const line of lines) {
      const tag = /^([A-Za-z0-9]+) (?:OK|NO|BAD)\b/.exec(line)?.[1];
      const command = tag === undefined ? undefined : pending.find((candidate) => candidate.tag === tag);
      if (command) {
        command.answeredAt = at;
        command.serverMs = serverMsOfTaggedOk(line);
      }
    }
  }
}
