import * as assert from 'node:assert/strict';
import { MailroomError } from '../../../src/util/errors';
import { isSmtpAuthFailure, mapSmtpError } from '../../../src/mail/smtpErrors';

const host = 'smtp.example.org';

function failure(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'failed')), fields);
}

describe('SMTP error mapping', () => {
  it('maps a 552 reply and the SIZE pre-check to MessageTooLarge', () => {
    assert.equal(
      mapSmtpError(failure({ code: 'EMESSAGE', responseCode: 552, response: '552 5.3.4 Message too big', command: 'DATA' }), host).code,
      'MessageTooLarge',
    );
    assert.equal(
      mapSmtpError(failure({ code: 'EMESSAGE', command: 'MAIL FROM', message: 'Message size larger than allowed 1000' }), host).code,
      'MessageTooLarge',
    );
  });

  it('maps refused recipients to RecipientRefused and names them', () => {
    const mapped = mapSmtpError(
      failure({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', rejected: ['nobody@mailroom.test'], response: '550 5.1.1 No such user' }),
      host,
    );
    assert.equal(mapped.code, 'RecipientRefused');
    assert.equal(mapped.message, 'smtp.example.org refused the recipient (nobody@mailroom.test). The server said: 550 5.1.1 No such user');
  });

  it('treats EAUTH and 535 as an authentication failure a refresh may fix', () => {
    assert.ok(isSmtpAuthFailure(failure({ code: 'EAUTH', responseCode: 535 })));
    assert.equal(mapSmtpError(failure({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Invalid credentials' }), host).code, 'AuthenticationFailed');
    assert.equal(isSmtpAuthFailure(failure({ code: 'ECONNECTION' })), false);
  });

  it('recognises Microsoft\'s "SMTP AUTH disabled" reply', () => {
    const mapped = mapSmtpError(
      failure({ code: 'EAUTH', responseCode: 535, response: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.' }),
      host,
    );
    assert.equal(mapped.code, 'SmtpAuthDisabled');
  });

  it('does not treat "SMTP AUTH disabled for the Mailbox" as a token a refresh may fix', () => {
    const disabled = failure({
      code: 'EAUTH',
      responseCode: 535,
      response:
        '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
    });
    assert.equal(isSmtpAuthFailure(disabled), false);
    assert.equal(mapSmtpError(disabled, host).code, 'SmtpAuthDisabled');
  });

  it('maps connection, DNS, timeout and TLS failures to ConnectionFailed, certificates named', () => {
    for (const code of ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS']) {
      assert.equal(mapSmtpError(failure({ code }), host).code, 'ConnectionFailed', code);
    }
    const certificate = mapSmtpError(failure({ code: 'ESOCKET', originalCode: 'SELF_SIGNED_CERT_IN_CHAIN' }), host);
    assert.equal(certificate.code, 'ConnectionFailed');
    assert.match(certificate.message, /certificate/);
  });

  it('[SEC-24] explains a TLS handshake failure that nodemailer reports as a socket error', () => {
    // What nodemailer 7 reports when implicit TLS meets a plaintext server: Node's code kept in originalCode.
    const wrapped = failure({
      code: 'ESOCKET',
      originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER',
      command: 'CONN',
      message: 'ssl3_get_record:wrong version number',
    });
    const mapped = mapSmtpError(wrapped, host);
    assert.equal(mapped.code, 'ConnectionFailed');
    assert.match(mapped.message, /secure \(TLS\) connection/);
    assert.doesNotMatch(mapped.message, /Could not reach/);
  });

  it("maps temporary refusals to Throttled and anything else to SendFailed with the server's words", () => {
    assert.equal(mapSmtpError(failure({ code: 'EMESSAGE', responseCode: 421 }), host).code, 'Throttled');
    const other = mapSmtpError(failure({ code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 Spam detected' }), host);
    assert.equal(other.code, 'SendFailed');
    assert.match(other.message, /Spam detected/);
  });

  it('never repeats a credential the server echoed', () => {
    const mapped = mapSmtpError(
      failure({ code: 'EMESSAGE', responseCode: 554, response: '554 bad AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBzZWNyZXQBAQ==' }),
      host,
    );
    assert.doesNotMatch(mapped.message, /dXNlcj1/);
  });

  it('passes a MailroomError through unchanged', () => {
    const error = new MailroomError('SignInRequired', 'Sign in again');
    assert.equal(mapSmtpError(error, host), error);
  });
});
