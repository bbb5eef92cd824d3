/** What a person is told when an account's IMAP connection fails: one function per kind of failure. */
import type { MailAccount } from '../../auth/accountApi';
import { MailroomError } from '../../util/errors';
import { describeError } from '../../util/log';

export function signInRejected({ id, imap }: MailAccount): MailroomError {
  return new MailroomError('SignInRequired', `The mail server ${imap.host} rejected the sign-in. Sign in again.`, { accountId: id });
}

export function throttled({ id, imap }: MailAccount, waitMs: number, cause: unknown): MailroomError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new MailroomError('Throttled', `The mail server ${imap.host} asked Mailroom to slow down; Mailroom waits ${seconds} s before connecting again.`, {
    accountId: id,
    retryAfterMs: waitMs,
    ...(cause === undefined ? {} : { cause }),
  });
}

export function tlsRefused({ id, imap }: MailAccount, cause: unknown): MailroomError {
  return new MailroomError('ConnectionFailed', `A secure connection to ${imap.host} could not be established: ${describeError(cause)}`, {
    accountId: id,
    cause,
  });
}

export function unreachable({ id, imap }: MailAccount, cause: unknown): MailroomError {
  return new MailroomError('NetworkError', `Could not reach ${imap.host}: ${describeError(cause)}`, { accountId: id, cause });
}

export function connectionLost({ id, imap }: MailAccount, cause: unknown): MailroomError {
  return new MailroomError('NetworkError', `The connection to ${imap.host} was lost: ${describeError(cause)}`, { accountId: id, cause });
}

export function stoppedAnswering({ id, imap }: MailAccount, silentMs: number, cause: unknown): MailroomError {
  return new MailroomError(
    'NetworkError',
    `The mail server ${imap.host} stopped answering (nothing for ${Math.round(silentMs / 1000)} s); Mailroom reconnects by itself.`,
    { accountId: id, cause },
  );
}

export function sessionClosed({ id }: MailAccount): MailroomError {
  return new MailroomError('ConnectionFailed', 'The mail session was closed.', { accountId: id });
}
