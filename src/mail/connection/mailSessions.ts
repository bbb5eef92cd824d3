import type { MailAccount } from '../../auth/accountApi';
import { MailSession } from './mailSession';
import type { MailSessionDependencies } from './sessionDependencies';

/** One supervised session per signed-in account. */
export class MailSessions {
  private readonly sessions = new Map<string, MailSession>();

  public constructor(private readonly deps: MailSessionDependencies) {}

  public get(account: MailAccount): MailSession {
    let session = this.sessions.get(account.id);
    if (!session) {
      session = new MailSession(account, this.deps);
      this.sessions.set(account.id, session);
    }
    return session;
  }

  public find(accountId: string): MailSession | undefined {
    return this.sessions.get(accountId);
  }

  /** Every open session (to follow a change of the window holding the connections). */
  public all(): MailSession[] {
    return [...this.sessions.values()];
  }

  /** Closes the account's connections (sign-out, account removed). */
  public async close(accountId: string): Promise<void> {
    const session = this.sessions.get(accountId);
    this.sessions.delete(accountId);
    await session?.dispose();
  }

  public async dispose(): Promise<void> {
    const all = [...this.sessions.keys()];
    await Promise.all(all.map((id) => this.close(id)));
  }
}
