/**
 * Whether a mail connection (IMAP through imapflow, SMTP through nodemailer) failed because TLS
 * could not be set up, and how. Node reports the reason as an error code; nodemailer replaces it
 * with its own (ESOCKET, ETLS) and keeps Node's in `originalCode`; imapflow marks STARTTLS
 * trouble with `tlsFailed`.
 */
export type TlsFailure =
  /** The server's certificate does not verify: untrusted, self-signed, expired, or for another name. */
  | 'certificate'
  /** No secure channel came up: a plaintext server on a TLS port, no common protocol, STARTTLS refused. */
  | 'handshake';

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|HOSTNAME_MISMATCH/;
const HANDSHAKE_CODES = /^(ERR_TLS_|ERR_SSL_|ERR_STARTTLS|ETLS$)/;

interface TlsErrorFields {
  code?: unknown;
  originalCode?: unknown;
  tlsFailed?: unknown;
}

export function tlsFailureOf(error: unknown): TlsFailure | undefined {
  if (!error || typeof error !== 'object') {
    return undefined;
  }
  const { code, originalCode, tlsFailed } = error as TlsErrorFields;
  const codes = [originalCode, code].filter((value): value is string => typeof value === 'string');
  if (codes.some((value) => CERTIFICATE_CODES.test(value))) {
    return 'certificate';
  }
  if (tlsFailed === true || codes.some((value) => HANDSHAKE_CODES.test(value))) {
    return 'handshake';
  }
  return undefined;
}
