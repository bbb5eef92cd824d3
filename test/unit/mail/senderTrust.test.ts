// [SEC-27] "Always load remote content from this sender" applies only when nothing the receiving
// server recorded contradicts the From address; the trust is listed, shown and can be undone.
import * as assert from 'node:assert/strict';
import { parseMessage } from '../../../src/mail/message';
import { TrustedSenders, decideSenderTrust, noSenderEvidence } from '../../../src/mail/senderTrust';
import type { SenderEvidence, TrustedSenderStore } from '../../../src/mail/senderTrust';
import type { SenderTrust } from '../../../src/shared/protocol';

const news = 'news@example.com';

function evidence(overrides: Partial<SenderEvidence>): SenderEvidence {
  return { ...noSenderEvidence, from: [news], ...overrides };
}

/** The kind decided for a sender the person trusts, and the start of the reason when withheld. */
interface Row {
  name: string;
  evidence: SenderEvidence;
  kind: SenderTrust['kind'];
  reason?: RegExp;
}

const table: Row[] = [
  { name: 'no evidence beyond From', evidence: evidence({}), kind: 'applied' },
  { name: 'Return-Path is the From address', evidence: evidence({ returnPath: [news] }), kind: 'applied' },
  { name: "Return-Path at a subdomain (a bulk sender's bounce domain)", evidence: evidence({ returnPath: ['bounce-123@mail.example.com'] }), kind: 'applied' },
  { name: 'Return-Path at the parent domain', evidence: evidence({ from: ['news@shop.example.com'], returnPath: ['bounce@example.com'] }), kind: 'applied' },
  { name: 'Sender at the same domain', evidence: evidence({ sender: 'assistant@example.com' }), kind: 'applied' },
  {
    name: 'every check passes',
    evidence: evidence({
      authenticationResults: ['mx.mailroom.test; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com'],
    }),
    kind: 'applied',
  },
  {
    name: "a failure about another domain (a bulk sender's own signature)",
    evidence: evidence({ authenticationResults: ['mx; dkim=fail header.d=esp.example.net; dkim=pass header.d=example.com'] }),
    kind: 'applied',
  },
  {
    name: 'a failure inside a comment',
    evidence: evidence({ authenticationResults: ['mx; spf=pass (dmarc=fail would go here) smtp.mailfrom=example.com'] }),
    kind: 'applied',
  },
  { name: 'no results', evidence: evidence({ authenticationResults: ['mx.mailroom.test; none'] }), kind: 'applied' },
  {
    name: 'Return-Path at another domain',
    evidence: evidence({ returnPath: ['mallory@evil.example'] }),
    kind: 'withheld',
    reason: /^its envelope sender \(mallory@evil\.example\) is not at example\.com$/,
  },
  { name: 'Return-Path at a look-alike domain', evidence: evidence({ returnPath: ['x@notexample.com'] }), kind: 'withheld', reason: /envelope sender/ },
  {
    name: 'Return-Path at a domain ending in the From domain',
    evidence: evidence({ returnPath: ['x@example.com.evil.example'] }),
    kind: 'withheld',
    reason: /envelope sender/,
  },
  {
    name: 'Return-Path at a sibling under a public suffix',
    evidence: evidence({ from: ['a@bank.co.uk'], returnPath: ['a@evil.co.uk'] }),
    kind: 'withheld',
    reason: /envelope sender/,
  },
  {
    name: 'one of two Return-Paths disagrees',
    evidence: evidence({ returnPath: [news, 'mallory@evil.example'] }),
    kind: 'withheld',
    reason: /envelope sender/,
  },
  { name: 'empty envelope sender', evidence: evidence({ returnPath: [''] }), kind: 'withheld', reason: /empty envelope sender/ },
  {
    name: 'Sender at another domain',
    evidence: evidence({ sender: 'list-bounces@lists.example.org' }),
    kind: 'withheld',
    reason: /^its Sender header \(list-bounces@lists\.example\.org\) is not at example\.com$/,
  },
  { name: 'two From addresses', evidence: evidence({ from: [news, 'mallory@evil.example'] }), kind: 'withheld', reason: /more than one sender/ },
  {
    name: 'dmarc=fail for the From domain',
    evidence: evidence({ authenticationResults: ['mx.mailroom.test; dmarc=fail (p=reject) header.from=example.com'] }),
    kind: 'withheld',
    reason: /DMARC check failed \(dmarc=fail\) for example\.com/,
  },
  { name: 'DMARC=FAIL without a domain, upper case', evidence: evidence({ authenticationResults: ['mx; DMARC=FAIL'] }), kind: 'withheld', reason: /DMARC/ },
  {
    name: 'spf=fail for the From domain',
    evidence: evidence({ authenticationResults: ['mx; spf=fail smtp.mailfrom=news@example.com'] }),
    kind: 'withheld',
    reason: /SPF check failed \(spf=fail\)/,
  },
  {
    name: 'spf=softfail for a subdomain',
    evidence: evidence({ authenticationResults: ['mx; spf=softfail smtp.mailfrom=bounce@mail.example.com'] }),
    kind: 'withheld',
    reason: /spf=softfail/,
  },
  {
    name: 'dkim=fail for the From domain, with a version',
    evidence: evidence({ authenticationResults: ['mx 1; dkim/1=fail reason="bad signature" header.i=@example.com'] }),
    kind: 'withheld',
    reason: /DKIM/,
  },
  {
    name: 'a failure in the second of two headers',
    evidence: evidence({ authenticationResults: ['mx; spf=pass smtp.mailfrom=example.com', 'relay; dkim=fail header.d=example.com'] }),
    kind: 'withheld',
    reason: /DKIM/,
  },
  { name: 'no From address', evidence: evidence({ from: [] }), kind: 'none' },
];

describe('remote-content trust per sender', () => {
  it('[SEC-27] applies trust only when no header contradicts From (table)', () => {
    const decided = table.map((row) => {
      const decision = decideSenderTrust(row.evidence, [news, 'news@shop.example.com', 'a@bank.co.uk']);
      return {
        name: row.name,
        kind: decision.kind,
        reasonMatches: decision.kind === 'withheld' ? (row.reason?.test(decision.reason) ?? false) : undefined,
        trusted: decision.kind === 'withheld' ? decision.trusted : undefined,
      };
    });
    assert.deepEqual(
      decided,
      table.map((row) => ({
        name: row.name,
        kind: row.kind,
        reasonMatches: row.kind === 'withheld' ? true : undefined,
        trusted: row.kind === 'withheld' ? true : undefined,
      })),
    );
  });

  it('offers trust for a sender not trusted yet only when no header contradicts From', () => {
    assert.deepEqual(decideSenderTrust(evidence({}), []), { kind: 'offered', sender: news });
    const contradicted = decideSenderTrust(evidence({ returnPath: ['mallory@evil.example'] }), []);
    assert.equal(contradicted.kind, 'withheld');
    assert.equal(contradicted.kind === 'withheld' && contradicted.trusted, false);
  });

  it('keeps a hostile header short in the reason the reader shows', () => {
    const decision = decideSenderTrust(evidence({ returnPath: [`${'x'.repeat(5000)}@evil.example`] }), [news]);
    assert.equal(decision.kind, 'withheld');
    assert.ok(decision.kind === 'withheld' && decision.reason.length < 200, 'bounded');
  });

  it('reads the evidence from the headers the server delivered', async () => {
    const source = Buffer.from(
      [
        'Return-Path: <bounce@mail.example.com>',
        'Authentication-Results: mx.mailroom.test;',
        '\tdkim=pass header.d=example.com;',
        '\tspf=pass smtp.mailfrom=bounce@mail.example.com',
        'Authentication-Results: relay.example.net; dmarc=fail header.from=example.com',
        'Sender: "The Shop" <News@Example.com>',
        'From: "Shop News" <News@Example.com>',
        'To: alice@mailroom.test',
        'Subject: offers',
        '',
        'hello',
        '',
      ].join('\r\n'),
    );
    const { sender } = await parseMessage(source, { ref: { accountId: 'a', folder: 'INBOX', uid: 1 }, flagged: false, unread: false, truncated: false });
    assert.deepEqual(sender, {
      from: ['news@example.com'],
      returnPath: ['bounce@mail.example.com'],
      sender: 'news@example.com',
      authenticationResults: [
        'mx.mailroom.test; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=bounce@mail.example.com',
        'relay.example.net; dmarc=fail header.from=example.com',
      ],
    });
    const decision = decideSenderTrust(sender, [news]);
    assert.equal(decision.kind, 'withheld');
  });

  it('"Always for this sender" stores the sender, and "Stop trusting" removes it again', async () => {
    const stored = new Map<string, unknown>();
    const store: TrustedSenderStore = {
      get: <T>(key: string, defaultValue: T): T => (stored.has(key) ? (stored.get(key) as T) : defaultValue),
      update: (key: string, value: unknown) => {
        stored.set(key, value);
        return Promise.resolve();
      },
    };
    const senders = new TrustedSenders(store);
    const plain = evidence({});
    const forged = evidence({ returnPath: ['mallory@evil.example'] });

    const offered = senders.decide(plain);
    assert.deepEqual(offered, { kind: 'offered', sender: news });
    // Trust cannot be granted where it was not offered.
    assert.deepEqual(await senders.trust(senders.decide(forged)), senders.decide(forged));
    assert.deepEqual(senders.list(), []);

    assert.deepEqual(await senders.trust(offered), { kind: 'applied', sender: news });
    assert.deepEqual(senders.list(), [news]);
    assert.deepEqual(senders.decide(plain), { kind: 'applied', sender: news }, 'the next mail loads on its own');
    const withheld = senders.decide(forged);
    assert.equal(withheld.kind === 'withheld' && withheld.trusted, true, 'a forged one does not');

    assert.deepEqual(await senders.stopTrusting(withheld, forged), { ...withheld, trusted: false });
    assert.deepEqual(senders.list(), []);
    assert.deepEqual(senders.decide(plain), offered);
  });
});
