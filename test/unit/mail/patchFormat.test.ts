import * as assert from 'node:assert/strict';
import {
  coverLetterDraft,
  missingParts,
  parseFormattedPatch,
  parseIdent,
  patchMailBody,
  patchMessage,
  seriesPosition,
  threadUnder,
  trailerRecipients,
  uniqueAddresses,
} from '../../../src/mail/patchFormat';

/** What `git format-patch --no-encode-email-headers` writes for one commit (git 2.39). */
const formatted = [
  'From a6c5542f52d5ef5ccc98664b74659834d43d454c Mon Sep 17 00:00:00 2001',
  'From: "Lovelace, Ada" <ada@example.org>',
  'Date: Sun, 6 Dec 2026 22:07:27 +0000',
  'Subject: [RFC PATCH v2 2/3] Add lines ünïcode and a subject long enough',
  ' to be folded',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'From here the message says why.',
  '',
  'Signed-off-by: Ada Lovelace <ada@example.org>',
  'Cc: Bob <bob@example.org> # for the parser',
  '---',
  ' a.txt | 2 ++',
  '',
  'diff --git a/a.txt b/a.txt',
  '--- a/a.txt',
  '+++ b/a.txt',
  '@@ -1 +1,3 @@',
  ' one',
  '+two  ',
  '+\tthree',
  '-- ',
  '2.39.5',
  '',
].join('\n');

const cover = [
  'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
  'From: Ada Lovelace <ada@example.org>',
  'Date: Sun, 6 Dec 2026 22:07:27 +0000',
  'Subject: [PATCH 0/3] *** SUBJECT HERE ***',
  '',
  '*** BLURB HERE ***',
  '',
  'Ada Lovelace (3):',
  '  First',
  '',
  ' a.txt | 1 +',
  '',
].join('\n');

describe('patch formatting (git format-patch output to mails)', () => {
  it('reads the subject (unfolded), author and date, and keeps the body byte for byte', () => {
    const patch = parseFormattedPatch(formatted);
    assert.equal(patch.subject, '[RFC PATCH v2 2/3] Add lines ünïcode and a subject long enough to be folded');
    assert.deepEqual(patch.author, { name: 'Lovelace, Ada', address: 'ada@example.org' });
    assert.equal(patch.date, 'Sun, 6 Dec 2026 22:07:27 +0000');
    assert.equal(patch.body, formatted.slice(formatted.indexOf('\n\n') + 2));
    assert.ok(patch.body.includes('+two  \n+\tthree\n'));
    assert.equal(patch.isCover, false);
  });

  const identCases: [string, ReturnType<typeof parseIdent>][] = [
    ['Ada <ada@x.org>', { name: 'Ada', address: 'ada@x.org' }],
    ['"Doe, \\"J\\"" <j@x.org>', { name: 'Doe, "J"', address: 'j@x.org' }],
    ['<bare@x.org>', { address: 'bare@x.org' }],
    ['plain@x.org', { address: 'plain@x.org' }],
  ];
  for (const [input, expected] of identCases) {
    it(`reads the ident ${input}`, () => assert.deepEqual(parseIdent(input), expected));
  }

  it('puts the author and date in the body when the sender is someone else, as git send-email does', () => {
    const patch = parseFormattedPatch(formatted);
    assert.equal(patchMailBody(patch, { name: 'Lovelace, Ada', address: 'ADA@example.org' }), patch.body);
    assert.equal(
      patchMailBody(patch, { name: 'Bob', address: 'bob@example.org' }),
      `From: Lovelace, Ada <ada@example.org>\nDate: Sun, 6 Dec 2026 22:07:27 +0000\n\n${patch.body}`,
    );
  });

  it('makes a verbatim text/plain mail with the same subject', () => {
    const message = patchMessage(parseFormattedPatch(formatted), { from: { address: 'ada@example.org' }, to: [{ address: 'list@x.org' }], cc: [] });
    assert.equal(message.verbatimText, true);
    assert.equal(message.html, '');
    assert.equal(message.subject, '[RFC PATCH v2 2/3] Add lines ünïcode and a subject long enough to be folded');
    assert.deepEqual(threadUnder(message, '<root@x>').references, ['<root@x>']);
    assert.equal(threadUnder(message, '<root@x>').inReplyTo, '<root@x>');
    assert.equal(threadUnder(message, undefined).inReplyTo, undefined);
  });

  it('collects the trailers above the --- as recipients, comments dropped, once each', () => {
    const found = trailerRecipients(parseFormattedPatch(formatted));
    assert.deepEqual(found, [
      { name: 'Ada Lovelace', address: 'ada@example.org' },
      { name: 'Bob', address: 'bob@example.org' },
    ]);
    assert.deepEqual(uniqueAddresses([...found, { address: 'BOB@example.org' }], [{ address: 'ada@example.org' }]), [
      { name: 'Bob', address: 'bob@example.org' },
    ]);
  });

  it('opens the cover letter with the shortlog and diffstat and without the placeholders', () => {
    const letter = parseFormattedPatch(cover);
    assert.equal(letter.isCover, true);
    assert.deepEqual(coverLetterDraft(letter), {
      subject: '[PATCH 0/3] ',
      body: '\n\nAda Lovelace (3):\n  First\n\n a.txt | 1 +\n',
    });
  });

  const positions: [string, { index: number; total: number } | undefined][] = [
    ['[PATCH 2/3] x', { index: 2, total: 3 }],
    ['Re: [RFC PATCH v2 10/12] x', { index: 10, total: 12 }],
    ['[PATCH] x', undefined],
    ['[3/4] no patch word', undefined],
  ];
  for (const [subject, expected] of positions) {
    it(`finds the position in "${subject}"`, () => assert.deepEqual(seriesPosition(subject), expected));
  }

  it('names the missing parts of a series (the cover letter is never required)', () => {
    assert.deepEqual(missingParts(['[PATCH 1/4] a', '[PATCH 3/4] c']), [2, 4]);
    assert.deepEqual(missingParts(['[PATCH 1/2] a', '[PATCH 2/2] b']), []);
    assert.deepEqual(missingParts(['[PATCH] a']), []);
  });
});
