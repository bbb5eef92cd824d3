import type { MailAccounts } from '../../auth/accountApi';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/log';

export interface MailSessionDependencies {
  accounts: Pick<MailAccounts, 'getAccessToken' | 'requireSignIn'>;
  logger: Logger;
  /** Injected for tests. */
  random?: () => number;
  /** Time for the IDLE renewal, the connection rate limit and the forced-refresh reuse window; a fake clock in tests. */
  clock?: Clock;
  /** How long to wait for the server; tests shorten it, the product uses {@link DEFAULT_IMAP_TIMEOUTS}. */
  timeouts?: ImapTimeouts;
}

export interface ImapTimeouts {
  /** TCP + TLS connection, and then the greeting. */
  readonly connectMs: number;
  /**
   * A command on the command connection that gets no answer for this long fails, and the connection
   * is dropped: a server that stops answering (without closing) must not hold every request for
   * imapflow's default of five minutes.
   */
  readonly commandMs: number;
}

export const DEFAULT_IMAP_TIMEOUTS: ImapTimeouts = { connectMs: 20_000, commandMs: 30_000 };
