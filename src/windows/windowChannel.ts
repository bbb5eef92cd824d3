import type { Duplex } from 'node:stream';
import * as v8 from 'node:v8';
import { isMailroomError, MailroomError } from '../util/errors';
import type { MailroomErrorCode } from '../util/errors';
import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';
import { checkFrame } from './windowProtocol';
import type { WindowEventName, WindowEvents, WindowFrame, WindowMethod, WindowRequests, WireError } from './windowProtocol';

/** The largest frame accepted: a message source or an attachment of the reader's size caps, with room. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export type RequestHandler = <K extends WindowMethod>(method: K, params: WindowRequests[K]['params']) => Promise<WindowRequests[K]['result']>;

/**
 * One end of a connection between two windows: length-prefixed frames (v8's structured clone, so
 * Buffers, Sets and Dates of the mail layer's results cross as they are), requests answered by id,
 * and events. Every frame is checked before it is used; a malformed one ends the connection.
 * When the connection ends, every request still waiting fails with a retryable NetworkError.
 */
export class WindowChannel implements Subscription {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly events = new Emitter<{ name: WindowEventName; payload: unknown }>();
  private readonly closing = new Emitter<void>();
  /** What arrived of the next frames, kept as it came: joined once a frame is whole, not per chunk (a 60 MB frame comes in thousands). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  public constructor(
    private readonly socket: Duplex,
    private readonly handler?: RequestHandler,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => this.ended());
    socket.on('error', () => this.ended());
  }

  public get isClosed(): boolean {
    return this.closed;
  }

  public request<K extends WindowMethod>(method: K, params: WindowRequests[K]['params']): Promise<WindowRequests[K]['result']> {
    if (this.closed) {
      return Promise.reject(leaderGone());
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.send({ kind: 'request', id, method, params });
      } catch (error) {
        this.waiting.delete(id);
        reject(error as Error);
      }
    });
  }

  public emit<K extends WindowEventName>(name: K, payload: WindowEvents[K]): void {
    if (!this.closed) {
      this.send({ kind: 'event', name, payload });
    }
  }

  public onEvent<K extends WindowEventName>(name: K, listener: (payload: WindowEvents[K]) => void): Subscription {
    return this.events.event((event) => {
      if (event.name === name) {
        listener(event.payload as WindowEvents[K]);
      }
    });
  }

  public onDidClose(listener: () => void): Subscription {
    return this.closing.event(listener);
  }

  public dispose(): void {
    this.socket.destroy();
    this.ended();
  }

  /**
   * Sends `frame`, or throws if it is larger than the other end accepts: sent, it would end the
   * connection there. An answer that large (a follower saving an attachment of 64 to 200 MB) fails
   * with a clear error instead, in {@link answer}, and the windows stay connected.
   */
  private send(frame: WindowFrame): void {
    const body = v8.serialize(frame);
    if (body.length > this.maxFrameBytes) {
      throw new MailroomError(
        'MessageTooLarge',
        `This is too large to pass between Mailroom windows (over ${Math.floor(this.maxFrameBytes / 1024 / 1024)} MB). Try again in the Mailroom window that holds the mail connections (usually the first opened), or after closing the other Mailroom windows.`,
      );
    }
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    this.socket.write(Buffer.concat([header, body]));
  }

  private received(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= 4) {
      const length = this.frameLength();
      if (length > this.maxFrameBytes) {
        return this.dispose();
      }
      if (this.pendingBytes < 4 + length) {
        return;
      }
      const whole = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
      const rest = whole.subarray(4 + length);
      this.pending = rest.length === 0 ? [] : [rest];
      this.pendingBytes = rest.length;
      let frame: unknown;
      try {
        frame = v8.deserialize(whole.subarray(4, 4 + length));
      } catch {
        return this.dispose();
      }
      if (!checkFrame(frame)) {
        return this.dispose();
      }
      this.handle(frame);
    }
  }

  /** The length the next frame's header announces (its 4 bytes may have come in more than one chunk). */
  private frameLength(): number {
    if (this.pending[0].length < 4) {
      this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
    }
    return this.pending[0].readUInt32BE(0);
  }

  private handle(frame: WindowFrame): void {
    switch (frame.kind) {
      case 'request':
        void this.answer(frame.id, frame.method, frame.params);
        return;
      case 'reply': {
        const waiter = this.waiting.get(frame.id);
        this.waiting.delete(frame.id);
        if (frame.ok) {
          waiter?.resolve(frame.value);
        } else {
          waiter?.reject(fromWire(frame.error));
        }
        return;
      }
      case 'event':
        this.events.fire({ name: frame.name, payload: frame.payload });
    }
  }

  private async answer(id: number, method: WindowMethod, params: unknown): Promise<void> {
    try {
      if (!this.handler) {
        throw new MailroomError('InvalidInput', 'This window answers no requests.');
      }
      const value: unknown = await this.handler(method, params as never);
      this.sendIfOpen({ kind: 'reply', id, ok: true, value: value ?? null });
    } catch (error) {
      this.sendIfOpen({ kind: 'reply', id, ok: false, error: toWire(error) });
    }
  }

  private sendIfOpen(frame: WindowFrame): void {
    if (!this.closed) {
      this.send(frame);
    }
  }

  private ended(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const waiter of this.waiting.values()) {
      waiter.reject(leaderGone());
    }
    this.waiting.clear();
    this.closing.fire();
    this.closing.dispose();
    this.events.dispose();
  }
}

/** A request the other window never answered: it closed (or was killed) first. Trying again reaches the next leader. */
export function leaderGone(): MailroomError {
  return new MailroomError('NetworkError', 'The Mailroom window that holds the mail connections closed before it answered. Try again.');
}

export function toWire(error: unknown): WireError {
  if (isMailroomError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.accountId === undefined ? {} : { accountId: error.accountId }),
    };
  }
  // imapflow's and Node's own errors: their message only (a server's words, never a token).
  return { code: 'Unknown', message: error instanceof Error ? error.message : String(error) };
}

export function fromWire(wire: WireError): Error {
  if (wire.code === 'Unknown') {
    return new Error(wire.message);
  }
  return new MailroomError(wire.code as MailroomErrorCode, wire.message, {
    ...(wire.retryAfterMs === undefined ? {} : { retryAfterMs: wire.retryAfterMs }),
    ...(wire.accountId === undefined ? {} : { accountId: wire.accountId }),
  });
}
