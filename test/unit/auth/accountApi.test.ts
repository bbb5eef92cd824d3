import * as assert from 'node:assert/strict';
import { findAccount, requireAccount } from '../../../src/auth/accountApi';
import type { MailAccount } from '../../../src/auth/accountApi';
import { MailroomError } from '../../../src/util/errors';

const endpoint = { host: 'mail.example.org', port: 993, implicitTls: true };
const alice: MailAccount = { id: 'issuer|alice', provider: 'oidc', email: 'alice@example.org', imap: endpoint, smtp: endpoint, serverSavesSent: false };
const bob: MailAccount = { ...alice, id: 'issuer|bob', email: 'bob@example.org' };
const accounts = { list: (): readonly MailAccount[] => [alice, bob] };

describe('account lookup', () => {
  it('finds a signed-in account by id, and nothing for one that is gone', () => {
    assert.equal(findAccount(accounts, 'issuer|bob'), bob);
    assert.equal(findAccount(accounts, 'issuer|carol'), undefined);
    assert.equal(requireAccount(accounts, 'issuer|alice'), alice);
  });

  it('throws the one SignInRequired error, naming the account, when it is gone', () => {
    assert.throws(
      () => requireAccount(accounts, 'issuer|carol'),
      (error: unknown) =>
        error instanceof MailroomError &&
        error.code === 'SignInRequired' &&
        error.accountId === 'issuer|carol' &&
        error.message === 'That account is no longer signed in. Sign in again from the Accounts menu.',
    );
  });
});
