import type { MailAccounts } from '../auth/accountApi';
import type { MailAccount } from '../auth/accountApi';
import type { MailSession, MailSessions } from '../mail/connection';
import type { Subscription } from '../util/event';
import { MailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { WindowGroup } from '../windows/windowGroup';
import type { LeaseTimings } from '../windows/leaderLease';

/** The URI handler's callbacks: claimed here, or handed to the profile's other windows (the editor routes them to any window). */
export interface UriCallbacks {
  claim(uri: { path: string; query: string }): boolean;
  handOffUnclaimed(handler: (uri: { path: string; query: string }) => void): void;
}

/** How long the leader waits for an account another window has just signed in to appear in its own storage. */
const NEW_ACCOUNT_WAIT_MS = 2_000;

/**
 * Makes this window one of its profile's group (src/windows): `sessions` relay their operations to
 * the window holding the connections, follow its changes, and take the connections over when this
 * window becomes the leader.
 */
export function joinWindowGroup(deps: {
  directory: string;
  accounts: Pick<MailAccounts, 'list' | 'onDidChangeAccounts'>;
  sessions: () => MailSessions;
  /** Absent in tests of the mail layer alone. */
  callbacks?: UriCallbacks;
  logger: Logger;
  timings?: LeaseTimings;
}): WindowGroup & Subscription {
  const group = new WindowGroup({
    directory: deps.directory,
    logger: deps.logger,
    ...(deps.timings ? { timings: deps.timings } : {}),
    sessionFor: async (accountId) => deps.sessions().get(await signedInAccount(deps.accounts, accountId)),
    onDidChangeAccounts: deps.accounts.onDidChangeAccounts,
    claimCallback: (uri) => deps.callbacks?.claim(uri) ?? false,
    followerEvents: {
      folderChanged: (change) => deps.sessions().find(change.accountId)?.relayedChange(change),
      stateChanged: (accountId, state) => deps.sessions().find(accountId)?.relayedState(state),
      // An account the leader refused may be known to it now: its sessions ask it again.
      leaderAccountsChanged: followLeadership,
    },
  });
  deps.callbacks?.handOffUnclaimed((uri) => group.handOffCallback(uri));
  group.onDidChangeRole(followLeadership);
  return group;

  function followLeadership(): void {
    deps
      .sessions()
      .all()
      .forEach((session: MailSession) => session.followLeadership());
  }
}

/**
 * The account, once this window's storage knows it (signed in elsewhere a moment ago: SecretStorage
 * tells every window of one browser or desktop profile). One it still does not know (code-server tabs
 * of different browsers have different SecretStorage) is refused, so the window that asked serves it.
 */
async function signedInAccount(accounts: Pick<MailAccounts, 'list' | 'onDidChangeAccounts'>, accountId: string): Promise<MailAccount> {
  const known = (): MailAccount | undefined => accounts.list().find((account) => account.id === accountId);
  const account =
    known() ??
    (await new Promise<MailAccount | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), NEW_ACCOUNT_WAIT_MS);
      const subscription = accounts.onDidChangeAccounts(() => {
        const found = known();
        if (found) {
          done(found);
        }
      });
      function done(found: MailAccount | undefined): void {
        clearTimeout(timer);
        subscription.dispose();
        resolve(found);
      }
    }));
  if (!account) {
    throw new MailroomError('AccountNotShared', 'The Mailroom window that holds the mail connections is not signed in to this account.', { accountId });
  }
  return account;
}
