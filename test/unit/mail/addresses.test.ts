import * as assert from 'node:assert/strict';
import { formatAddress, isValidAddress, loadAddressParser, parseAddressList, recipientProblem, rememberRecipients } from '../../../src/mail/addresses';
import type { AddressParser } from '../../../src/mail/addresses';
import type { MailAddress } from '../../../src/mail/outgoing';

describe('recipient address validation', () => {
  let parser: AddressParser;
  before(async () => {
    parser = await loadAddressParser();
  });

  it('accepts ordinary, plus-tagged, IDN and non-ASCII mailbox addresses', () => {
    for (const address of ['bob@mailroom.test', 'first.last+tag@sub.example.org', "o'brien@example.ie", 'josé@exämple.de', '用户@例子.广告']) {
      assert.ok(isValidAddress(address), address);
    }
  });

  it('rejects what is not an address', () => {
    for (const address of [
      '',
      'bob',
      'bob@',
      '@example.org',
      'bob@localhost',
      'a b@example.org',
      'bob@@example.org',
      'bob..x@example.org',
      '.bob@example.org',
      'bob@-example.org',
      'bob@example.123',
      'bob@exa_mple.org',
      'bob\u202e@example.org',
      'bob\r\n@example.org',
      `${'a'.repeat(65)}@example.org`,
    ]) {
      assert.equal(isValidAddress(address), false, JSON.stringify(address));
    }
  });

  it('parses a typed list with display names, quotes and both separators, and names the invalid pieces', () => {
    const parsed = parseAddressList('Bob <bob@mailroom.test>; "Smith, Ann" <ann@example.org>, carol@example.org, not-an-address, Eve <eve@>', parser);
    assert.deepEqual(parsed.valid, [
      { name: 'Bob', address: 'bob@mailroom.test' },
      { name: 'Smith, Ann', address: 'ann@example.org' },
      { address: 'carol@example.org' },
    ]);
    assert.deepEqual(parsed.invalid, ['not-an-address', 'Eve <eve@>']);
  });

  it('drops duplicate addresses regardless of case', () => {
    assert.deepEqual(parseAddressList('bob@mailroom.test, BOB@Mailroom.test', parser).valid, [{ address: 'bob@mailroom.test' }]);
  });

  it('refuses display names with bidi controls (spoofing) ', () => {
    assert.deepEqual(parseAddressList('Bob\u202e <bob@mailroom.test>', parser).invalid.length, 1);
  });

  it('quotes display names that need it when formatting, and round-trips through the parser', () => {
    const address = { name: 'Smith, "Ann"', address: 'ann@example.org' };
    const formatted = formatAddress(address);
    assert.equal(formatted, '"Smith, \\"Ann\\"" <ann@example.org>');
    assert.deepEqual(parseAddressList(formatted, parser).valid, [address]);
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
  let parser: AddressParser;
  before(async () => {
    parser = await loadAddressParser();
  });

  it('names the pieces that are not addresses, and asks for one when empty', () => {
    assert.equal(recipientProblem('bob@mailroom.test, bob@, carol', parser), 'Not an email address: bob@, carol');
    assert.equal(recipientProblem(' , ', parser), 'Enter at least one address');
    assert.equal(recipientProblem('Bob <bob@mailroom.test>; ann@example.org', parser), undefined);
  });

  const accepted: [string, string, MailAddress[]][] = [
    ['escaped quotes and a comma in a quoted name', '"Say \\"hi\\", Bob" <bob@x.org>', [{ name: 'Say "hi", Bob', address: 'bob@x.org' }]],
    ['an escaped quote before a comma', '"Ann \\", CEO" <ann@x.org>, carol@y.org', [{ name: 'Ann ", CEO', address: 'ann@x.org' }, { address: 'carol@y.org' }]],
    [
      'commas inside quotes',
      '"Smith, Ann" <ann@example.org>, "Doe, J." <jd@example.org>',
      [
        { name: 'Smith, Ann', address: 'ann@example.org' },
        { name: 'Doe, J.', address: 'jd@example.org' },
      ],
    ],
    ['a comment after a name, with a comma in it', 'Bob (work, home) <bob@x.org>', [{ name: 'Bob', address: 'bob@x.org' }]],
    ['a comment as the name of a bare address', 'bob@x.org (Bob Smith)', [{ name: 'Bob Smith', address: 'bob@x.org' }]],
    ['a group', 'Team: a@x.org, b@y.org;', [{ address: 'a@x.org' }, { address: 'b@y.org' }]],
    [
      'a group and an address after it',
      'Team: a@x.org, Bee <b@y.org>; c@z.org',
      [{ address: 'a@x.org' }, { name: 'Bee', address: 'b@y.org' }, { address: 'c@z.org' }],
    ],
    ['an empty group', 'Undisclosed recipients:;', []],
    [
      'unicode display names and IDN domains',
      '"Zoë Ångström" <zoe@exämple.se>, 用户 <用户@例子.广告>, Zoë <z@example.org>',
      [
        { name: 'Zoë Ångström', address: 'zoe@exämple.se' },
        { name: '用户', address: '用户@例子.广告' },
        { name: 'Zoë', address: 'z@example.org' },
      ],
    ],
  ];
  for (const [what, typed, expected] of accepted) {
    it(`accepts ${what}`, () => {
      assert.deepEqual(parseAddressList(typed, parser), { valid: expected, invalid: [] });
      assert.equal(recipientProblem(typed, parser), expected.length > 0 ? undefined : 'Enter at least one address');
    });
  }

  const rejected: [string, string, string][] = [
    ['a name without angle brackets', 'a b@x.org', 'a b@x.org'],
    ['a piece without @ before an address (not glued onto its name)', 'not-an-address, Eve <eve@x.org>', 'not-an-address'],
    ['two addresses without a comma', 'a@x.org b@y.org', 'a@x.org b@y.org'],
    ['two angle addresses in one entry', 'bob <a@x.org> <b@y.org>', 'bob <a@x.org> <b@y.org>'],
    ['words after the angle address', 'Bob <bob@x.org> trailing', 'Bob <bob@x.org> trailing'],
    ['an angle bracket left open', 'Bob <bob@x.org', 'Bob <bob@x.org'],
    ['a quote left open', '"Bob <bob@x.org>', '"Bob <bob@x.org>'],
    ['an address in a quoted name (spoofing)', '"boss@x.org <boss@x.org>" <eve@y.org>', '"boss@x.org <boss@x.org>" <eve@y.org>'],
    ['a comment alone', '(nobody)', '(nobody)'],
    ['a group member that is no address', 'Team: a@x.org, b;', 'b'],
  ];
  for (const [what, typed, named] of rejected) {
    it(`rejects ${what}, naming it`, () => {
      assert.equal(recipientProblem(typed, parser), `Not an email address: ${named}`);
    });
  }
});
