// The windows' request/reply channel (src/windows/windowChannel.ts) over an in-memory stream pair, and the
// protocol's checks (src/windows/windowProtocol.ts): every frame is checked on arrival, both ways.
import * as assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import * as v8 from 'node:v8';
import { MailroomError } from '../../../src/util/errors';
import { WindowChannel } from '../../../src/windows/windowChannel';
import type { RequestHandler } from '../../../src/windows/windowChannel';
import { checkFrame } from '../../../src/windows/windowProtocol';

function streamPair(): [Duplex, Duplex] {
  const leftToRight = new PassThrough();
  const rightToLeft = new PassThrough();
  const ends: [Duplex, Duplex] = [Duplex.from({ readable: rightToLeft, writable: leftToRight }), Duplex.from({ readable: leftToRight, writable: rightToLeft })];
  // One end destroyed aborts the streams both ends share: the other end hears it as an error, as a socket's peer would.
  for (const stream of [...ends, leftToRight, rightToLeft]) {
    stream.on('error', () => undefined);
  }
  return ends;
}

function frame(value: unknown): Buffer {
  const body = v8.serialize(value);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

describe('WindowChannel', () => {
  it('answers requests by id with the handler’s result; Buffers and Sets cross as they are', async () => {
    const [left, right] = streamPair();
    const handler: RequestHandler = async (method, params) =>
      (method === 'mail' ? { source: Buffer.from('raw mail'), flags: new Set(['\\Seen']), echo: params } : null) as never;
    new WindowChannel(right, handler);
    const follower = new WindowChannel(left);
    const [first, second] = await Promise.all([
      follower.request('mail', { accountId: 'a', operation: 'loadSource', args: [{ folder: 'INBOX', uid: 7 }] }),
      follower.request('focus', { focused: true }),
    ]);
    const result = first as { source: Buffer; flags: Set<string>; echo: unknown };
    assert.ok(Buffer.isBuffer(result.source));
    assert.equal(result.source.toString(), 'raw mail');
    assert.ok(result.flags.has('\\Seen'));
    assert.deepEqual(result.echo, { accountId: 'a', operation: 'loadSource', args: [{ folder: 'INBOX', uid: 7 }] });
    assert.equal(second, null);
  });

  it('a MailroomError crosses with its code, message and retry hint; another error with its message only', async () => {
    const [left, right] = streamPair();
    let calls = 0;
    new WindowChannel(right, async () => {
      calls++;
      if (calls === 1) {
        throw new MailroomError('Throttled', 'Slow down.', { retryAfterMs: 5000, accountId: 'a', cause: new Error('secret cause') });
      }
      throw new Error('imap said no');
    });
    const follower = new WindowChannel(left);
    await assert.rejects(follower.request('focus', { focused: true }), (error: unknown) => {
      assert.ok(error instanceof MailroomError);
      assert.equal(error.code, 'Throttled');
      assert.equal(error.retryAfterMs, 5000);
      assert.equal(error.accountId, 'a');
      assert.equal(error.cause, undefined);
      return true;
    });
    await assert.rejects(follower.request('focus', { focused: true }), { message: 'imap said no' });
  });

  it('a request waiting when the connection closes fails at once with a retryable NetworkError, and later ones too', async () => {
    const [left, right] = streamPair();
    // The other side never answers (a leader frozen, then killed).
    new WindowChannel(right, () => new Promise(() => undefined));
    const follower = new WindowChannel(left);
    const waiting = follower.request('mail', { accountId: 'a', operation: 'loadRows', args: ['INBOX', 0, 50] });
    let closed = 0;
    follower.onDidClose(() => closed++);
    left.destroy();
    await assert.rejects(waiting, (error: unknown) => error instanceof MailroomError && error.code === 'NetworkError');
    await assert.rejects(follower.request('focus', { focused: true }), (error: unknown) => error instanceof MailroomError && error.code === 'NetworkError');
    assert.equal(closed, 1);
  });

  it('[SEC-31] a frame that fails its check ends the connection; the handler never sees it', async () => {
    const [left, right] = streamPair();
    const seen: string[] = [];
    const leader = new WindowChannel(right, async (method) => {
      seen.push(method);
      return null as never;
    });
    const closed = new Promise<void>((resolve) => leader.onDidClose(resolve));
    left.write(frame({ kind: 'request', id: 1, method: 'mail', params: { accountId: 'a', operation: 'x', args: 'not a list' } }));
    await closed;
    assert.deepEqual(seen, []);
    assert.ok(leader.isClosed);
  });

  it('a frame announcing more than the size limit ends the connection before it is buffered', async () => {
    const [left, right] = streamPair();
    const leader = new WindowChannel(right, async () => null as never);
    const closed = new Promise<void>((resolve) => leader.onDidClose(resolve));
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0xffffffff);
    left.write(header);
    await closed;
  });

  it('an answer larger than the other end accepts fails there with a clear error, and the windows stay connected', async () => {
    const [left, right] = streamPair();
    const limit = 64 * 1024;
    new WindowChannel(right, async (method) => (method === 'mail' ? Buffer.alloc(limit + 1) : 'small') as never, limit);
    const follower = new WindowChannel(left, undefined, limit);
    await assert.rejects(
      follower.request('mail', { accountId: 'a', operation: 'attachmentContent', args: [] }),
      (error: unknown) =>
        error instanceof MailroomError && error.code === 'MessageTooLarge' && /too large to pass between Mailroom windows/.test(error.message),
    );
    assert.equal(follower.isClosed, false);
    assert.equal(await follower.request('focus', { focused: true }), 'small', 'the same link answers the next request');
  });

  it('a large frame arriving in many chunks is joined once it is whole, not again per chunk', async () => {
    const [left, right] = streamPair();
    const content = Buffer.alloc(4 * 1024 * 1024, 7);
    const bytes = frame({ kind: 'request', id: 1, method: 'mail', params: { accountId: 'a', operation: 'x', args: [content] } });
    let received: unknown;
    const arrived = new Promise<void>((resolve) => {
      new WindowChannel(right, async (_method, params) => {
        received = params;
        resolve();
        return null as never;
      });
    });
    const concat = Buffer.concat;
    let copied = 0;
    Buffer.concat = ((list: readonly Uint8Array[], totalLength?: number) => {
      const joined = concat(list, totalLength);
      copied += joined.length;
      return joined;
    }) as typeof Buffer.concat;
    try {
      for (let start = 0; start < bytes.length; start += 64 * 1024) {
        left.write(bytes.subarray(start, start + 64 * 1024));
      }
      await arrived;
    } finally {
      Buffer.concat = concat;
    }
    assert.ok((received as { args: Buffer[] }).args[0].equals(content), 'the frame read whole');
    assert.ok(copied <= 2 * bytes.length, `joined ${copied} bytes for a frame of ${bytes.length}`);
  });

  it('frames split across chunks and several frames in one chunk are both read', async () => {
    const [left, right] = streamPair();
    const seen: boolean[] = [];
    new WindowChannel(right, async (_method, params) => {
      seen.push((params as { focused: boolean }).focused);
      return null as never;
    });
    const bytes = Buffer.concat([
      frame({ kind: 'request', id: 1, method: 'focus', params: { focused: true } }),
      frame({ kind: 'request', id: 2, method: 'focus', params: { focused: false } }),
    ]);
    left.write(bytes.subarray(0, 3));
    left.write(bytes.subarray(3, 20));
    left.write(bytes.subarray(20));
    const deadline = Date.now() + 2000;
    while (seen.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual(seen, [true, false]);
  });
});

describe('windowProtocol checkFrame', () => {
  const valid = [
    { kind: 'request', id: 1, method: 'hello', params: { secret: 's', window: 'w' } },
    { kind: 'request', id: 2, method: 'mail', params: { accountId: 'a', operation: 'loadRows', args: ['INBOX', 0, 50] } },
    { kind: 'request', id: 3, method: 'watch', params: { accountId: 'a', folder: undefined } },
    { kind: 'reply', id: 3, ok: true, value: null },
    { kind: 'reply', id: 3, ok: false, error: { code: 'NetworkError', message: 'gone' } },
    { kind: 'event', name: 'folderChange', payload: { accountId: 'a', folder: 'INBOX', kind: 'exists', exists: 3 } },
    { kind: 'event', name: 'sessionState', payload: { accountId: 'a', state: 'online' } },
    { kind: 'event', name: 'announcer', payload: { window: 'w' } },
  ];
  const invalid = [
    null,
    [],
    { kind: 'request', id: -1, method: 'focus', params: { focused: true } },
    { kind: 'request', id: 1, method: 'toString', params: {} },
    { kind: 'request', id: 1, method: 'constructor', params: {} },
    { kind: 'request', id: 1, method: 'focus', params: { focused: 'yes' } },
    { kind: 'request', id: 1, method: 'mail', params: { accountId: 'a', operation: 'x', args: new Array(9).fill(0) } },
    { kind: 'request', id: 1, method: 'hello', params: { secret: 'x'.repeat(500), window: 'w' } },
    { kind: 'reply', id: 1, ok: false, error: { code: 'X' } },
    { kind: 'reply', id: 1, ok: true },
    { kind: 'event', name: 'folderChange', payload: { accountId: 'a', folder: 'INBOX', kind: 'deleted' } },
    { kind: 'event', name: 'sessionState', payload: { accountId: 'a', state: 'asleep' } },
    { kind: 'event', name: 'hasOwnProperty', payload: {} },
    { kind: 'tokens', id: 1 },
  ];
  valid.forEach((value, index) => it(`accepts valid frame ${index + 1} (${String(value.kind)})`, () => assert.equal(checkFrame(value), true)));
  invalid.forEach((value, index) => it(`rejects malformed frame ${index + 1}`, () => assert.equal(checkFrame(value), false)));
});
