// One "window" in its own process, for the stack tests and the benchmark of several windows (src/windows):
// a MailLayer over MailSessions that join the profile's window group in `directory`, like
// src/extension.ts wires them, against the stack's Dovecot. The parent drives it over the fork IPC
// channel (test plumbing, not the windows' socket): it hands over the account and an access token, asks
// for folder pages and messages, and hears each folder change with whether this window announces it.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { MailAccount, MailAccounts } from '../../src/auth/accountApi';
import { MailSessions } from '../../src/mail/connection';
import type { MailRelayRoute, MailSession } from '../../src/mail/connection';
import { fetchNewestRows, loadRows, summarizeFolders, unreadCount } from '../../src/mail/mailbox';
import { loadMessage } from '../../src/mail/message';
import { MailLayer } from '../../src/services/mailLayer';
import { joinWindowGroup } from '../../src/services/windowSharing';
import { isMailroomError } from '../../src/util/errors';
import { Emitter } from '../../src/util/event';
import { withTestTransport } from '../../src/util/testTransport';
import { testLogger } from './logging';

export interface WindowSetup {
  directory: string;
  account: MailAccount;
  accessToken: string;
  caFile: string;
  /** The control: the window keeps its own connections, as before windows cooperated. */
  alone?: boolean;
  /** The window's storage does not know the account (a code-server tab of another browser: SecretStorage is the browser's). */
  withoutAccount?: boolean;
}

export type WindowCommand =
  | { command: 'role' }
  | { command: 'watch'; folder: string }
  | { command: 'focus'; focused: boolean }
  | { command: 'page'; folder: string; start: number; count: number }
  | { command: 'newest'; folder: string; count: number }
  | { command: 'message'; folder: string; uid: number }
  | { command: 'unread'; folder: string }
  | { command: 'folderCounts'; countsMaxAgeMs?: number }
  | { command: 'time'; what: 'page' | 'message' | 'folders'; folder: string; uid: number; times: number }
  | { command: 'removeAccount' }
  | { command: 'addAccount' }
  | { command: 'tokenRequests' }
  | { command: 'refusals' };

export type WindowReport =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; code: string; message: string }
  | { kind: 'folderChange'; window: string; change: { kind: string; folder: string; exists?: number }; announces: boolean; leading: boolean }
  | { kind: 'ready'; window: string };

function send(report: WindowReport): void {
  process.send?.(report);
}

async function start(setup: WindowSetup): Promise<void> {
  let signedIn = setup.withoutAccount ? [] : [setup.account];
  let tokenRequests = 0;
  let refusals = 0;
  const accountChanges = new Emitter<void>();
  const accounts: MailAccounts = {
    list: () => signedIn,
    onDidChangeAccounts: accountChanges.event,
    getAccessToken: async () => {
      tokenRequests++;
      return setup.accessToken;
    },
    requireSignIn: () => undefined,
    signIn: async () => undefined,
  } as unknown as MailAccounts;
  const logger = testLogger();
  const windows = joinWindowGroup({ directory: setup.directory, accounts, sessions: () => sessions, logger });
  // The group's relay, counting the leader's refusals of an account it is not signed in to.
  const counted = <T>(request: Promise<T>): Promise<T> =>
    request.catch((error: unknown) => {
      refusals += isMailroomError(error, 'AccountNotShared') ? 1 : 0;
      throw error;
    });
  const route: MailRelayRoute = {
    get leading() {
      return windows.leading;
    },
    relay: async () => {
      const relay = await windows.relay();
      return relay && { call: (...args) => counted(relay.call(...args)), watch: (...args) => counted(relay.watch(...args)) };
    },
  };
  const sessions = new MailSessions(
    withTestTransport({ accounts, logger, ...(setup.alone ? {} : { relay: route }) }, { extraCa: fs.readFileSync(setup.caFile) }),
  );
  const mail = new MailLayer({
    accounts,
    sessions,
    signOutHooks: { onWillSignOut: () => ({ dispose: () => undefined }) },
    cacheDirectory: `${setup.directory}/envelopes-${process.pid}`,
    cacheEnabled: () => false,
    logger,
    announcesNewMail: () => setup.alone === true || windows.announcesNewMail,
  });
  if (!setup.alone) {
    windows.start();
  }
  // A window without the account has no session of it: it only leads (or follows) the group.
  const ownSession = setup.withoutAccount ? undefined : mail.session(setup.account.id);
  ownSession?.onDidChangeFolder((change) =>
    send({ kind: 'folderChange', window: windows.id, change, announces: mail.announcesNewMail(ownSession), leading: windows.leading }),
  );
  const ref = (folder: string, uid: number): { accountId: string; folder: string; uid: number } => ({ accountId: setup.account.id, folder, uid });

  const run = async (command: WindowCommand): Promise<unknown> => {
    const session = (): MailSession => ownSession ?? mail.session(setup.account.id);
    switch (command.command) {
      case 'role':
        return setup.alone
          ? { window: windows.id, leading: true, settled: true }
          : {
              window: windows.id,
              leading: windows.leading,
              settled: await windows.relay().then(
                () => true,
                () => false,
              ),
            };
      case 'watch':
        session().watch(command.folder);
        return null;
      case 'focus':
        windows.focusChanged(command.focused);
        return null;
      case 'page':
        return (await loadRows(session(), command.folder, command.start, command.count)).rows.map((row) => row.uid);
      case 'newest':
        return (await fetchNewestRows(session(), command.folder, command.count)).rows.map((row) => row.uid);
      case 'message':
        return (await loadMessage(session(), ref(command.folder, command.uid))).view.subject;
      case 'unread':
        // The badge's count.
        return unreadCount(session(), command.folder);
      case 'folderCounts': {
        // The folder picker's counts, folder by folder (a folder without unread mail: 0).
        const { countsMaxAgeMs } = command;
        const folders = summarizeFolders(await session().folders(countsMaxAgeMs === undefined ? {} : { countsMaxAgeMs }));
        return Object.fromEntries(folders.map((folder) => [folder.path, folder.unread ?? 0]));
      }
      case 'time': {
        const { folder, uid, times } = command;
        const tasks = {
          page: () => loadRows(session(), folder, 0, 50),
          message: () => loadMessage(session(), ref(folder, uid)),
          // Known on the connection already: no IMAP round trip, so a follower's time is the relay's own.
          folders: () => session().folders(),
        };
        return timeEach(times, tasks[command.what]);
      }
      case 'removeAccount':
        // What SecretStorage's onDidChange tells every window when one signs out.
        signedIn = [];
        accountChanges.fire();
        return null;
      case 'addAccount':
        // Signed in to the account in this window (a code-server tab of another browser signing in too).
        signedIn = [setup.account];
        accountChanges.fire();
        return null;
      case 'tokenRequests':
        return tokenRequests;
      case 'refusals':
        return refusals;
    }
  };

  process.on('message', (message: { id: number } & WindowCommand) => {
    run(message).then(
      (value) => send({ kind: 'reply', id: message.id, ok: true, value }),
      (error: unknown) =>
        send({
          kind: 'reply',
          id: message.id,
          ok: false,
          code: isMailroomError(error) ? error.code : 'Unknown',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  // The editor closing the window: the window gives the lease up, so another takes over at once.
  process.once('SIGTERM', () => {
    windows.dispose();
    void sessions.dispose().finally(() => process.exit(0));
  });
  send({ kind: 'ready', window: windows.id });
}

/** Milliseconds of each run of `task`, after one untimed run (the connection open, the folder selected). */
async function timeEach(times: number, task: () => Promise<unknown>): Promise<number[]> {
  await task();
  const durations: number[] = [];
  for (let index = 0; index < times; index++) {
    const started = performance.now();
    await task();
    durations.push(performance.now() - started);
  }
  return durations;
}

if (require.main === module) {
  process.once('message', (setup: WindowSetup) => void start(setup));
  // The test that forked this window is gone: so is the window (as when the editor closes it).
  process.on('disconnect', () => process.exit(0));
}
