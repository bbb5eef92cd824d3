import * as assert from 'node:assert/strict';
import { baseSubject } from '../../../src/mail/subjects';
import { messageIdsIn, messagesOf, threadMessages } from '../../../src/mail/threading';
import type { ThreadNode, ThreadableMessage } from '../../../src/mail/threading';

/** A message in the tables: key, its own ID, the IDs it references (oldest first), subject, day of the month. */
function mail(key: string, messageId: string | undefined, references: string[], subject: string, day: number, inReplyTo?: string): ThreadableMessage {
  return {
    key,
    ...(messageId === undefined ? {} : { messageId }),
    references,
    ...(inReplyTo === undefined ? {} : { inReplyTo }),
    subject,
    date: Date.UTC(2026, 0, day),
  };
}

/** A thread as text: `a(b c)` is a with the children b and c; `_` is a dummy; threads are separated by ` | `. */
function shape(threads: ThreadNode[]): string {
  const node = (thread: ThreadNode): string => {
    const own = thread.message?.key ?? '_';
    return thread.children.length === 0 ? own : `${own}(${thread.children.map(node).join(' ')})`;
  };
  return threads.map(node).join(' | ');
}

const tables: { name: string; messages: ThreadableMessage[]; expected: string }[] = [
  {
    name: 'a reply chain by References',
    messages: [mail('a', 'a@x', [], 'Plan', 1), mail('b', 'b@x', ['a@x'], 'Re: Plan', 2), mail('c', 'c@x', ['a@x', 'b@x'], 'Re: Plan', 3)],
    expected: 'a(b(c))',
  },
  {
    name: 'In-Reply-To alone links a reply',
    messages: [mail('a', 'a@x', [], 'Plan', 1), mail('b', 'b@x', [], 'Other words', 2, 'a@x')],
    expected: 'a(b)',
  },
  {
    name: 'a missing parent becomes a dummy holding its two replies',
    messages: [mail('b', 'b@x', ['gone@x'], 'Re: Gone', 2), mail('c', 'c@x', ['gone@x'], 'Re: Gone', 3)],
    expected: '_(b c)',
  },
  {
    name: 'a missing parent with one reply is pruned away',
    messages: [mail('b', 'b@x', ['gone@x'], 'Re: Gone', 2), mail('z', 'z@x', [], 'Unrelated', 1)],
    expected: 'b | z',
  },
  {
    name: 'a missing grandparent in the middle of References keeps the chain',
    messages: [mail('a', 'a@x', [], 'Plan', 1), mail('c', 'c@x', ['a@x', 'gone@x'], 'Re: Plan', 3)],
    expected: 'a(c)',
  },
  {
    name: 'out-of-order arrival: replies before their parent',
    messages: [mail('c', 'c@x', ['a@x', 'b@x'], 'Re: Plan', 3), mail('b', 'b@x', ['a@x'], 'Re: Plan', 2), mail('a', 'a@x', [], 'Plan', 1)],
    expected: 'a(b(c))',
  },
  {
    name: 'a loop in References is not made (the link seen first stays)',
    messages: [mail('a', 'a@x', ['b@x'], 'Loop', 1), mail('b', 'b@x', ['a@x'], 'Re: Loop', 2)],
    expected: 'b(a)',
  },
  {
    name: 'a message referencing itself is its own root',
    messages: [mail('a', 'a@x', ['a@x'], 'Self', 1)],
    expected: 'a',
  },
  {
    name: 'duplicate Message-IDs: the second is a message of its own, threaded by subject',
    messages: [mail('a', 'same@x', [], 'Copy', 1), mail('b', 'same@x', [], 'Copy', 2)],
    expected: '_(a b)',
  },
  {
    name: 'subject-only thread: a reply without References joins the original',
    messages: [mail('a', 'a@x', [], 'Lunch?', 1), mail('b', 'b@x', [], 'RE: Lunch?', 2), mail('z', 'z@x', [], 'Lunch', 3)],
    expected: 'z | a(b)',
  },
  {
    name: 'subject-only thread across localized prefixes and a list tag',
    messages: [mail('a', 'a@x', [], 'Release', 1), mail('b', 'b@x', [], 'AW: Release', 2), mail('c', 'c@x', [], '[dev] Sv: Re[2]: release', 3)],
    expected: 'a(b c)',
  },
  {
    name: 'two originals with the same subject sit under a dummy',
    messages: [mail('a', 'a@x', [], 'Weekly report', 1), mail('b', 'b@x', [], 'Weekly report', 8)],
    expected: '_(a b)',
  },
  {
    name: 'an empty subject never gathers',
    messages: [mail('a', 'a@x', [], '', 1), mail('b', 'b@x', [], 'Re:', 2)],
    expected: 'b | a',
  },
  {
    name: 'messages without Message-ID still thread by reference and subject',
    messages: [mail('a', 'a@x', [], 'Plan', 1), mail('b', undefined, ['a@x'], 'Re: Plan', 2), mail('c', undefined, [], 'Fwd: Plan', 3)],
    expected: 'a(b c)',
  },
  {
    name: 'the newest activity comes first',
    messages: [mail('old', 'o@x', [], 'Old', 1), mail('new', 'n@x', [], 'New', 5), mail('reply', 'r@x', ['o@x'], 'Re: Old', 9)],
    expected: 'old(reply) | new',
  },
];

describe('JWZ threading', () => {
  for (const table of tables) {
    it(table.name, () => {
      assert.equal(shape(threadMessages(table.messages)), table.expected);
    });
  }

  it('lists a thread’s messages oldest first, dummies left out', () => {
    const [thread] = threadMessages([mail('c', 'c@x', ['gone@x'], 'Re: x', 3), mail('b', 'b@x', ['gone@x'], 'Re: x', 2)]);
    assert.ok(thread);
    assert.deepEqual(
      messagesOf(thread).map((message) => message.key),
      ['b', 'c'],
    );
  });

  it('threads 5,000 messages in a long chain without deep recursion trouble', () => {
    const chain = Array.from({ length: 5_000 }, (_, index) =>
      mail(String(index), `${index}@x`, index === 0 ? [] : [`${index - 1}@x`], index === 0 ? 'Long' : 'Re: Long', 1),
    );
    const threads = threadMessages(chain);
    assert.equal(threads.length, 1);
    assert.equal(messagesOf(threads[0] as ThreadNode).length, 5_000);
  });
});

describe('Message-IDs in headers', () => {
  it('reads bracketed IDs in order and a bare one', () => {
    assert.deepEqual(messageIdsIn('<a@x>\r\n <b@x> (comment) <c@x>'), ['a@x', 'b@x', 'c@x']);
    assert.deepEqual(messageIdsIn(' bare@x '), ['bare@x']);
    assert.deepEqual(messageIdsIn('no id here'), []);
    assert.deepEqual(messageIdsIn(undefined), []);
  });
});

describe('base subject', () => {
  const cases: [string, string][] = [
    ['Re: Re: Fwd: Hello', 'hello'],
    ['RE:  hello  world ', 'hello world'],
    ['AW: WG: Antw: Hallo', 'hallo'],
    ['Re[3]: x', 'x'],
    ['回复：会议', '会议'],
    ['[list] Re: topic', 'topic'],
    ['[list] topic', 'topic'],
    ['Review: the plan', 'review: the plan'],
    ['Ire: not a prefix', 'ire: not a prefix'],
  ];
  for (const [subject, expected] of cases) {
    it(`${JSON.stringify(subject)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(baseSubject(subject), expected);
    });
  }
});
