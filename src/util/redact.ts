/**
 * Removes credentials from text before it reaches a log, an error message or the webview.
 * Redaction is by shape (known parameter names, bearer headers, SASL payloads), so it also
 * catches values the caller did not know were secret.
 */

const SECRET_PARAMETERS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'state',
  'nonce',
  'device_code',
  'token',
  'assertion',
  'password',
];

const PARAMETER_PATTERN = new RegExp(`([?&#\\s"'{,]|^)(${SECRET_PARAMETERS.join('|')})(["']?\\s*[=:]\\s*["']?)([^&\\s"',}]+)`, 'gi');
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const SASL_PATTERN = /\b(AUTHENTICATE\s+(?:XOAUTH2|OAUTHBEARER|PLAIN)\s*)\S+/gi;
// The SASL XOAUTH2 payload separates its fields with ^A (0x01), so the pattern must match it.
// eslint-disable-next-line no-control-regex
const XOAUTH_PAYLOAD_PATTERN = /\b(user=[^\x01\s]*\x01auth=Bearer\s)[^\x01]+/gi;
/** Base64 of "user=" or "n,a=" starts SASL XOAUTH2/OAUTHBEARER initial responses. */
const SASL_BASE64_PATTERN = /\b(dXNlcj1|bixhPQ|bix1c2VyP)[A-Za-z0-9+/=]{8,}/g;
/** Long opaque tokens (JWTs, random strings) that appear outside of a named parameter. */
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

export const REDACTED = '[redacted]';

export function redact(text: string): string {
  return text
    .replace(PARAMETER_PATTERN, (_match, lead: string, name: string, separator: string) => `${lead}${name}${separator}${REDACTED}`)
    .replace(BEARER_PATTERN, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SASL_PATTERN, (_match, command: string) => `${command}${REDACTED}`)
    .replace(XOAUTH_PAYLOAD_PATTERN, (_match, lead: string) => `${lead}${REDACTED}`)
    .replace(SASL_BASE64_PATTERN, REDACTED)
    .replace(JWT_PATTERN, REDACTED);
}

/** Redacts every string registered as a known secret, then by shape. */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a value (token, verifier, client secret) so it is masked wherever it appears. */
  public register(secret: string | undefined): void {
    if (secret && secret.length >= 6) {
      this.secrets.add(secret);
    }
  }

  public forget(secret: string | undefined): void {
    if (secret) {
      this.secrets.delete(secret);
    }
  }

  public redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.split(secret).join(REDACTED);
    }
    return redact(result);
  }
}
