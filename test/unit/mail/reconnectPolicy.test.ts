import * as assert from 'node:assert/strict';
import { ConnectionRateLimiter, classifyImapFailure, reconnectBackoff, retryDelayMs, throttledBackoff } from '../../../src/mail/reconnectPolicy';
import { fullJitterDelayMs } from '../../../src/util/backoff';

describe('IMAP reconnect policy', () => {
  it('[SEC-31] recognises throttling responses and connection limits', () => {
    for (const code of ['THROTTLED', 'UNAVAILABLE', 'LIMIT', 'INUSE']) {
      assert.equal(classifyImapFailure({ serverResponseCode: code, message: 'Command failed' }), 'throttled', code);
    }
    assert.equal(classifyImapFailure({ responseText: 'Too many simultaneous connections. (Failure)' }), 'throttled');
    assert.equal(classifyImapFailure(new Error('Connection closed'), '[UNAVAILABLE] Server shutting down'), 'throttled');
    assert.equal(classifyImapFailure({ code: 'ETHROTTLE', throttleReset: 5000 }), 'throttled');
    // Dovecot's per user+IP limit.
    assert.equal(classifyImapFailure(undefined, 'Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)'), 'throttled');
  });

  it('[SEC-31] a BYE without a reason reconnects like a dropped connection', () => {
    assert.equal(classifyImapFailure(undefined, 'Disconnected for inactivity.'), 'network');
    assert.equal(classifyImapFailure({ code: 'ECONNRESET' }), 'network');
    assert.equal(classifyImapFailure({ code: 'NoConnection' }), 'network');
  });

  it('tells authentication and TLS failures apart, and never retries them on its own', () => {
    assert.equal(classifyImapFailure({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }), 'auth');
    assert.equal(classifyImapFailure({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'tls');
    assert.equal(classifyImapFailure({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls');
    assert.equal(classifyImapFailure({ tlsFailed: true }), 'tls');
    assert.equal(retryDelayMs('auth', 0), undefined);
    assert.equal(retryDelayMs('tls', 0), undefined);
  });

  it('[SEC-31] back-off is jittered, grows, has a ceiling and a floor', () => {
    const low = (): number => 0;
    const high = (): number => 0.999999;
    assert.equal(fullJitterDelayMs(0, reconnectBackoff, low), reconnectBackoff.baseMs / 2);
    assert.ok(fullJitterDelayMs(0, reconnectBackoff, high) <= reconnectBackoff.baseMs);
    assert.ok(fullJitterDelayMs(5, reconnectBackoff, high) > fullJitterDelayMs(2, reconnectBackoff, high));
    assert.equal(fullJitterDelayMs(50, reconnectBackoff, high), reconnectBackoff.capMs);
    const samples = new Set(Array.from({ length: 50 }, () => fullJitterDelayMs(4, reconnectBackoff)));
    assert.ok(samples.size > 10, 'delays are spread out');
  });

  it('[SEC-31] throttling waits far longer than a dropped connection, and honours the server hint', () => {
    const mid = (): number => 0.5;
    const dropped = retryDelayMs('network', 0, undefined, mid) ?? 0;
    const throttled = retryDelayMs('throttled', 0, undefined, mid) ?? 0;
    assert.ok(throttled >= throttledBackoff.baseMs / 2 && throttled > dropped * 10);
    assert.equal(retryDelayMs('throttled', 0, 10 * 60_000, mid), 10 * 60_000);
  });

  it('[SEC-31] rate-limits connection attempts whatever the cause', () => {
    const limiter = new ConnectionRateLimiter(3, 60_000);
    assert.equal(limiter.acquire(0), 0);
    assert.equal(limiter.acquire(1), 0);
    assert.equal(limiter.acquire(2), 0);
    assert.equal(limiter.acquire(3), 59_997);
    assert.equal(limiter.acquire(60_000), 0);
  });
});
