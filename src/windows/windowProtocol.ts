/**
 * What the windows of one profile say to each other over the leader's local socket. Followers make
 * requests of the leader (typed by {@link WindowRequests}) and the leader sends events to followers
 * ({@link WindowEvents}). Nothing secret crosses: mail operations name an account, never a token; the
 * leader reaches the servers with its own sign-in.
 *
 * Every frame is checked on arrival, both ways ({@link checkFrame}); a window that sends something
 * else is disconnected.
 */
import type { FolderChange, SessionState } from '../mail/connection';
import { isCount, isObject, isString } from '../shared/protocolChecks';

export interface WindowRequestShape<Params, Result> {
  params: Params;
  result: Result;
}

export interface WindowRequests {
  /** The first frame on a connection: the lease's secret, so only a process that can read the profile's storage talks to the leader. */
  hello: WindowRequestShape<{ secret: string; window: string }, { leader: string }>;
  /** One of the mail layer's operations (src/mail/connection/relayedOperations.ts), run on the leader's session of the account. */
  mail: WindowRequestShape<{ accountId: string; operation: string; args: unknown[] }, unknown>;
  /** The folder this window's list shows, kept live by the leader's IDLE connection; undefined: none. */
  watch: WindowRequestShape<{ accountId: string; folder: string | undefined }, null>;
  /** This window gained or lost the focus: new mail is announced in the focused (or last focused) window. */
  focus: WindowRequestShape<{ focused: boolean }, null>;
  /** A URI-handler callback this window did not start: the leader tries it and passes it to the other windows. */
  callback: WindowRequestShape<CallbackUri, null>;
}

/** A sign-in callback as the URI handler got it. Its query holds an authorization code (useless without the PKCE verifier, which stays in the window that started the sign-in); never logged. */
export interface CallbackUri {
  path: string;
  query: string;
}

export interface WindowEvents {
  folderChange: FolderChange;
  sessionState: { accountId: string; state: SessionState };
  /** The window that announces new mail from now on: the focused or last focused one (the others only update their lists). */
  announcer: { window: string };
  /** A callback some window received and did not start: the window that did completes its sign-in with it. */
  callback: CallbackUri;
  /** The leader's accounts changed: a follower serving an account the leader refused asks it again. */
  accountsChanged: null;
}

export type WindowMethod = keyof WindowRequests & string;
export type WindowEventName = keyof WindowEvents & string;

/** A failure as it crosses the socket: a MailroomError's code and message (never a stack or a cause). */
export interface WireError {
  code: string;
  message: string;
  retryAfterMs?: number;
  accountId?: string;
}

export type WindowFrame =
  | { kind: 'request'; id: number; method: WindowMethod; params: unknown }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: WireError }
  | { kind: 'event'; name: WindowEventName; payload: unknown };

const sessionStates: readonly string[] = ['notConnected', 'connecting', 'online', 'offline', 'signInRequired'] satisfies readonly SessionState[];
const folderChangeKinds: readonly string[] = ['exists', 'expunge', 'flags', 'watching'];

const paramChecks: { [K in WindowMethod]: (params: unknown) => params is WindowRequests[K]['params'] } = {
  hello: (params): params is WindowRequests['hello']['params'] => isObject(params) && isString(params.secret, 200) && isString(params.window, 200),
  mail: (params): params is WindowRequests['mail']['params'] =>
    isObject(params) && isString(params.accountId) && isString(params.operation, 100) && Array.isArray(params.args) && params.args.length <= 8,
  watch: (params): params is WindowRequests['watch']['params'] =>
    isObject(params) && isString(params.accountId) && (params.folder === undefined || isString(params.folder)),
  focus: (params): params is WindowRequests['focus']['params'] => isObject(params) && typeof params.focused === 'boolean',
  callback: (params): params is CallbackUri => isCallbackUri(params),
};

function isCallbackUri(value: unknown): value is CallbackUri {
  return isObject(value) && isString(value.path, 200) && isString(value.query, 8192);
}

const eventChecks: { [K in WindowEventName]: (payload: unknown) => payload is WindowEvents[K] } = {
  folderChange: (payload): payload is FolderChange =>
    isObject(payload) &&
    isString(payload.accountId) &&
    isString(payload.folder) &&
    isString(payload.kind) &&
    folderChangeKinds.includes(payload.kind) &&
    (payload.exists === undefined || isCount(payload.exists)),
  sessionState: (payload): payload is WindowEvents['sessionState'] =>
    isObject(payload) && isString(payload.accountId) && isString(payload.state) && sessionStates.includes(payload.state),
  announcer: (payload): payload is WindowEvents['announcer'] => isObject(payload) && isString(payload.window, 200),
  callback: (payload): payload is CallbackUri => isCallbackUri(payload),
  accountsChanged: (payload): payload is null => payload === null,
};

export function isWindowMethod(value: unknown): value is WindowMethod {
  return typeof value === 'string' && Object.hasOwn(paramChecks, value);
}

export function checkParams<K extends WindowMethod>(method: K, params: unknown): params is WindowRequests[K]['params'] {
  return paramChecks[method](params);
}

function isWireError(value: unknown): value is WireError {
  return (
    isObject(value) &&
    isString(value.code, 100) &&
    isString(value.message, 4000) &&
    (value.retryAfterMs === undefined || isCount(value.retryAfterMs)) &&
    (value.accountId === undefined || isString(value.accountId))
  );
}

/** Validates a frame as it arrives: its envelope, and a request's parameters or an event's payload. A reply's value is checked by the mail operation's own caller. */
export function checkFrame(value: unknown): value is WindowFrame {
  if (!isObject(value)) {
    return false;
  }
  switch (value.kind) {
    case 'request':
      return isCount(value.id) && isWindowMethod(value.method) && checkParams(value.method, value.params);
    case 'reply':
      return isCount(value.id) && (value.ok === true ? 'value' in value : value.ok === false && isWireError(value.error));
    case 'event':
      return typeof value.name === 'string' && Object.hasOwn(eventChecks, value.name) && eventChecks[value.name as WindowEventName](value.payload);
    default:
      return false;
  }
}
