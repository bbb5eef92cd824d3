import { MailroomError } from '../util/errors';
import { plainText } from '../util/plainText';
import type { PendingSignIn, PendingSignIns } from './pendingSignIn';
import { redirectUriNotRegistered } from './redirectErrors';

/**
 * Decides what an incoming redirect (loopback request or URI-handler call) means, before any
 * network call. Pure apart from using up the state in {@link PendingSignIns}.
 */
export type CallbackOutcome =
  /** Ours and well-formed: exchange `parameters` (code, state, iss) for tokens. */
  | { kind: 'code'; pending: PendingSignIn; parameters: URLSearchParams }
  /** Ours, and the attempt failed: show `error`, store nothing, do not retry on our own. */
  | { kind: 'error'; pending: PendingSignIn; error: MailroomError }
  /** Not ours (wrong path, no or unknown state, malformed): drop it without telling anyone. */
  | { kind: 'ignored'; reason: string };

/** Parameters that exist only in implicit or hybrid responses, or in JARM; Mailroom uses the code grant only. */
const FORBIDDEN_PARAMETERS = ['access_token', 'id_token', 'token_type', 'expires_in', 'response', 'token'];
const RESPONSE_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state', ...FORBIDDEN_PARAMETERS];

/** Whether `actual` is the issuer the attempt started with; `{tenantid}` templates match one tenant GUID. */
function issuerMatches(expected: string, actual: string): boolean {
  if (!expected.includes('{tenantid}')) {
    return actual === expected;
  }
  const [before, after] = expected.split('{tenantid}');
  if (!actual.startsWith(before) || !actual.endsWith(after)) {
    return false;
  }
  const tenant = actual.slice(before.length, actual.length - after.length);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant);
}

/** Maps an authorization error response (RFC 6749 §4.1.2.1) to something a person understands. */
function authorizationError(code: string, description: string | null, issuerName: string): MailroomError {
  const redirectFailure = redirectUriNotRegistered(code, description, issuerName);
  if (redirectFailure) {
    return redirectFailure;
  }
  const detail = plainText(description);
  const suffix = detail ? ` ${issuerName} said: "${detail}"` : '';
  switch (code) {
    case 'access_denied':
      return new MailroomError('AccessDenied', `Sign-in was declined, so Mailroom has no access to your mail.${suffix}`);
    case 'invalid_scope':
      return new MailroomError('InvalidScope', `${issuerName} does not offer the permissions Mailroom asked for. Check the scopes in your settings.${suffix}`);
    case 'temporarily_unavailable':
    case 'server_error':
      return new MailroomError('IssuerUnavailable', `${issuerName} could not complete the sign-in right now. Try again in a few minutes.${suffix}`);
    case 'unauthorized_client':
    case 'invalid_client':
    case 'invalid_request':
      return new MailroomError(
        'InvalidClient',
        `${issuerName} rejected the sign-in request. Check the client ID and redirect URIs of your app registration.${suffix}`,
      );
    default:
      return new MailroomError('InvalidResponse', `${issuerName} returned an error (${plainText(code, 60)}).${suffix}`);
  }
}

export interface CallbackInput {
  /** Path the callback arrived on, e.g. `/callback` or `/auth/oidc`. */
  path: string;
  query: URLSearchParams;
  /** Limits which attempts this receiver completes (a loopback server completes only its own). */
  accepts?: (pending: PendingSignIn) => boolean;
}

export function validateCallback(input: CallbackInput, pendingSignIns: PendingSignIns): CallbackOutcome {
  const { query } = input;
  for (const name of RESPONSE_PARAMETERS) {
    if (query.getAll(name).length > 1) {
      return { kind: 'ignored', reason: `duplicated parameter ${name}` };
    }
  }
  const state = query.get('state');
  if (!state) {
    return { kind: 'ignored', reason: 'no state' };
  }
  const candidate = pendingSignIns.peek(state);
  if (!candidate) {
    return { kind: 'ignored', reason: 'no pending sign-in for this state' };
  }
  if (candidate.callbackPath !== input.path) {
    return { kind: 'ignored', reason: 'wrong callback path' };
  }
  if (input.accepts && !input.accepts(candidate)) {
    return { kind: 'ignored', reason: 'callback for another attempt' };
  }
  // From here on the callback is bound to this attempt: the state is used up whatever follows.
  const pending = pendingSignIns.take(state) ?? candidate;
  const fail = (error: MailroomError): CallbackOutcome => ({ kind: 'error', pending, error });

  if (FORBIDDEN_PARAMETERS.some((name) => query.has(name))) {
    return fail(
      new MailroomError(
        'InvalidResponse',
        `${pending.issuerName} answered with tokens in the redirect (implicit flow). Mailroom accepts only an authorization code, so this sign-in was stopped.`,
      ),
    );
  }
  const iss = query.get('iss');
  if (iss !== null ? !issuerMatches(pending.issuer, iss) : pending.issRequired) {
    return fail(
      new MailroomError('IssuerMismatch', `The answer to this sign-in did not come from ${pending.issuerName}, so it was rejected. Nothing was stored.`),
    );
  }
  const error = query.get('error');
  if (error) {
    return fail(authorizationError(error, query.get('error_description'), pending.issuerName));
  }
  if (!query.get('code')) {
    return fail(new MailroomError('InvalidResponse', `${pending.issuerName} returned neither a code nor an error.`));
  }
  const parameters = new URLSearchParams();
  for (const name of ['code', 'state', 'iss']) {
    const value = query.get(name);
    if (value !== null) {
      parameters.set(name, value);
    }
  }
  return { kind: 'code', pending, parameters };
}
