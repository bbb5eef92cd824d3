import { strict as assert } from 'node:assert';
import { REDACTED, SecretRedactor, redact } from '../../../src/util/redact';
import { Logger } from '../../../src/util/log';
import type { LogSink } from '../../../src/util/log';

describe('redact', () => {
  const cases: [string, string, string][] = [
    ['query parameters', 'GET /callback?code=AUTHCODE123&state=STATE456&iss=https%3A%2F%2Fissuer', 'AUTHCODE123'],
    ['state in a query', 'GET /callback?code=AUTHCODE123&state=STATE456', 'STATE456'],
    ['form bodies', 'grant_type=refresh_token&refresh_token=RT-SENTINEL-1&client_id=abc', 'RT-SENTINEL-1'],
    ['JSON token responses', '{"access_token":"AT-SENTINEL-2","token_type":"Bearer"}', 'AT-SENTINEL-2'],
    ['code verifiers', 'code_verifier=VERIFIER-SENTINEL-0123456789', 'VERIFIER-SENTINEL-0123456789'],
    ['client secrets', 'client_secret: "GOCSPX-sentinel"', 'GOCSPX-sentinel'],
    ['bearer headers', 'Authorization: Bearer AT-SENTINEL-3', 'AT-SENTINEL-3'],
    ['basic headers', 'Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['SASL AUTHENTICATE lines', 'C: A1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBBVAEB', 'dXNlcj1hbGljZQFhdXRoPUJlYXJlciBBVAEB'],
    ['raw XOAUTH2 payloads', 'user=alice@example.com\x01auth=Bearer AT-SENTINEL-4\x01\x01', 'AT-SENTINEL-4'],
    ['base64 SASL responses on their own', 'sent dXNlcj1hbGljZUBleGFtcGxlLmNvbQFhdXRo', 'dXNlcj1hbGljZUBleGFtcGxlLmNvbQFhdXRo'],
    ['JWTs anywhere', 'id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0'],
  ];
  for (const [name, input, secret] of cases) {
    it(`[SEC-23] removes ${name}`, () => {
      const output = redact(input);
      assert.ok(!output.includes(secret), output);
      assert.ok(output.includes(REDACTED), output);
    });
  }

  it('leaves ordinary text alone', () => {
    const text = 'Opened INBOX: 1203 messages, 4 unread (uidValidity 17)';
    assert.equal(redact(text), text);
  });

  it('masks registered secrets of any shape', () => {
    const redactor = new SecretRedactor();
    redactor.register('opaque-value-42');
    assert.equal(redactor.redact('failed with opaque-value-42 twice: opaque-value-42'), `failed with ${REDACTED} twice: ${REDACTED}`);
    redactor.forget('opaque-value-42');
    assert.equal(redactor.redact('opaque-value-42'), 'opaque-value-42');
  });
});

describe('Logger', () => {
  function capture(): { sink: LogSink; lines: string[] } {
    const lines: string[] = [];
    const push = (message: string): void => {
      lines.push(message);
    };
    return { sink: { trace: push, debug: push, info: push, warn: push, error: push }, lines };
  }

  it('[SEC-23] redacts messages and error details', () => {
    const { sink, lines } = capture();
    const logger = new Logger(sink);
    logger.redactor.register('AT-SENTINEL-9');
    logger.info('using AT-SENTINEL-9');
    logger.error('token request failed', new Error('body: {"refresh_token":"RT-SENTINEL-9"}'));
    assert.deepEqual(lines, [`using ${REDACTED}`, `token request failed: body: {"refresh_token":"${REDACTED}"}`]);
  });

  it('[SEC-23] keeps only message text from library log entries, never raw protocol data', () => {
    const { sink, lines } = capture();
    const logger = new Logger(sink).forLibrary('imapflow');
    logger.debug({ msg: 'Sent command', src: 'c', data: 'A1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQ==' });
    logger.warn({ msg: 'Connection closed', code: 'ECONNRESET' });
    assert.deepEqual(lines, ['[imapflow] Sent command', '[imapflow] Connection closed (ECONNRESET)']);
  });
});
