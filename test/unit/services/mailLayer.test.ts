// The mail layer forgets an account that goes: its connections (the ones sending uses too) and its cached mail.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MailAccount, MailAccounts, SignOutHooks } from '../../../src/auth/accountApi';
import { MailLayer } from '../../../src/services/mailLayer';
import { Emitter } from '../../../src/util/event';
import { recordingLogger } from '../../support/logging';

const endpoint = { host: 'mail.example.org', port: 993, implicitTls: true };
const alice: MailAccount = { id: 'issuer|alice', provider: 'oidc', email: 'alice@example.org', imap: endpoint, smtp: endpoint, serverSavesSent: false };
const bob: MailAccount = { ...alice, id: 'issuer|bob', email: 'bob@example.org' };
const status = { path: 'INBOX', total: 1, uidValidity: '7', uidNext: 2 };
const row = {
  uid: 1,
  subject: 'hello',
  from: 'Carol',
  fromAddress: 'carol@example.org',
  date: 0,
  preview: '',
  unread: true,
  flagged: false,
  answered: false,
  hasAttachment: false,
};

describe('mail layer', () => {
  let directory: string;
  let signedIn: MailAccount[];
  let events: string[];
  let signOutHook: (account: MailAccount) => Promise<void> | void;
  let accountsChanged: Emitter<void>;
  let mail: MailLayer;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-layer-'));
    signedIn = [alice, bob];
    events = [];
    accountsChanged = new Emitter<void>();
    const accounts: MailAccounts = {
      list: () => signedIn,
      onDidChangeAccounts: accountsChanged.event,
      getAccessToken: () => assert.fail('no token is needed to forget an account'),
      signIn: () => assert.fail('nobody signs in here'),
      requireSignIn: () => assert.fail('nobody signs in here'),
    };
    const signOutHooks: SignOutHooks = {
      onWillSignOut: (hook) => {
        signOutHook = hook;
        return { dispose: () => undefined };
      },
    };
    const sessions = {
      get: () => assert.fail('no session is opened here'),
      close: (accountId: string) => {
        events.push(`close ${accountId}`);
        return Promise.resolve();
      },
    };
    mail = new MailLayer({
      accounts,
      sessions,
      signOutHooks,
      cacheDirectory: path.join(directory, 'envelopes'),
      cacheEnabled: () => true,
      logger: recordingLogger().logger,
    });
    mail.onWillForgetAccount((accountId) => events.push(`forget ${accountId}`));
  });

  afterEach(() => {
    mail.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  async function cacheBoth(): Promise<void> {
    await mail.cache.remember(alice.id, 'INBOX', status, 0, [row]);
    await mail.cache.remember(bob.id, 'INBOX', status, 0, [row]);
    assert.equal((await mail.cache.read(alice.id, 'INBOX'))?.rows.length, 1);
    assert.equal((await mail.cache.read(bob.id, 'INBOX'))?.rows.length, 1);
  }

  it("on sign-out tells the views first, then closes the account's connections and deletes its cached mail", async () => {
    await cacheBoth();
    await signOutHook(bob);
    assert.deepEqual(events, [`forget ${bob.id}`, `close ${bob.id}`]);
    assert.equal(await mail.cache.read(bob.id, 'INBOX'), undefined);
    assert.equal((await mail.cache.read(alice.id, 'INBOX'))?.rows.length, 1, 'the other account keeps its cache');
  });

  it('forgets an account removed in another window, and only that one', async () => {
    await cacheBoth();
    signedIn = [alice];
    accountsChanged.fire();
    await waitFor(async () => (await mail.cache.read(bob.id, 'INBOX')) === undefined);
    assert.deepEqual(events, [`forget ${bob.id}`, `close ${bob.id}`]);
    assert.equal((await mail.cache.read(alice.id, 'INBOX'))?.rows.length, 1);
    // The forgetting starts synchronously with the event (as the removal above shows): nothing to wait for.
    accountsChanged.fire();
    assert.deepEqual(events, [`forget ${bob.id}`, `close ${bob.id}`], 'an unchanged list forgets nobody');
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the condition did not hold within a second');
}
