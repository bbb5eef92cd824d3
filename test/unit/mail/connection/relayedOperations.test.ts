// Mail operations relayed to the window holding the connections (src/mail/connection/relayedOperations.ts):
// a follower's session sends the operation's name and arguments and opens nothing; the leader checks both
// before it runs anything.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { MailAccount } from '../../../../src/auth/accountApi';
import { MailSession, relayedOperation, relayedOperationNames, runRelayedOperation } from '../../../../src/mail/connection';
import type { MailRelay, MailRelayRoute } from '../../../../src/mail/connection';
import { loadRows, setFlag, unreadCount } from '../../../../src/mail/mailbox';
import { loadMessage } from '../../../../src/mail/message';
import { readPatchOriginal } from '../../../../src/mail/patchReply';
import { MailroomError } from '../../../../src/util/errors';
import { testLogger } from '../../../support/logging';

const account: MailAccount = {
  id: 'issuer|alice@example.test',
  provider: 'oidc',
  email: 'alice@example.test',
  imap: { host: 'imap.example.test', port: 993, implicitTls: true },
  smtp: { host: 'smtp.example.test', port: 465, implicitTls: true },
  serverSavesSent: false,
};

function followerSession(): { session: MailSession; calls: unknown[][]; watched: unknown[][]; tokens: string[] } {
  const calls: unknown[][] = [];
  const watched: unknown[][] = [];
  const tokens: string[] = [];
  const relay: MailRelay = {
    call: async (accountId, operation, args) => {
      calls.push([accountId, operation, args]);
      return { status: { path: 'INBOX', total: 1, uidValidity: '1' }, start: 0, rows: [] };
    },
    watch: async (accountId, folder) => void watched.push([accountId, folder]),
  };
  const route: MailRelayRoute = { leading: false, relay: async () => relay };
  const accounts = {
    getAccessToken: async (_id: string, host: string) => {
      tokens.push(host);
      return 'AT-SENTINEL';
    },
    requireSignIn: () => undefined,
  };
  return { session: new MailSession(account, { accounts, logger: testLogger(), relay: route }), calls, watched, tokens };
}

describe('relayed mail operations', () => {
  it('[SEC-31] a follower’s session sends the operation by name with its arguments, and asks for no token', async () => {
    const { session, calls, tokens } = followerSession();
    try {
      await loadRows(session, 'INBOX', 50, 25);
      await setFlag(session, 'INBOX', [7], '\\Seen', true);
      await session.folders({ refresh: true });
      assert.deepEqual(calls, [
        [account.id, 'loadRows', ['INBOX', 50, 25]],
        [account.id, 'setFlag', ['INBOX', [7], '\\Seen', true]],
        [account.id, 'folders', [true]],
      ]);
      assert.deepEqual(tokens, []);
    } finally {
      await session.dispose();
    }
  });

  it('a follower’s session runs nothing on a connection of its own, and asks the leader to watch its folder', async () => {
    const { session, watched } = followerSession();
    try {
      await assert.rejects(
        session.run(async () => 'ran'),
        (error: unknown) => error instanceof MailroomError && error.code === 'ConnectionFailed',
      );
      session.watch('INBOX');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(watched, [[account.id, 'INBOX']]);
    } finally {
      await session.dispose();
    }
  });

  it('a session whose leader is not signed in to its account serves it here, asking again only when the leader changes', async () => {
    const asked: string[] = [];
    let leaderKnowsAccount = false;
    const relay: MailRelay = {
      call: async (_accountId, operation) => {
        asked.push(operation);
        if (!leaderKnowsAccount) {
          throw new MailroomError('AccountNotShared', 'The leader is not signed in to this account.', { accountId: account.id });
        }
        return 'from the leader';
      },
      watch: async () => undefined,
    };
    const session = new MailSession(account, {
      accounts: { getAccessToken: async () => 'AT', requireSignIn: () => undefined },
      logger: testLogger(),
      relay: { leading: false, relay: async () => relay },
    });
    try {
      const here = async (): Promise<string> => 'served here';
      assert.equal(await session.relayed('loadRows', [], here), 'served here');
      assert.equal(await session.relayed('loadRows', [], here), 'served here');
      assert.equal(await session.relayed('setFlag', [], here), 'served here');
      assert.deepEqual(asked, ['loadRows'], 'asked the leader again after its refusal');
      assert.equal(session.relaying, false);
      assert.equal(session.refusedByLeader, true);
      leaderKnowsAccount = true;
      session.followLeadership();
      assert.equal(session.relaying, true);
      assert.equal(await session.relayed('loadRows', [], here), 'from the leader');
      assert.deepEqual(asked, ['loadRows', 'loadRows']);
    } finally {
      await session.dispose();
    }
  });

  it('the leader runs a known operation with fitting arguments on its own session', async () => {
    const asked: unknown[] = [];
    const session = { folders: async (options: unknown) => (asked.push(options), ['folder list']) } as unknown as MailSession;
    assert.deepEqual(await runRelayedOperation(session, 'folders', [true]), ['folder list']);
    assert.deepEqual(await runRelayedOperation(session, 'folders', [false, 15_000]), ['folder list']);
    assert.deepEqual(asked, [{ refresh: true }, { refresh: false, countsMaxAgeMs: 15_000 }]);
  });

  it('a follower’s picker asks the leader for counts no older than its limit, and its badge for the leader’s count', async () => {
    const { session, calls } = followerSession();
    try {
      await session.folders({ countsMaxAgeMs: 15_000 });
      await session.folders();
      await unreadCount(session, 'INBOX');
      assert.deepEqual(calls, [
        [account.id, 'folders', [false, 15_000]],
        [account.id, 'folders', [false]],
        [account.id, 'unreadCount', ['INBOX']],
      ]);
    } finally {
      await session.dispose();
    }
  });

  it('[SEC-31] the leader refuses an unknown operation, or arguments that do not fit, before touching the session', async () => {
    const session = {
      run: () => assert.fail('the session was used'),
      folders: () => assert.fail('the session was used'),
      relayed: () => assert.fail('the session was used'),
    } as unknown as MailSession;
    const refused = (error: unknown): boolean => error instanceof MailroomError && error.code === 'InvalidInput';
    await assert.rejects(runRelayedOperation(session, 'dropEverything', []), refused);
    await assert.rejects(runRelayedOperation(session, 'toString', []), refused);
    await assert.rejects(runRelayedOperation(session, 'loadRows', ['INBOX', -1, 5]), refused);
    await assert.rejects(runRelayedOperation(session, 'loadRows', ['INBOX', 0]), refused);
    await assert.rejects(runRelayedOperation(session, 'loadRows', ['INBOX', 0, 5, 'extra']), refused);
    await assert.rejects(runRelayedOperation(session, 'setFlag', ['INBOX', [0], '\\Seen', true]), refused);
    await assert.rejects(runRelayedOperation(session, 'loadMessage', [{ folder: 'INBOX', uid: 1, hook: () => 1 }]), refused);
    await assert.rejects(runRelayedOperation(session, 'folders', ['yes']), refused);
    await assert.rejects(runRelayedOperation(session, 'folders', [false, -1]), refused);
    await assert.rejects(runRelayedOperation(session, 'folders', [false, 1.5]), refused);
  });

  it('a window not yet reloaded after an update is served without a newer trailing argument, which then takes its default', async () => {
    const downloads: unknown[] = [];
    const client = {
      mailbox: { path: 'INBOX', readOnly: true },
      download: async (_uid: string, _part: string, options: { decodeText: boolean }) => {
        downloads.push(options.decodeText);
        return { content: Readable.from([Buffer.from('attached')]) };
      },
    };
    const session = { relaying: false, run: (task: (connected: unknown) => Promise<unknown>) => task(client) } as unknown as MailSession;
    const ref = { accountId: account.id, folder: 'INBOX', uid: 3 };
    const attachment = { index: 0, filename: 'notes.txt', contentType: 'text/plain', size: 8, part: '2' };

    assert.deepEqual(await runRelayedOperation(session, 'attachmentContent', [ref, attachment, 1024]), Buffer.from('attached'));
    assert.deepEqual(await runRelayedOperation(session, 'attachmentContent', [ref, attachment, 1024, false]), Buffer.from('attached'));
    assert.deepEqual(downloads, [true, false], 'absent: decoded, as before the argument was added');

    const folders: unknown[] = [];
    const leader = { folders: async (options: unknown) => (folders.push(options), []) } as unknown as MailSession;
    await runRelayedOperation(leader, 'folders', [false]);
    assert.deepEqual(folders, [{ refresh: false }], 'absent: the counts as listed, no age asked');
  });

  it('[SEC-31] an optional argument that is present is checked as strictly as a required one', async () => {
    const session = { run: () => assert.fail('the session was used'), folders: () => assert.fail('the session was used') } as unknown as MailSession;
    const refused = (error: unknown): boolean => error instanceof MailroomError && error.code === 'InvalidInput';
    const ref = { accountId: account.id, folder: 'INBOX', uid: 3 };
    const attachment = { index: 0, filename: 'notes.txt', contentType: 'text/plain', size: 8, part: '2' };
    await assert.rejects(runRelayedOperation(session, 'attachmentContent', [ref, attachment, 1024, 'false']), refused);
    await assert.rejects(runRelayedOperation(session, 'attachmentContent', [ref, attachment, 1024, 0]), refused);
    await assert.rejects(runRelayedOperation(session, 'attachmentContent', [ref, attachment, 1024, null]), refused);
    await assert.rejects(runRelayedOperation(session, 'attachmentContent', [ref, attachment]), refused, 'a required argument stays required');
    await assert.rejects(runRelayedOperation(session, 'folders', [false, '15000']), refused);
  });

  it('only trailing arguments can be optional', () => {
    assert.throws(() => relayedOperation('optionalInTheMiddle', ['boolean?', 'string'], async () => undefined), /only trailing arguments/);
  });

  it('every operation the views and sending use is registered under its name', () => {
    void loadMessage;
    void readPatchOriginal;
    const names = relayedOperationNames();
    for (const name of ['folders', 'fetchNewestRows', 'loadRows', 'searchFolder', 'loadRowsByUid', 'loadRow', 'setFlag', 'moveMessages']) {
      assert.ok(names.includes(name), name);
    }
    for (const name of [
      'deleteMessages',
      'archiveMessages',
      'unreadCount',
      'loadMessage',
      'loadSource',
      'attachmentContent',
      'specialUseHoldsMessageId',
      'readPatchOriginal',
    ]) {
      assert.ok(names.includes(name), name);
    }
  });
});
