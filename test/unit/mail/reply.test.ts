import * as assert from 'node:assert/strict';
import type { OriginalMessage } from '../../../src/mail/reply';
import { buildReplyDraft, buildThreadHeaders, forwardSubject, quoteOriginal, replyRecipients, replySubject } from '../../../src/mail/reply';

const original: OriginalMessage = {
  messageId: '<m3@example.org>',
  inReplyTo: '<m2@example.org>',
  references: ['<m1@example.org>', '<m2@example.org>'],
  from: [{ name: 'Bob', address: 'bob@mailroom.test' }],
  replyTo: [],
  to: [{ name: 'Alice', address: 'alice@mailroom.test' }, { address: 'carol@example.org' }],
  cc: [{ address: 'dave@example.org' }, { address: 'ALICE@mailroom.test' }],
  subject: 'Build broken',
  date: new Date(Date.UTC(2026, 10, 24, 9, 30)),
  text: 'It fails on CI.\n> earlier quote\n',
  attachments: [{ filename: 'log.txt', content: new Uint8Array([1, 2, 3]) }],
};

describe('reply headers builder', () => {
  it('sets In-Reply-To to the original Message-ID and appends it to the original References', () => {
    assert.deepEqual(buildThreadHeaders(original), {
      inReplyTo: '<m3@example.org>',
      references: ['<m1@example.org>', '<m2@example.org>', '<m3@example.org>'],
    });
  });

  it('falls back to the original In-Reply-To when it has no References', () => {
    assert.deepEqual(buildThreadHeaders({ messageId: '<b@x>', inReplyTo: '<a@x>', references: [] }).references, ['<a@x>', '<b@x>']);
  });

  it('has no In-Reply-To when the original has no Message-ID', () => {
    assert.deepEqual(buildThreadHeaders({ references: [] }), { references: [] });
  });

  it('trims a very long References list but keeps the thread root and the newest', () => {
    const references = Array.from({ length: 40 }, (_unused, index) => `<r${index}@x>`);
    const headers = buildThreadHeaders({ messageId: '<new@x>', references });
    assert.equal(headers.references.length, 20);
    assert.equal(headers.references[0], '<r0@x>');
    assert.equal(headers.references[19], '<new@x>');
  });

  it('prefixes Re: and Fwd: once', () => {
    assert.equal(replySubject('Build broken'), 'Re: Build broken');
    assert.equal(replySubject('RE: Build broken'), 'RE: Build broken');
    assert.equal(forwardSubject('Fwd: x'), 'Fwd: x');
    assert.equal(forwardSubject('x'), 'Fwd: x');
  });

  it('replies to the sender, reply-all copies everyone else except the user', () => {
    assert.deepEqual(replyRecipients(original, 'alice@mailroom.test', false), { to: [{ name: 'Bob', address: 'bob@mailroom.test' }], cc: [] });
    assert.deepEqual(replyRecipients(original, 'alice@mailroom.test', true), {
      to: [{ name: 'Bob', address: 'bob@mailroom.test' }],
      cc: [{ address: 'carol@example.org' }, { address: 'dave@example.org' }],
    });
  });

  it("prefers Reply-To, and answers one's own sent message to its recipients", () => {
    assert.deepEqual(replyRecipients({ ...original, replyTo: [{ address: 'list@example.org' }] }, 'alice@mailroom.test', false).to, [
      { address: 'list@example.org' },
    ]);
    const own = { ...original, from: [{ address: 'alice@mailroom.test' }] };
    assert.deepEqual(replyRecipients(own, 'alice@mailroom.test', false).to, original.to);
  });

  it('quotes the original with an attribution line', () => {
    assert.equal(quoteOriginal(original), 'On Tue, 24 Nov 2026 09:30:00 GMT, Bob <bob@mailroom.test> wrote:\n> It fails on CI.\n>> earlier quote\n');
  });

  it('builds a reply draft with threading and no attachments, and a forward that carries the attachments', () => {
    const reply = buildReplyDraft(original, 'reply', 'alice@mailroom.test');
    assert.equal(reply.subject, 'Re: Build broken');
    assert.equal(reply.thread.inReplyTo, '<m3@example.org>');
    assert.equal(reply.attachments.length, 0);
    const forward = buildReplyDraft(original, 'forward', 'alice@mailroom.test');
    assert.equal(forward.subject, 'Fwd: Build broken');
    assert.equal(forward.thread.inReplyTo, undefined);
    assert.deepEqual(forward.to, []);
    assert.deepEqual(forward.attachments, original.attachments);
    assert.match(forward.body, /---------- Forwarded message ----------\nFrom: Bob <bob@mailroom.test>\n/);
  });
});
