// A tiny LMTP client (RFC 2033) for delivering messages into Dovecot over a loopback TCP connection.
import * as net from 'node:net';

interface Reply {
  code: number;
  text: string;
}

/** Reads complete (possibly multi-line) replies from the server, one at a time. */
class ReplyReader {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private readonly waiters: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.push(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('LMTP connection closed')));
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let lines: string[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      lines.push(line);
      if (line.charAt(3) !== '-') {
        this.deliver({ code: Number(line.slice(0, 3)), text: lines.map((part) => part.slice(4)).join('\n') });
        lines = [];
      }
    }
    if (lines.length) this.buffer = `${lines.join('\r\n')}\r\n${this.buffer}`;
  }

  private deliver(reply: Reply): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  next(): Promise<Reply> {
    const reply = this.replies.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

async function expect(reader: ReplyReader, expected: number, step: string, onReply?: (reply: string) => void): Promise<void> {
  const reply = await reader.next();
  onReply?.(`${step}: ${reply.code} ${reply.text}`);
  if (Math.floor(reply.code / 100) !== expected) throw new Error(`LMTP ${step} failed: ${reply.code} ${reply.text}`);
}

/** Dot-stuffs the message and makes every line end in CRLF. */
function encodeData(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  const stuffed = text.replace(/^\./gm, '..');
  return Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

/** `onReply` hears each of the server's replies after DATA (for explaining a delivery that stalls). */
export async function deliverOverLmtp(
  port: number,
  envelope: { from: string; to: readonly string[] },
  raw: string | Buffer,
  onReply?: (reply: string) => void,
): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const reader = new ReplyReader(socket);
  const send = (line: string): void => {
    socket.write(`${line}\r\n`);
  };
  try {
    await expect(reader, 2, 'greeting');
    send('LHLO mailroom-test-stack');
    await expect(reader, 2, 'LHLO');
    send(`MAIL FROM:<${envelope.from}>`);
    await expect(reader, 2, 'MAIL FROM');
    for (const recipient of envelope.to) {
      send(`RCPT TO:<${recipient}>`);
      await expect(reader, 2, `RCPT TO ${recipient}`);
    }
    send('DATA');
    await expect(reader, 3, 'DATA');
    socket.write(encodeData(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8')));
    for (const recipient of envelope.to) await expect(reader, 2, `delivery to ${recipient}`, onReply);
    send('QUIT');
    await reader.next().catch(() => undefined);
  } finally {
    socket.destroy();
  }
}
