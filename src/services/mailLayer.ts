import type { MailAccount, MailAccounts, SignOutHooks } from '../auth/accountApi';
import { requireAccount } from '../auth/accountApi';
import type { MailSession, MailSessions } from '../mail/connection';
import { EnvelopeCache } from '../mail/envelopeCache';
import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';
import type { Logger } from '../util/log';

export interface MailLayerDependencies {
  readonly accounts: MailAccounts;
  /** One supervised IMAP session per account, shared by reading and sending. */
  readonly sessions: Pick<MailSessions, 'get' | 'close'>;
  /** Sign-out runs these before the account's secrets go. */
  readonly signOutHooks: SignOutHooks;
  /** Where the envelope cache keeps its files. */
  readonly cacheDirectory: string;
  /** The `mailroom.cache.enabled` setting. */
  readonly cacheEnabled: () => boolean;
  readonly logger: Logger;
  /** Whether this window announces new mail (one window of a group does: src/windows); absent: it does. */
  readonly announcesNewMail?: () => boolean;
}

/**
 * What every feature shares of the mail layer: the account's session and the envelope cache. An
 * account that goes (signed out here, or removed in another window) has its connections closed,
 * the ones sending uses too, and its cached mail deleted.
 */
export class MailLayer implements Subscription {
  public readonly cache: EnvelopeCache;
  private readonly forgetting = new Emitter<string>();
  private knownAccountIds: Set<string>;
  private readonly subscriptions: Subscription[] = [];

  public constructor(private readonly deps: MailLayerDependencies) {
    this.cache = new EnvelopeCache(deps.cacheDirectory, deps.cacheEnabled, deps.logger);
    this.knownAccountIds = this.accountIds();
    this.subscriptions.push(
      deps.signOutHooks.onWillSignOut((account) => this.forgetAccount(account.id)),
      deps.accounts.onDidChangeAccounts(() => void this.forgetRemovedAccounts()),
    );
  }

  /** The signed-in account's session; throws 'SignInRequired' when the account is gone. */
  public session(accountId: string): MailSession {
    return this.deps.sessions.get(requireAccount(this.deps.accounts, accountId));
  }

  /** The session of an account the caller already holds (sending, filing into Sent). */
  public sessionOf(account: MailAccount): MailSession {
    return this.deps.sessions.get(account);
  }

  /**
   * Whether new mail of `session` is announced in this window: the focused (or last focused) window of
   * the profile's windows, or this one when it serves the account itself (only it hears of that mail).
   */
  public announcesNewMail(session: MailSession): boolean {
    return session.refusedByLeader || (this.deps.announcesNewMail?.() ?? true);
  }

  /** Fires before an account's connections close, so views drop what they hold of it first. */
  public onWillForgetAccount(listener: (accountId: string) => void): Subscription {
    return this.forgetting.event(listener);
  }

  public dispose(): void {
    this.forgetting.dispose();
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }

  private accountIds(): Set<string> {
    return new Set(this.deps.accounts.list().map((account) => account.id));
  }

  private async forgetRemovedAccounts(): Promise<void> {
    const current = this.accountIds();
    const removed = [...this.knownAccountIds].filter((id) => !current.has(id));
    this.knownAccountIds = current;
    for (const id of removed) {
      await this.forgetAccount(id);
    }
  }

  private async forgetAccount(accountId: string): Promise<void> {
    this.forgetting.fire(accountId);
    await this.deps.sessions.close(accountId);
    await this.cache.deleteAccount(accountId);
  }
}
