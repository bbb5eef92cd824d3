import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { MailEndpoint } from '../auth/accountApi';
import { testTlsOptionsFor } from '../util/testTransport';

/** Milliseconds to wait for the TCP+TLS connection and for the greeting, unless the caller says otherwise. */
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/**
 * How Mailroom connects to an SMTP server, for sending and for Check Account alike: implicit TLS or
 * STARTTLS that must succeed, certificates verified, XOAUTH2, no file or URL access [SEC-24].
 * `testWiring` is the options object the caller was built with: only test wiring adds a test CA to it.
 */
export function smtpConnectionOptions(endpoint: MailEndpoint, testWiring: object, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): SMTPTransport.Options {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.implicitTls,
    requireTLS: !endpoint.implicitTls,
    ignoreTLS: false,
    opportunisticTLS: false,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...testTlsOptionsFor(testWiring),
    },
    // The EHLO name: a neutral literal instead of the machine's host name.
    name: '[127.0.0.1]',
    authMethod: 'XOAUTH2',
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
    debug: false,
    transactionLog: false,
  };
}
