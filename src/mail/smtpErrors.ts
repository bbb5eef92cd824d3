import { MailroomError, isMailroomError } from '../util/errors';
import { redact } from '../util/redact';
import { tlsFailureOf } from './tlsFailure';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

/**
 * What nodemailer reports on a failure, as far as Mailroom needs it. Declared here rather than
 * imported so this module stays free of the library (it loads at activation).
 */
export interface SmtpFailure {
  readonly message?: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly command?: string;
  readonly rejected?: readonly string[];
  /** The code the error had before nodemailer set its own, e.g. a TLS certificate error code. */
  readonly originalCode?: string;
}

function asFailure(error: unknown): SmtpFailure {
  return typeof error === 'object' && error !== null ? (error as SmtpFailure) : { message: String(error) };
}

/**
 * The server's own words, minus anything that looks like a credential. A text, not a string: as a ui value
 * its leading space would be trimmed away, and "The server said:" is Mailroom's to translate.
 */
function serverSaid(failure: SmtpFailure): UiText | '' {
  const text = (failure.response ?? failure.message ?? '').trim();
  return text ? ui` The server said: ${redact(text).slice(0, 300)}` : '';
}

function isAuthenticationReply(failure: SmtpFailure): boolean {
  return failure.code === 'EAUTH' || failure.responseCode === 535 || failure.responseCode === 534;
}

/** Microsoft's "SMTP AUTH disabled" (5.7.139): the token was fine, the mailbox or tenant does not allow SMTP sign-in. */
function isSmtpAuthDisabled(failure: SmtpFailure): boolean {
  return isAuthenticationReply(failure) && /5\.7\.139|SmtpClientAuthentication is disabled/i.test(failure.response ?? '');
}

/** An authentication failure that a fresh token may fix (the caller refreshes once, then gives up). */
export function isSmtpAuthFailure(error: unknown): boolean {
  const failure = asFailure(error);
  return isAuthenticationReply(failure) && !isSmtpAuthDisabled(failure);
}

/**
 * Maps an SMTP or transport failure to the MailroomError people see. Branches on codes nodemailer
 * sets (code, responseCode, command), never on message text, except where a provider gives no
 * other signal (Microsoft's "SMTP AUTH disabled" 5.7.139).
 */
export function mapSmtpError(error: unknown, host: string): MailroomError {
  if (isMailroomError(error)) {
    return error;
  }
  const failure = asFailure(error);
  const cause = { cause: error };
  if (failure.responseCode === 552 || failure.responseCode === 523 || (failure.code === 'EMESSAGE' && failure.command === 'MAIL FROM')) {
    return new MailroomError('MessageTooLarge', ui`The message is larger than ${host} accepts.${serverSaid(failure)}`, cause);
  }
  if (failure.code === 'EENVELOPE' && (failure.command === 'RCPT TO' || (failure.rejected?.length ?? 0) > 0)) {
    const who = failure.rejected?.length ? ui` (${failure.rejected.join(', ')})` : '';
    return new MailroomError('RecipientRefused', ui`${host} refused the recipient${who}.${serverSaid(failure)}`, cause);
  }
  if (isSmtpAuthDisabled(failure)) {
    return new MailroomError(
      'SmtpAuthDisabled',
      ui`SMTP sign-in is turned off for this mailbox at ${host}; an administrator can enable "Authenticated SMTP" for it.`,
      cause,
    );
  }
  if (isSmtpAuthFailure(failure)) {
    return new MailroomError('AuthenticationFailed', ui`${host} did not accept the sign-in.${serverSaid(failure)}`, cause);
  }
  const tls = tlsFailureOf(failure);
  if (tls === 'certificate') {
    return new MailroomError('ConnectionFailed', ui`The certificate of ${host} is not trusted; nothing was sent.`, cause);
  }
  if (tls === 'handshake') {
    return new MailroomError('ConnectionFailed', ui`Could not set up a secure (TLS) connection to ${host}; nothing was sent.`, cause);
  }
  if (failure.code === 'ECONNECTION' || failure.code === 'ESOCKET' || failure.code === 'ETIMEDOUT' || failure.code === 'EDNS' || failure.code === 'EPROXY') {
    return new MailroomError('ConnectionFailed', ui`Could not reach ${host} to send the message (${failure.code}). Check the connection and try again.`, cause);
  }
  if (failure.responseCode === 421 || failure.responseCode === 450 || failure.responseCode === 451 || failure.responseCode === 454) {
    return new MailroomError('Throttled', ui`${host} asked to try again later.${serverSaid(failure)}`, cause);
  }
  return new MailroomError('SendFailed', ui`${host} did not take the message.${serverSaid(failure)}`, cause);
}
