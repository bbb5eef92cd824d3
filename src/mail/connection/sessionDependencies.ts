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
  /** Where the account's connections are when several windows share them (src/windows); absent: always here. */
  relay?: MailRelayRoute;
}

/** The name under which MailSession relays its folder list (the other operations register in relayedOperations.ts). */
export const FOLDERS_OPERATION = 'folders';

export interface FolderListOptions {
  /** List the folders again (LIST), not only their counts. */
  readonly refresh?: boolean;
  /** Read again (STATUS UNSEEN) the unread counts older than this; without it the counts stay as known. */
  readonly countsMaxAgeMs?: number;
}

/** The way to the window that holds the connections of every account. */
export interface MailRelay {
  /** Runs a relayed operation (relayedOperations.ts) there and answers with its result or its failure. */
  call(accountId: string, operation: string, args: readonly unknown[]): Promise<unknown>;
  /** Asks that window to keep `folder` of the account live (its IDLE connection). */
  watch(accountId: string, folder: string | undefined): Promise<void>;
}

export interface MailRelayRoute {
  /** Whether this window holds the connections now. */
  readonly leading: boolean;
  /** Undefined when this window holds the connections; else the relay (waiting a moment while a leader is chosen). */
  relay(): Promise<MailRelay | undefined>;
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
  /**
   * How long a quiet command connection is kept open after its last task (a NOOP before each socket
   * timeout), so that reading on after a pause costs one round trip, not a new TLS session, sign-in
   * and set-up. Then it logs out; the next task opens a new one.
   */
  readonly keepOpenMs?: number;
}

export const DEFAULT_IMAP_TIMEOUTS: ImapTimeouts = { connectMs: 20_000, commandMs: 30_000, keepOpenMs: 5 * 60_000 };
