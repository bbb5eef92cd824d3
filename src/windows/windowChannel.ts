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
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;

  public constructor(
    private readonly socket: Duplex,
    private readonly handler?: RequestHandler,
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
      this.send({ kind: 'request', id, method, params });
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

  private send(frame: WindowFrame): void {
    const body = v8.serialize(frame);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    this.socket.write(Buffer.concat([header, body]));
  }

  private received(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        return this.dispose();
      }
      if (this.buffered.length < 4 + length) {
        return;
      }
      const body = this.buffered.subarray(4, 4 + length);
      this.buffered = this.buffered.subarray(4 + length);
      let frame: unknown;
      try {
        frame = v8.deserialize(body);
      } catch {
        return this.dispose();
      }
      if (!checkFrame(frame)) {
        return this.dispose();
      }
      this.handle(frame);
    }
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
