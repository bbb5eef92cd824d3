import { MailroomError } from '../util/errors';
import { plainText } from '../util/plainText';
import { parseRetryAfterMs } from '../util/backoff';
import { redirectUriNotRegistered } from './redirectErrors';

/**
 * Turns whatever oauth4webapi or fetch threw into a {@link MailroomError} a person understands.
 * The original error is not attached as `cause`: oauth4webapi puts whole response bodies there
 * (tokens included), and a cause is easy to log by accident [SEC-23].
 */

interface OAuthBodyErrorShape {
  code: 'OAUTH_RESPONSE_BODY_ERROR';
  error: string;
  error_description?: string;
  status: number;
  response?: Response;
}

function isBodyError(error: unknown): error is OAuthBodyErrorShape {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'OAUTH_RESPONSE_BODY_ERROR';
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** The low-level cause of a failed `fetch` (undici wraps it in a TypeError). */
function networkCode(error: unknown): string | undefined {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'TIMEOUT';
  }
  if (error instanceof TypeError) {
    const cause = (error as { cause?: unknown }).cause;
    return errorCode(cause) ?? 'NETWORK';
  }
  return undefined;
}

/** Checks a response for the statuses that mean "try later" before oauth4webapi parses it. */
export function throwIfTransient(response: Response, issuerName: string, now: number = Date.now()): void {
  if (response.status === 429 || response.status === 503 || response.status >= 500) {
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), now);
    const throttled = response.status === 429;
    throw new MailroomError(
      throttled ? 'Throttled' : 'IssuerUnavailable',
      throttled
        ? `${issuerName} asked Mailroom to slow down. Mailroom will try again later.`
        : `${issuerName} is having trouble right now (HTTP ${response.status}). Mailroom will try again later.`,
      { retryAfterMs },
    );
  }
}

export function toMailroomError(error: unknown, issuerName: string): MailroomError {
  if (error instanceof MailroomError) {
    return error;
  }
  if (isBodyError(error)) {
    const redirectFailure = redirectUriNotRegistered(error.error, error.error_description, issuerName);
    if (redirectFailure) {
      return redirectFailure;
    }
    const said = plainText(error.error_description);
    const suffix = said ? ` ${issuerName} said: "${said}"` : '';
    switch (error.error) {
      case 'invalid_grant':
        return new MailroomError(
          'SignInRequired',
          `${issuerName} no longer accepts this sign-in (it was revoked, expired or replaced). Please sign in again.${suffix}`,
        );
      case 'invalid_client':
      case 'unauthorized_client':
        return new MailroomError(
          'InvalidClient',
          `${issuerName} did not accept Mailroom's client ID (or client secret). Check your app registration and the Mailroom settings.${suffix}`,
        );
      case 'invalid_scope':
        return new MailroomError('InvalidScope', `${issuerName} does not offer the permissions Mailroom asked for.${suffix}`);
      case 'access_denied':
        return new MailroomError('AccessDenied', `Sign-in was declined, so Mailroom has no access to your mail.${suffix}`);
      case 'expired_token':
        return new MailroomError('Timeout', `The sign-in code expired before it was used. Please start again.${suffix}`);
      default:
        return new MailroomError('InvalidResponse', `${issuerName} refused the request (${plainText(error.error, 60)}).${suffix}`);
    }
  }
  const code = errorCode(error);
  switch (code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return new MailroomError(
        'InvalidResponse',
        `The identity token from ${issuerName} did not check out (wrong issuer, audience or nonce, or expired). Nothing was stored.`,
      );
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return new MailroomError(
        'IssuerMismatch',
        `The server at the configured address says it is a different issuer than ${issuerName}. Mailroom stopped for your safety; check the issuer URL.`,
      );
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
    case 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN':
      return new MailroomError(
        'InsecureEndpoint',
        `${issuerName} published an endpoint that is not https://. Mailroom never sends credentials over plain HTTP.`,
      );
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_PARSE_ERROR':
      return new MailroomError('IssuerUnavailable', `${issuerName} answered with something Mailroom does not understand. It may be down or misconfigured.`);
    default:
      break;
  }
  const network = networkCode(error);
  if (network === 'TIMEOUT' || (network !== undefined && OFFLINE_CODES.has(network))) {
    return new MailroomError('NetworkError', `Mailroom could not reach ${issuerName}. Check your network connection.`);
  }
  if (network !== undefined && TLS_CODES.test(network)) {
    return new MailroomError('InsecureEndpoint', `Mailroom could not verify the identity of ${issuerName} (its TLS certificate is not trusted).`);
  }
  if (network !== undefined && (DOWN_CODES.has(network) || network === 'NETWORK')) {
    return new MailroomError('IssuerUnavailable', `${issuerName} is not answering. It may be down; try again later.`);
  }
  return new MailroomError('InvalidResponse', `Signing in with ${issuerName} failed unexpectedly.`);
}
