/**
 * Errors Mailroom shows to people. Each carries a machine-readable `code` so callers branch on
 * the kind of failure, never on message text, and a `message` that a person understands.
 */
export type MailroomErrorCode =
  | 'Cancelled'
  | 'Timeout'
  | 'AccessDenied'
  | 'InvalidScope'
  | 'ScopeNotGranted'
  | 'SignInRequired'
  | 'NetworkError'
  | 'IssuerUnavailable'
  | 'InvalidClient'
  | 'MissingClientId'
  | 'MissingClientSecret'
  /** The issuer does not know the redirect URI Mailroom sent: it must be registered for the client. */
  | 'RedirectUriNotRegistered'
  | 'InvalidResponse'
  | 'StateMismatch'
  | 'IssuerMismatch'
  | 'InsecureEndpoint'
  | 'HostNotAllowed'
  | 'SmtpAuthDisabled'
  | 'AuthenticationFailed'
  | 'Throttled'
  | 'MessageTooLarge'
  | 'RecipientRefused'
  | 'ConnectionFailed'
  | 'NotFound'
  | 'InvalidInput'
  | 'SendFailed'
  /** A `git` command Mailroom ran (format-patch, am, apply) failed. */
  | 'GitFailed'
  /** The editor's secret storage (the system keychain) refused a read or a write. */
  | 'StorageUnavailable'
  /** The connection dropped after the message was handed over and before the server confirmed it. */
  | 'SendOutcomeUnknown'
  /**
   * The window holding the mail connections is not signed in to the account (its SecretStorage lacks
   * it: code-server tabs of different browsers), so the window that asked serves it itself.
   */
  | 'AccountNotShared';

/**
 * A message made with the `ui` tag (src/ui/text.ts; structural, so this file imports nothing): made
 * in the user's language with its values neutralised, where a plain string can only be translated
 * whole, which a message with values never is.
 */
interface TranslatedMessage {
  readonly value: string;
}

export class MailroomError extends Error {
  public constructor(
    public readonly code: MailroomErrorCode,
    message: string | TranslatedMessage,
    options?: { cause?: unknown; retryAfterMs?: number; accountId?: string },
  ) {
    super(typeof message === 'string' ? message : message.value, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailroomError';
    this.retryAfterMs = options?.retryAfterMs;
    this.accountId = options?.accountId;
  }

  /** Set when the server told us how long to wait (Retry-After, throttling responses). */
  public readonly retryAfterMs: number | undefined;
  /** The account the failure belongs to, where there is one. */
  public readonly accountId: string | undefined;
}

export function isMailroomError(error: unknown, code?: MailroomErrorCode): error is MailroomError {
  return error instanceof MailroomError && (code === undefined || error.code === code);
}
