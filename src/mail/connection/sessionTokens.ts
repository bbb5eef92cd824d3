import type { MailAccount, MailAccounts } from '../../auth/accountApi';
import type { Clock } from '../../util/clock';

/** A forced refresh this recent is reused by the other connection instead of refreshing again. */
const FORCED_REFRESH_REUSE_MS = 30_000;

/**
 * The access tokens one account's connections sign in with. When the server rejects both
 * connections together, they share one forced refresh.
 */
export class SessionTokens {
  private forcedRefresh: { at: number; token: Promise<string> } | undefined;

  public constructor(
    private readonly account: MailAccount,
    private readonly accounts: Pick<MailAccounts, 'getAccessToken'>,
    private readonly clock: Clock,
  ) {}

  /** The current token (refreshed by the account service when it has expired). */
  public current(): Promise<string> {
    return this.accounts.getAccessToken(this.account.id, this.account.imap.host, undefined);
  }

  /** A token refreshed even though it has not expired: the server rejected the current one. */
  public refreshed(): Promise<string> {
    const now = this.clock.now();
    if (!this.forcedRefresh || now - this.forcedRefresh.at > FORCED_REFRESH_REUSE_MS) {
      this.forcedRefresh = { at: now, token: this.accounts.getAccessToken(this.account.id, this.account.imap.host, { forceRefresh: true }) };
    }
    return this.forcedRefresh.token;
  }
}
