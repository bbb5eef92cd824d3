import * as assert from 'node:assert/strict';
import { tlsFailureOf } from '../../../src/mail/tlsFailure';
import type { TlsFailure } from '../../../src/mail/tlsFailure';

describe('TLS failure classification (IMAP and SMTP)', () => {
  const table: [string, Record<string, unknown>, TlsFailure | undefined][] = [
    ['Node: self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'certificate'],
    ['Node: unknown issuer', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'certificate'],
    ['Node: expired certificate', { code: 'CERT_HAS_EXPIRED' }, 'certificate'],
    ['Node: certificate for another name', { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'certificate'],
    ['nodemailer: certificate wrapped in ESOCKET', { code: 'ESOCKET', originalCode: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'certificate'],
    ['nodemailer: plaintext server on a TLS port', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'handshake'],
    ['nodemailer: STARTTLS failed', { code: 'ETLS' }, 'handshake'],
    ['imapflow: STARTTLS refused', { code: 'NoConnection', tlsFailed: true }, 'handshake'],
    ['Node: no common protocol version', { code: 'ERR_SSL_UNSUPPORTED_PROTOCOL' }, 'handshake'],
    ['nodemailer: connection refused', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, undefined],
    ['imapflow: closed after the TLS handshake', { code: 'ClosedAfterConnectTLS' }, undefined],
    ['a reset connection', { code: 'ECONNRESET' }, undefined],
    ['no code at all', { message: 'certificate' }, undefined],
  ];
  for (const [name, error, expected] of table) {
    it(`[SEC-24] ${name}: ${expected ?? 'not TLS'}`, () => {
      assert.equal(tlsFailureOf(Object.assign(new Error('failed'), error)), expected);
    });
  }

  it('is not fooled by what is not an error object', () => {
    assert.equal(tlsFailureOf(undefined), undefined);
    assert.equal(tlsFailureOf('ERR_SSL_WRONG_VERSION_NUMBER'), undefined);
  });
});
