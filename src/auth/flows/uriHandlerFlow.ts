import type { CallbackOutcome } from '../callback';
import { validateCallback } from '../callback';
import type { PendingSignIn, PendingSignIns } from '../pendingSignIn';
import { randomUrlSafe } from '../pendingSignIn';
import type { ProviderKind } from '../accountApi';
import { MailroomError } from '../../util/errors';
import type { Logger } from '../../util/log';
import type { AttemptContext, SignInFlow, SignInResult } from './signInFlow';
import { runRedirectAttempt } from './redirectAttempt';

/** `<publisher>.<name>` from package.json: the authority of the extension's URIs. */
export const EXTENSION_AUTHORITY = 'mailroom.mailroom';
/** Query parameter that ties a forwarded callback to its attempt; random per attempt. */
const ATTEMPT_PARAMETER = 'mailroom_attempt';

export function uriHandlerCallbackPath(provider: ProviderKind): string {
  return `/auth/${provider}`;
}

/** The editor surface the URI-handler flow needs (`vscode.env`), as strings. */
export interface UriEnvironment {
  /** `env.uriScheme`: `vscode`, `vscode-insiders`, `code-oss`, … never assumed. */
  readonly uriScheme: string;
  /** `env.asExternalUri`, for a URI given and returned as a string. */
  asExternalUri(uri: string): Promise<string>;
}

function fullyDecoded(value: string): string {
  let current = value;
  for (let round = 0; round < 4; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) {
      return current;
    }
    current = next;
  }
  return current;
}

/**
 * The query of a URI that reached the URI handler. `vscode.Uri` hands it over percent-decoded, so
 * a state that is itself a URL (the forwarding redirect) has lost its escaping and would split
 * into several parameters. Such a state is found verbatim (it is known: the pending attempt holds
 * it) and cut out before the rest is parsed; anything else parses normally.
 */
export function parseHandlerQuery(decodedQuery: string, urlStates: readonly string[]): URLSearchParams {
  for (const state of urlStates) {
    for (const form of new Set([state, fullyDecoded(state)])) {
      const needle = `state=${form}`;
      let index = decodedQuery.indexOf(needle);
      while (index !== -1) {
        const end = index + needle.length;
        const boundedBefore = index === 0 || decodedQuery[index - 1] === '&';
        const boundedAfter = end === decodedQuery.length || decodedQuery[end] === '&';
        if (boundedBefore && boundedAfter) {
          const rest = `${decodedQuery.slice(0, index)}${decodedQuery.slice(end)}`.split('&').filter(Boolean).join('&');
          const parameters = new URLSearchParams(rest);
          // If another `state` is left over, the duplicate check in validateCallback rejects the callback.
          parameters.append('state', state);
          return parameters;
        }
        index = decodedQuery.indexOf(needle, index + 1);
      }
    }
  }
  return new URLSearchParams(decodedQuery);
}

type Outcome = Exclude<CallbackOutcome, { kind: 'ignored' }>;

/** A URI that reached the URI handler: its path and its (decoded) query. */
export interface CallbackUri {
  readonly path: string;
  readonly query: string;
}

const ATTEMPT_IN_STATE = new RegExp(`${ATTEMPT_PARAMETER}(?:=|%3D|%253D)([A-Za-z0-9_-]{43})`);

/**
 * A forwarded callback must come back with the same random attempt value its state carries
 * (the editor passes our own query through), so a state copied into another request is useless.
 */
function attemptMatches(state: string, query: URLSearchParams): boolean {
  const expected = ATTEMPT_IN_STATE.exec(state)?.[1];
  return expected !== undefined && query.getAll(ATTEMPT_PARAMETER).length === 1 && query.get(ATTEMPT_PARAMETER) === expected;
}

/**
 * The extension's single `vscode.UriHandler`. It acts only on URIs whose path and state match a
 * pending attempt; everything else is dropped without a network call.
 */
export class UriCallbackRouter {
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();
  private readonly urlStates = new Set<string>();
  /** Where a callback goes that no attempt of this window is waiting for: the window that started it may (src/windows). */
  private unclaimed: ((uri: CallbackUri) => void) | undefined;

  public constructor(
    private readonly pendingSignIns: PendingSignIns,
    private readonly logger: Logger,
  ) {}

  /** Called by the editor for `<scheme>://mailroom.mailroom/<path>?<query>` (query already decoded). */
  public handleUri(uri: CallbackUri): void {
    if (!this.claim(uri) && !this.knowsState(uri)) {
      // The editor may route the callback to any of its windows: it goes on to the others (never logged).
      this.unclaimed?.(uri);
    }
  }

  /** Completes an attempt of this window with a callback another window received; false when it is not ours. Never passed on again. */
  public claim(uri: CallbackUri): boolean {
    const query = parseHandlerQuery(uri.query, [...this.urlStates]);
    const accepts = (pending: PendingSignIn): boolean =>
      this.waiting.has(pending.state) && (!this.urlStates.has(pending.state) || attemptMatches(pending.state, query));
    const outcome = validateCallback({ path: uri.path, query, accepts }, this.pendingSignIns);
    if (outcome.kind === 'ignored') {
      this.logger.debug(`Ignored a URI for ${uri.path} (${outcome.reason})`);
      return false;
    }
    this.waiting.get(outcome.pending.state)?.(outcome);
    return true;
  }

  /** Hands each callback that no attempt of this window knows to `handler`. */
  public handOffUnclaimed(handler: (uri: CallbackUri) => void): void {
    this.unclaimed = handler;
  }

  /** Whether this window started the attempt the callback names (then it is this window's to answer, or to drop). */
  private knowsState(uri: CallbackUri): boolean {
    const state = parseHandlerQuery(uri.query, [...this.urlStates]).get('state');
    return state !== null && this.pendingSignIns.peek(state) !== undefined;
  }

  public waitFor(state: string, stateIsUrl: boolean): { outcome: Promise<Outcome>; dispose(): void } {
    if (stateIsUrl) {
      this.urlStates.add(state);
    }
    const outcome = new Promise<Outcome>((resolve) => this.waiting.set(state, resolve));
    return {
      outcome,
      dispose: () => {
        this.waiting.delete(state);
        this.urlStates.delete(state);
      },
    };
  }
}

/**
 * Redirect to the editor's own URI (`env.uriScheme`, via `env.asExternalUri`). On desktop that URI
 * is fixed and registered with the issuer. In a browser-based editor it is a per-request URL, so
 * the issuer redirects to a registered forwarding page instead, and `state` carries the callback
 * URL (with a random attempt value) for that page to forward to.
 */
export class UriHandlerFlow implements SignInFlow {
  public readonly kind = 'uriHandler' as const;
  public readonly label = 'your browser, coming back through the editor';

  public constructor(
    private readonly router: UriCallbackRouter,
    private readonly environment: UriEnvironment,
  ) {}

  public async run(context: AttemptContext): Promise<SignInResult> {
    const callbackPath = uriHandlerCallbackPath(context.config.kind);
    const callbackUri = `${this.environment.uriScheme}://${EXTENSION_AUTHORITY}${callbackPath}`;
    const attempt = randomUrlSafe();
    const external = await this.environment.asExternalUri(`${callbackUri}?${ATTEMPT_PARAMETER}=${attempt}`);
    const externalScheme = new URL(external).protocol;
    const needsForwarding = externalScheme === 'http:' || externalScheme === 'https:';
    if (needsForwarding && !context.config.forwardingRedirectUri) {
      throw new MailroomError('InvalidInput', 'In a browser-based editor this sign-in needs a forwarding redirect URI registered with the issuer.');
    }
    const target = needsForwarding
      ? { flow: this.kind, redirectUri: context.config.forwardingRedirectUri as string, callbackPath, state: external }
      : { flow: this.kind, redirectUri: callbackUri, callbackPath };
    return runRedirectAttempt(context, target, (pending) => this.router.waitFor(pending.state, needsForwarding));
  }
}
