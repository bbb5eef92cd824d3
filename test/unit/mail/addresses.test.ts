import * as assert from 'node:assert/strict';
import { formatAddress, isValidAddress, parseAddressList, recipientProblem, rememberRecipients } from '../../../src/mail/addresses';

describe('recipient address validation', () => {
  it('accepts ordinary, plus-tagged, IDN and non-ASCII mailbox addresses', () => {
    for (const address of ['bob@mailroom.test', 'first.last+tag@sub.example.org', 'o\'brien@example.ie', 'josé@exämple.de', '用户@例子.广告']) {
      assert.ok(isValidAddress(address), address);
    }
  });

  it('rejects what is not an address', () => {
    for (const address of ['', 'bob', 'bob@', '@example.org', 'bob@localhost', 'a b@example.org', 'bob@@example.org', 'bob..x@example.org', '.bob@example.org', 'bob@-example.org', 'bob@example.123', 'bob@exa_mple.org', 'bob\u202e@example.org', 'bob\r\n@example.org', `${'a'.repeat(65)}@example.org`]) {
      assert.equal(isValidAddress(address), false, JSON.stringify(address));
    }
  });

  it('parses a typed list with display names, quotes and both separators, and names the invalid pieces', () => {
    const parsed = parseAddressList('Bob <bob@mailroom.test>; "Smith, Ann" <ann@example.org>, carol@example.org, not-an-address, Eve <eve@>');
    assert.deepEqual(parsed.valid, [
      { name: 'Bob', address: 'bob@mailroom.test' },
      { name: 'Smith, Ann', address: 'ann@example.org' },
      { address: 'carol@example.org' },
    ]);
    assert.deepEqual(parsed.invalid, ['not-an-address', 'Eve <eve@>']);
  });

  it('drops duplicate addresses regardless of case', () => {
    assert.deepEqual(parseAddressList('bob@mailroom.test, BOB@Mailroom.test').valid, [{ address: 'bob@mailroom.test' }]);
  });

  it('refuses display names with bidi controls (spoofing) ', () => {
    assert.deepEqual(parseAddressList('Bob\u202e <bob@mailroom.test>').invalid.length, 1);
  });

  it('quotes display names that need it when formatting, and round-trips through the parser', () => {
    const address = { name: 'Smith, "Ann"', address: 'ann@example.org' };
    const formatted = formatAddress(address);
    assert.equal(formatted, '"Smith, \\"Ann\\"" <ann@example.org>');
    assert.deepEqual(parseAddressList(formatted).valid, [address]);
    assert.equal(formatAddress({ name: 'Zoë', address: 'z@example.org' }), 'Zoë <z@example.org>');
  });

  it('keeps recent recipients most-recent-first, once each, capped', () => {
    const recent = [{ address: 'a@x.org' }, { address: 'b@x.org' }];
    assert.deepEqual(rememberRecipients(recent, [{ address: 'B@x.org', name: 'B' }, { address: 'c@x.org' }], 3), [
      { address: 'B@x.org', name: 'B' },
      { address: 'c@x.org' },
      { address: 'a@x.org' },
    ]);
  });
});

describe('recipient entry problems', () => {
  it('names the pieces that are not addresses, and asks for one when empty', () => {
    assert.equal(recipientProblem('bob@mailroom.test, bob@, carol'), 'Not an email address: bob@, carol');
    assert.equal(recipientProblem(' , '), 'Enter at least one address');
    assert.equal(recipientProblem('Bob <bob@mailroom.test>; ann@example.org'), undefined);
  });
});
