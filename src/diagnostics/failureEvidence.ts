import type { ProviderKind } from '../auth/accountApi';
import { isMailroomError } from '../util/errors';
import { plainText } from '../util/plainText';
import { redact } from '../util/redact';
import type { FailureEvidence } from './knownMistakes';

/**
 * What a failure carries, read from whichever library threw it: Mailroom's own errors (code and
 * message, issuer words included), imapflow's (`responseText`, `serverResponseCode`, parsed
 * `oauthError`) and nodemailer's (`response`, `responseCode`).
 */
interface LibraryErrorFields {
  message?: unknown;
  code?: unknown;
  response?: unknown;
  responseText?: unknown;
  responseCode?: unknown;
  serverResponseCode?: unknown;
  oauthError?: unknown;
}

/**
 * A value from a server, an issuer or the settings, quoted for the report: plain text, credentials
 * masked, in a code span so Markdown shows it as written (no links, no HTML).
 */
export function quoted(value: string): string {
  return `\`${plainText(redact(value), 300).replace(/`/g, "'")}\``;
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** The server's own words in a failure (its reply line), without Mailroom's or the library's wording. */
export function serverWords(error: unknown): string | undefined {
  if (!error || typeof error !== 'object' || isMailroomError(error)) {
    return undefined;
  }
  const fields = error as LibraryErrorFields;
  return textOf(fields.response) ?? textOf(fields.responseText);
}

export function evidenceFromError(
  error: unknown,
  provider: ProviderKind,
  protocol: FailureEvidence['protocol'],
  extra: Partial<FailureEvidence> = {},
): FailureEvidence {
  if (isMailroomError(error)) {
    return { provider, protocol, errorCode: error.code, text: error.message, ...extra };
  }
  const fields = error && typeof error === 'object' ? (error as LibraryErrorFields) : { message: String(error) };
  const oauthError = fields.oauthError && typeof fields.oauthError === 'object' ? textOf((fields.oauthError as { status?: unknown }).status) : undefined;
  const text = [textOf(fields.message), textOf(fields.serverResponseCode), serverWords(error)].filter(Boolean).join(' ');
  return {
    provider,
    protocol,
    ...(textOf(fields.code) ? { errorCode: textOf(fields.code) } : {}),
    ...(typeof fields.responseCode === 'number' ? { responseCode: fields.responseCode } : {}),
    ...(oauthError ? { oauthError } : {}),
    text,
    ...extra,
  };
}
