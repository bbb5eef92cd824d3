import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import type { MailAccount } from '../../auth/accountApi';
import type { Logger } from '../../util/log';
import { testTlsOptionsFor } from '../../util/testTransport';
import type { ImapTimeouts } from './sessionDependencies';

/** The command connection runs requests; the IDLE connection watches one folder. */
export type ConnectionPurpose = 'command' | 'idle';

/**
 * The IDLE connection is quiet by design, so a short inactivity timeout would only interrupt IDLE
 * with a NOOP: it keeps imapflow's five minutes, and it is renewed on its own schedule (IDLE_RENEWAL_MS).
 */
const IDLE_CONNECTION_SOCKET_TIMEOUT_MS = 5 * 60_000;

/** Auto-IDLE starts right after the folder is selected, so new mail arrives within a second. */
const IDLE_CONNECTION_AUTO_IDLE_DELAY_MS = 100;

/**
 * How Mailroom configures an imapflow client. `testWiring` is the options object the session was
 * built with: only test wiring attaches a test certificate authority to it.
 */
export function imapClientOptions(
  account: MailAccount,
  purpose: ConnectionPurpose,
  accessToken: string,
  timeouts: ImapTimeouts,
  logger: Logger,
  testWiring: object,
): ImapFlowOptions {
  const { imap, email } = account;
  return {
    host: imap.host,
    port: imap.port,
    // Implicit TLS, or STARTTLS that must succeed: never a silent plaintext session.
    secure: imap.implicitTls,
    doSTARTTLS: imap.implicitTls ? undefined : true,
    tls: { minVersion: 'TLSv1.2', ...testTlsOptionsFor(testWiring) },
    auth: { user: email, accessToken },
    logger: logger.forLibrary('imapflow'),
    clientInfo: { name: 'Mailroom' },
    disableAutoIdle: purpose === 'command',
    autoIdleDelay: purpose === 'idle' ? IDLE_CONNECTION_AUTO_IDLE_DELAY_MS : undefined,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: purpose === 'command' ? timeouts.commandMs : IDLE_CONNECTION_SOCKET_TIMEOUT_MS,
  };
}

/** imapflow's report that a connection went silent past its socket timeout. */
export function isSocketTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ETIMEOUT';
}

export function closeQuietly(client: ImapFlow): void {
  try {
    client.close();
  } catch {
    // Already closed.
  }
}
