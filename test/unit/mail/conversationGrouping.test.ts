import * as assert from 'node:assert/strict';
import {
  actionTargets,
  callingName,
  conversationRow,
  groupConversations,
  memberOf,
  participantsOf,
  regroupedPage,
  threadIdentityFor,
} from '../../../src/mail/conversationGrouping';
import type { ConversationMember, FetchedForThreading } from '../../../src/mail/conversationGrouping';
import { threadGroupsOf } from '../../../src/mail/serverThreads';
import type { MessageRow } from '../../../src/shared/protocol';

interface Spec {
  uid: number;
  id?: string;
  refs?: string;
  inReplyTo?: string;
  subject?: string;
  day: number;
  from?: string;
  thread?: string;
  seen?: boolean;
}

function fetched(spec: Spec): FetchedForThreading {
  return {
    uid: spec.uid,
    flags: new Set(spec.seen === false ? [] : ['\\Seen']),
    ...(spec.thread === undefined ? {} : { threadId: spec.thread }),
    envelope: {
      date: new Date(Date.UTC(2026, 0, spec.day)),
      subject: spec.subject ?? 'Topic',
      ...(spec.id === undefined ? {} : { messageId: `<${spec.id}>` }),
      ...(spec.inReplyTo === undefined ? {} : { inReplyTo: `<${spec.inReplyTo}>` }),
      // Each name writes from its own address.
      from: [{ name: spec.from ?? 'Bob Builder', address: `${(spec.from ?? 'Bob Builder').replace(/[^A-Za-z]+/g, '.').toLowerCase()}@mailroom.test` }],
    },
    ...(spec.refs === undefined ? {} : { headers: Buffer.from(`References: ${spec.refs}\r\n\r\n`) }),
  };
}

const inbox = (spec: Spec): ConversationMember => memberOf(fetched(spec), 'INBOX', false);
const sent = (spec: Spec): ConversationMember => memberOf(fetched({ from: 'Alice', ...spec }), 'Sent', true);
/** Conversations as UIDs, Sent's marked with `s`. */
const shape = (groups: ConversationMember[][]): string[] => groups.map((group) => group.map((member) => `${member.sent ? 's' : ''}${member.uid}`).join(' '));

describe('conversations', () => {
  it('reads References across folded header lines and In-Reply-To from the envelope', () => {
    const member = memberOf(
      { uid: 3, envelope: { inReplyTo: '<b@x>', messageId: '<c@x>' }, headers: Buffer.from('References: <a@x>\r\n <b@x>\r\n\r\n') },
      'INBOX',
      false,
    );
    assert.deepEqual([member.messageId, member.inReplyTo, member.references], ['c@x', 'b@x', ['a@x', 'b@x']]);
  });

  it('picks the identity the server offers', () => {
    assert.equal(threadIdentityFor(new Map([['X-GM-EXT-1', true]])), 'serverThreadId');
    assert.equal(threadIdentityFor(new Map([['THREAD=REFERENCES', true]])), 'threadReferences');
    assert.equal(threadIdentityFor(new Map([['IMAP4rev1', true]])), 'jwz');
  });

  it('JWZ: joins a sent reply and lists the conversation with the newest folder message first', () => {
    const folder = [
      inbox({ uid: 1, id: 'a@x', subject: 'Plan', day: 1 }),
      inbox({ uid: 2, id: 'z@x', subject: 'Other', day: 2 }),
      inbox({ uid: 3, id: 'c@x', refs: '<a@x> <s@x>', subject: 'Re: Plan', day: 4 }),
    ];
    const replies = [sent({ uid: 9, id: 's@x', refs: '<a@x>', subject: 'Re: Plan', day: 3 }), sent({ uid: 10, id: 'x@x', subject: 'Elsewhere', day: 3 })];
    assert.deepEqual(shape(groupConversations(folder, replies, 'jwz')), ['1 s9 3', '2']);
  });

  it('Gmail: the server thread id groups, and joins a sent reply with the same id', () => {
    const folder = [
      inbox({ uid: 1, thread: 't1', day: 1 }),
      inbox({ uid: 2, thread: 't2', day: 2 }),
      inbox({ uid: 3, thread: 't1', day: 3 }),
      inbox({ uid: 4, day: 4 }),
    ];
    const replies = [sent({ uid: 7, thread: 't2', day: 5 }), sent({ uid: 8, thread: 't9', day: 5 })];
    assert.deepEqual(shape(groupConversations(folder, replies, 'serverThreadId')), ['4', '1 3', '2 s7']);
  });

  it('THREAD=REFERENCES: the server groups UIDs; a sent reply joins by In-Reply-To, and a reply to it follows', () => {
    const folder = [
      inbox({ uid: 5, id: 'a@x', day: 1 }),
      inbox({ uid: 6, id: 'b@x', day: 2 }),
      inbox({ uid: 7, id: 'c@x', day: 3 }),
      inbox({ uid: 8, id: 'd@x', day: 6 }),
    ];
    const replies = [sent({ uid: 1, id: 's@x', inReplyTo: 'b@x', day: 4 }), sent({ uid: 2, id: 't@x', inReplyTo: 's@x', day: 5 })];
    const groups = groupConversations(folder, replies, 'threadReferences', [[5, 7], [6]]);
    assert.deepEqual(shape(groups), ['8', '5 7', '6 s1 s2']);
  });

  it('lists one other writer by their whole name, and several by the names they are called by', () => {
    const newsletter = [inbox({ uid: 1, day: 1, from: 'The Weekly Compiler' }), inbox({ uid: 2, day: 2, from: 'The Weekly Compiler' })];
    assert.deepEqual(participantsOf(newsletter, 'me'), ['The Weekly Compiler']);
    assert.deepEqual(participantsOf([inbox({ uid: 1, day: 1, from: "O'Brien, Liam" }), sent({ uid: 9, day: 2 })], 'me'), ["O'Brien, Liam", 'me']);
    const several = [inbox({ uid: 1, day: 1, from: "O'Brien, Liam" }), inbox({ uid: 2, day: 2, from: 'ci@builds.example.com' })];
    assert.deepEqual(participantsOf(several, 'me'), ['Liam', 'ci']);
  });

  for (const [displayName, called] of [
    ['Carol Danvers', 'Carol'],
    ["O'Brien, Liam", 'Liam'],
    ['Ødegård, Søren Kristian', 'Søren'],
    ['ci@builds.example.com', 'ci'],
    ['Prince', 'Prince'],
    ['Acme,', 'Acme,'],
    ['  Olena   Kovalenko ', 'Olena'],
  ]) {
    it(`calls “${displayName}” “${called}”`, () => {
      assert.equal(callingName(displayName), called);
    });
  }

  it('THREAD=REFERENCES before the server was asked (the first screen): threaded here by References, as the server would', () => {
    const folder = [
      inbox({ uid: 5, id: 'a@x', subject: 'Plan', day: 1 }),
      inbox({ uid: 6, id: 'b@x', subject: 'Lunch', day: 2 }),
      inbox({ uid: 7, id: 'c@x', refs: '<a@x>', subject: 'Re: Plan', day: 3 }),
    ];
    assert.deepEqual(shape(groupConversations(folder, [], 'threadReferences')), ['5 7', '6']);
    assert.deepEqual(shape(groupConversations(folder, [], 'threadReferences', [[5], [6], [7]])), ['7', '6', '5']);
  });

  it('remakes the first screen’s rows once the conversations are complete, unless other messages became the rows', () => {
    const plain = (uid: number, day: number): MessageRow => ({
      uid,
      from: 'Bob',
      fromAddress: '',
      subject: 'Topic',
      date: Date.UTC(2026, 0, day),
      preview: `preview ${uid}`,
      unread: false,
      flagged: false,
      answered: false,
      hasAttachment: false,
    });
    const plan = [inbox({ uid: 5, day: 1, from: 'Carol' }), sent({ uid: 9, day: 2 }), inbox({ uid: 7, day: 3, from: 'Bob' })];
    const lunch = [inbox({ uid: 6, day: 2, from: 'Dave' })];
    const shown = [plain(7, 3), plain(6, 2)];
    assert.deepEqual(
      regroupedPage(shown, [plan, lunch], 'me')?.map((row) => [row.uid, row.preview, row.conversation]),
      [
        [7, 'preview 7', { count: 3, participants: ['Carol', 'me', 'Bob'] }],
        [6, 'preview 6', { count: 1, participants: ['Dave'] }],
      ],
    );
    // The server put 6 and 7 in one conversation: the page's second row is another message now.
    const merged = [inbox({ uid: 6, day: 2 }), inbox({ uid: 7, day: 3 })];
    assert.equal(regroupedPage(shown, [merged, [inbox({ uid: 4, day: 1 })]], 'me'), undefined);
    assert.equal(regroupedPage(shown, [merged], 'me'), undefined);
  });

  it('makes the row of a conversation: count, participants in order with the person as “me”, unread if any is', () => {
    const conversation = [
      inbox({ uid: 1, day: 1, from: 'Carol Danvers', seen: false }),
      sent({ uid: 9, day: 2 }),
      inbox({ uid: 3, day: 3, from: 'Bob Builder' }),
    ];
    assert.deepEqual(participantsOf(conversation, 'me'), ['Carol', 'me', 'Bob']);
    const row: MessageRow = {
      uid: 3,
      from: 'Bob',
      fromAddress: '',
      subject: 'Topic',
      date: 3,
      preview: '',
      unread: false,
      flagged: false,
      answered: false,
      hasAttachment: false,
    };
    const made = conversationRow(row, conversation, 'me');
    assert.deepEqual([made.unread, made.conversation], [true, { count: 3, participants: ['Carol', 'me', 'Bob'] }]);
  });

  it('parses a THREAD response into groups of UIDs, however nested', () => {
    const atom = (value: string): { type: string; value: string } => ({ type: 'ATOM', value });
    assert.deepEqual(threadGroupsOf([[atom('2')], [atom('3'), atom('6'), [atom('4'), atom('23')], [atom('44'), atom('7'), atom('96')]]]), [
      [2],
      [3, 6, 4, 23, 44, 7, 96],
    ]);
  });

  it('archives, deletes and marks a conversation row as a whole in the folder; replies and flags act on its message', () => {
    const conversation = [inbox({ uid: 1, day: 1 }), sent({ uid: 9, day: 2 }), inbox({ uid: 3, day: 3 })];
    const ref = { accountId: 'a', folder: 'INBOX', uid: 3 };
    assert.deepEqual(
      actionTargets(ref, 'archive', conversation).map((target) => target.uid),
      [1, 3],
    );
    assert.deepEqual(
      actionTargets(ref, 'markRead', conversation).map((target) => target.uid),
      [1, 3],
    );
    assert.deepEqual(actionTargets(ref, 'flag', conversation), [ref]);
    assert.deepEqual(actionTargets(ref, 'reply', conversation), [ref]);
    assert.deepEqual(actionTargets(ref, 'archive', undefined), [ref]);
  });
});
