// The protocol floor of the inbox benchmark (issue 12): a minimal IMAP client of our own, no library,
// that does only what any client must do for a first screen after authentication: EXAMINE the folder
// and FETCH the ENVELOPE of the newest page. Mailroom's numbers are read against it.
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';

export interface FloorOptions {
  host: string;
  port: number;
  ca: Buffer;
  user: string;
  accessToken: string;
}

export interface FloorMeasurement {
  ms: number;
  commands: number;
  /** Each command waits for the previous one's answer here, so one command is one round trip. */
  roundTrips: number;
  /** Bytes read from the TCP socket (TLS records included), from the first command to the last answer. */
  bytes: number;
  /** The time Dovecot reports in its tagged OKs, "(0.104 + 0.000 + 0.103 secs)": the whole command on the server. */
  serverMs: number;
  exists: number;
}

interface TaggedAnswer {
  lines: string[];
  serverMs: number;
  /** Dovecot's timing as it wrote it: "(running + lock waits + output waits secs)". */
  timing: string;
}

/** Dovecot's own timing of a command, from the text of its tagged OK. */
export function serverMsOfTaggedOk(line: string): number {
  const match = /\((\d+\.\d+) \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)/.exec(line);
  return match ? Number(match[1]) * 1000 : 0;
}

/** The message count of an EXAMINE's untagged answers. */
function existsOf(lines: readonly string[]): number {
  return Number(lines.map((line) => /^\* (\d+) EXISTS/.exec(line)?.[1]).find((value) => value !== undefined) ?? 0);
}

export class FloorClient {
  private buffer = Buffer.alloc(0);
  private tagCounter = 0;
  private waiting: { tag: string; resolve: (answer: TaggedAnswer) => void; reject: (error: Error) => void; lines: string[] } | undefined;
  private greeting: ((line: string) => void) | undefined;

  private constructor(private readonly socket: tls.TLSSocket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.waiting?.reject(error));
  }

  /** TLS, the greeting, AUTHENTICATE XOAUTH2: a connection ready for the measured commands. */
  public static async connect(options: FloorOptions): Promise<FloorClient> {
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const connected = tls.connect({ host: options.host, port: options.port, ca: options.ca }, () => resolve(connected));
      connected.once('error', reject);
    });
    const client = new FloorClient(socket);
    await new Promise<string>((resolve) => (client.greeting = resolve));
    const sasl = Buffer.from(`user=${options.user}\x01auth=Bearer ${options.accessToken}\x01\x01`).toString('base64');
    await client.command(`AUTHENTICATE XOAUTH2 ${sasl}`);
    return client;
  }

  /** EXAMINE `folder`, then FETCH the ENVELOPE of its newest `count` messages; timed from the first byte sent. */
  public async examineNewest(folder: string, count: number): Promise<FloorMeasurement> {
    const bytesBefore = this.socket.bytesRead;
    const started = performance.now();
    const examined = await this.command(`EXAMINE "${folder}"`);
    const exists = existsOf(examined.lines);
    const fetched = await this.command(`FETCH ${Math.max(1, exists - count + 1)}:${Math.max(1, exists)} (ENVELOPE)`);
    const ms = performance.now() - started;
    // Leave the folder so the next EXAMINE opens it afresh, as a folder switch does.
    await this.command('UNSELECT');
    return { ms, commands: 2, roundTrips: 2, bytes: this.socket.bytesRead - bytesBefore, serverMs: examined.serverMs + fetched.serverMs, exists };
  }

  /** EXAMINE `folder`, FETCH each of `itemLists` of its newest `count` messages, UNSELECT: what a client's reads leave in Dovecot's cache. */
  public async fetchNewest(folder: string, count: number, itemLists: readonly string[]): Promise<void> {
    const examined = await this.command(`EXAMINE "${folder}"`);
    const exists = existsOf(examined.lines);
    for (const items of itemLists) {
      await this.command(`FETCH ${Math.max(1, exists - count + 1)}:${Math.max(1, exists)} (${items})`);
    }
    await this.command('UNSELECT');
  }

  /** Mailroom's sessions enable CONDSTORE, so a mailbox it uses keeps modseqs in its index. */
  public async enableCondstore(): Promise<void> {
    await this.command('ENABLE CONDSTORE');
  }

  /** SELECT (read-write, so Dovecot may write back its index) without fetching anything. */
  public async select(folder: string): Promise<number> {
    return (await this.command(`SELECT "${folder}"`)).serverMs;
  }

  /** Any one command; Dovecot's own time for it (from its tagged OK), and its timing as written. */
  public async timed(text: string): Promise<{ serverMs: number; timing: string }> {
    const { serverMs, timing } = await this.command(text);
    return { serverMs, timing };
  }

  /** LOGOUT and wait for the server to close: Dovecot writes a folder's index files as its session ends. */
  public async logout(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    await this.command('LOGOUT').catch(() => undefined);
    await closed;
  }

  public close(): void {
    this.socket.destroy();
  }

  /** The connection's socket, for timing probes (bench/wireTimeline.ts). */
  public get tlsSocket(): tls.TLSSocket {
    return this.socket;
  }

  private command(text: string): Promise<TaggedAnswer> {
    const tag = `F${++this.tagCounter}`;
    return new Promise<TaggedAnswer>((resolve, reject) => {
      this.waiting = { tag, resolve, reject, lines: [] };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** Splits the stream into lines; a literal `{n}` is kept inside its line (ENVELOPE fields may be literals). */
  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.lineEnd();
      if (end < 0) {
        return;
      }
      const line = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2);
      this.line(line);
    }
  }

  private lineEnd(): number {
    let from = 0;
    for (;;) {
      const end = this.buffer.indexOf('\r\n', from);
      if (end < 0) {
        return -1;
      }
      const literal = /\{(\d+)\}$/.exec(this.buffer.subarray(from, end).toString('latin1'));
      if (!literal) {
        return end;
      }
      from = end + 2 + Number(literal[1]);
      if (from > this.buffer.length) {
        return -1;
      }
    }
  }

  private line(line: string): void {
    if (this.greeting) {
      const greeted = this.greeting;
      this.greeting = undefined;
      greeted(line);
      return;
    }
    const waiting = this.waiting;
    if (!waiting) {
      return;
    }
    if (line.startsWith('+ ')) {
      // A refused XOAUTH2 sends its error as a challenge; the empty answer lets the tagged NO follow.
      this.socket.write('\r\n');
      return;
    }
    if (!line.startsWith(`${waiting.tag} `)) {
      waiting.lines.push(line);
      return;
    }
    this.waiting = undefined;
    if (line.startsWith(`${waiting.tag} OK`)) {
      waiting.resolve({ lines: waiting.lines, serverMs: serverMsOfTaggedOk(line), timing: /\([^)]*secs\)/.exec(line)?.[0] ?? '' });
    } else {
      waiting.reject(new Error(`the server refused ${line.split(' ').slice(1, 3).join(' ')}`));
    }
  }
}
