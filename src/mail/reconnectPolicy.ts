/**
 * How a mail connection failure is classified and how long to wait before the next attempt.
 * Pure functions: the session supervisor decides with them, tests check them without a server.
 */
import type { JitterRange } from '../util/backoff';
import { fullJitterDelayMs } from '../util/backoff';
import { tlsFailureOf } from './tlsFailure';

/** What kind of failure ended (or prevented) an IMAP connection. */
export type ImapFailureKind =
  /** The server rejected the token (AUTHENTICATIONFAILED, XOAUTH2/OAUTHBEARER error). */
  | 'auth'
  /** The server asked us to slow down or has no room for us ([THROTTLED], [LIMIT], BYE …). */
  | 'throttled'
  /** TLS could not be established or verified: never retried automatically. */
  | 'tls'
  /** Network trouble: refused, reset, timeout, DNS. */
  | 'network'
  | 'other';

/** IMAP response codes that mean "back off" (RFC 5530 and provider practice). */
const throttlingResponseCodes = new Set(['THROTTLED', 'UNAVAILABLE', 'LIMIT', 'INUSE', 'OVERQUOTA']);
const throttlingText = /too many (simultaneous |concurrent )?(connections|sessions|logins)|maximum number of connections|throttl|rate limit|try again later/i;
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'NoConnection',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'ETIMEOUT',
  'ClosedAfterConnectTLS',
  'ClosedAfterConnectText',
]);

interface ErrorFields {
  code?: unknown;
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
  responseText?: unknown;
  reason?: unknown;
  throttleReset?: unknown;
  message?: unknown;
}

function fieldsOf(error: unknown): ErrorFields {
  return error && typeof error === 'object' ? (error as ErrorFields) : {};
}

/** Classifies an imapflow (or socket/TLS) error. `byeReason` is the server's BYE text, if any. */
export function classifyImapFailure(error: unknown, byeReason?: string): ImapFailureKind {
  const fields = fieldsOf(error);
  const code = typeof fields.code === 'string' ? fields.code : '';
  const responseCode = typeof fields.serverResponseCode === 'string' ? fields.serverResponseCode.toUpperCase() : '';
  const texts = [fields.responseText, fields.reason, fields.message, byeReason].filter((text): text is string => typeof text === 'string');
  if (tlsFailureOf(error) !== undefined) {
    return 'tls';
  }
  if (
    throttlingResponseCodes.has(responseCode) ||
    code === 'ETHROTTLE' ||
    texts.some((text) => throttlingText.test(text) || /\[(THROTTLED|UNAVAILABLE|LIMIT|INUSE)\]/i.test(text))
  ) {
    return 'throttled';
  }
  if (fields.authenticationFailed === true || responseCode === 'AUTHENTICATIONFAILED' || responseCode === 'AUTHORIZATIONFAILED') {
    return 'auth';
  }
  if (networkCodes.has(code)) {
    return 'network';
  }
  // A BYE without a throttling reason is still the server ending the session: treat it like the network.
  return byeReason ? 'network' : 'other';
}

/** Reconnect after a dropped connection: quick first retry (never sooner than half a second), ceiling at 5 minutes. */
export const reconnectBackoff: JitterRange = { baseMs: 1_000, capMs: 5 * 60_000, floorMs: 500 };
/** After a throttling response the floor is much higher: the server asked us to go away. */
export const throttledBackoff: JitterRange = { baseMs: 30_000, capMs: 15 * 60_000, floorMs: 15_000 };

/** The delay before the next connection attempt after a failure of this kind, or undefined: do not retry on its own. */
export function retryDelayMs(kind: ImapFailureKind, attempt: number, serverHintMs?: number, random: () => number = Math.random): number | undefined {
  switch (kind) {
    case 'tls':
    case 'auth':
      return undefined;
    case 'throttled':
      return Math.max(serverHintMs ?? 0, fullJitterDelayMs(attempt, throttledBackoff, random));
    case 'network':
    case 'other':
      return fullJitterDelayMs(attempt, reconnectBackoff, random);
  }
}

/** The server's own back-off hint (imapflow's ETHROTTLE `throttleReset`), if it gave one. */
export function serverBackoffHintMs(error: unknown): number | undefined {
  const hint = fieldsOf(error).throttleReset;
  return typeof hint === 'number' && Number.isFinite(hint) && hint > 0 ? hint : undefined;
}

/**
 * Caps how often connections are opened, whatever the reason: at most `limit` attempts in any
 * `windowMs`. A misbehaving server that accepts and immediately drops us cannot make us spin.
 */
export class ConnectionRateLimiter {
  private readonly attempts: number[] = [];

  public constructor(
    private readonly limit = 12,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds to wait before the next attempt is allowed (0: now). Records the attempt when 0. */
  public acquire(now: number): number {
    while (this.attempts.length > 0 && now - (this.attempts[0] ?? 0) >= this.windowMs) {
      this.attempts.shift();
    }
    if (this.attempts.length >= this.limit) {
      return (this.attempts[0] ?? now) + this.windowMs - now;
    }
    this.attempts.push(now);
    return 0;
  }
}

/**
 * A server's "slow down" ([THROTTLED], [LIMIT], [UNAVAILABLE] …), remembered for the whole account:
 * whichever connection heard it, no connection of the account knocks again before the wait is over,
 * and each further throttling answer in a row waits longer.
 */
export class ServerBackoff {
  private until = 0;
  private attempt = 0;

  public constructor(private readonly random: () => number = Math.random) {}

  /** Records a throttling answer at `now`; returns how long to wait from now. */
  public throttled(now: number, serverHintMs: number | undefined): number {
    const delay = retryDelayMs('throttled', this.attempt++, serverHintMs, this.random) ?? throttledBackoff.baseMs;
    this.until = Math.max(this.until, now + delay);
    return this.until - now;
  }

  /** Milliseconds left before the server may be asked again (0: now). */
  public remainingMs(now: number): number {
    return Math.max(0, this.until - now);
  }

  /** The server let us in: the next throttling answer starts from the floor again. */
  public succeeded(): void {
    this.attempt = 0;
    this.until = 0;
  }
}
