import { MailroomError } from '../../util/errors';
import type { MailSession } from './mailSession';
import { FOLDERS_OPERATION } from './sessionDependencies';

/**
 * The mail operations a window that does not hold the account's connections has run by the window
 * that does (see src/windows): each has a name, the kinds of its arguments (checked where it runs:
 * nothing another process sends is trusted) and the function itself. Arguments and results are
 * plain data (strings, numbers, Buffers, Sets, Dates), never a token.
 */
type RequiredKind = 'string' | 'count' | 'uid' | 'uids' | 'boolean' | 'bytes' | 'strings' | 'messageRef' | 'plain';

/**
 * A kind ending in `?` is an optional trailing argument: absent (or undefined), the operation gets
 * its own default. Every argument added to an operation after its first release is optional, so a
 * window not yet reloaded after an update, which sends without it, is still served.
 */
export type ArgumentKind = RequiredKind | `${RequiredKind}?`;

type Operation = (session: MailSession, ...args: never[]) => Promise<unknown>;

const operations = new Map<string, { kinds: readonly ArgumentKind[]; run: Operation }>();

/**
 * Registers `run` under `name` and returns the function callers use: on a session whose window
 * holds the connections it is `run` itself; otherwise it asks the holder to run it.
 */
export function relayedOperation<A extends unknown[], R>(
  name: string,
  kinds: readonly ArgumentKind[],
  run: (session: MailSession, ...args: A) => Promise<R>,
): (session: MailSession, ...args: A) => Promise<R> {
  if (operations.has(name)) {
    throw new Error(`Two relayed mail operations are named ${name}`);
  }
  if (kinds.some((kind, index) => isOptional(kind) && !isOptional(kinds[index + 1] ?? 'string?'))) {
    throw new Error(`${name}: only trailing arguments can be optional`);
  }
  operations.set(name, { kinds, run: run as unknown as Operation });
  return (session, ...args) => session.relayed(name, args, () => run(session, ...args));
}

/** Runs a relayed operation asked for by another window, on this window's own session. */
export function runRelayedOperation(session: MailSession, name: string, args: readonly unknown[]): Promise<unknown> {
  const operation = name === FOLDERS_OPERATION ? folders : operations.get(name);
  if (!operation || args.length > operation.kinds.length || !operation.kinds.every((kind, index) => argumentFits(kind, args[index]))) {
    return Promise.reject(
      new MailroomError('InvalidInput', 'Another Mailroom window asked for a mail operation that does not exist or with arguments that do not fit.'),
    );
  }
  return (operation.run as (session: MailSession, ...args: unknown[]) => Promise<unknown>)(session, ...args);
}

/** The one operation MailSession relays itself. */
const folders = {
  kinds: ['boolean', 'count?'] as const,
  run: ((session: MailSession, refresh: boolean, countsMaxAgeMs?: number) =>
    session.folders({ refresh, ...(countsMaxAgeMs === undefined ? {} : { countsMaxAgeMs }) })) as Operation,
};

export function relayedOperationNames(): string[] {
  return [FOLDERS_OPERATION, ...operations.keys()];
}

function isUid(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= 0xffffffff;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlain(value: unknown, depth = 0): boolean {
  if (depth > 6) {
    return false;
  }
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length <= 100_000 && value.every((item) => isPlain(item, depth + 1));
  }
  return typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every((item) => isPlain(item, depth + 1));
}

function isOptional(kind: ArgumentKind): kind is `${RequiredKind}?` {
  return kind.endsWith('?');
}

function argumentFits(kind: ArgumentKind, value: unknown): boolean {
  return isOptional(kind) ? value === undefined || requiredFits(kind.slice(0, -1) as RequiredKind, value) : requiredFits(kind, value);
}

function requiredFits(kind: RequiredKind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.length <= 10_000;
    case 'count':
      return isCount(value);
    case 'uid':
      return isUid(value);
    case 'uids':
      return Array.isArray(value) && value.length <= 10_000 && value.every(isUid);
    case 'boolean':
      return typeof value === 'boolean';
    case 'bytes':
      return typeof value === 'string' || Buffer.isBuffer(value) || value instanceof Uint8Array;
    case 'strings':
      return value === undefined || (Array.isArray(value) && value.length <= 100 && value.every((item) => typeof item === 'string'));
    case 'messageRef':
      return isPlain(value) && typeof value === 'object' && value !== null && 'folder' in value && 'uid' in value && isUid(value.uid);
    case 'plain':
      return isPlain(value);
  }
}
