// [SEC-29b] Odd and broken MIME is shown, never silently dropped. One fixture per class under
// fixtures/mime; Python's email package (an independent parser) says which words each one holds and
// which parts are not text, and the reader's view model (what the extension posts to the reader:
// subject, body text or HTML, attachment names) must show every word and list every such part.
import * as assert from 'node:assert/strict';
import { attachmentsFromStructure, parseMessage } from '../../../src/mail/message';
import type { MessageMeta } from '../../../src/mail/message';
import type { BodyStructure } from '../../../src/mail/bodyStructure';
import { hasAttachment } from '../../../src/mail/rowModel';
import type { MessageView } from '../../../src/shared/protocol';
import type { IndependentReading } from '../../support/mimeFixtures';
import { independentReading, mimeFixtureClasses, notShown, readFixture } from '../../support/mimeFixtures';

const meta: MessageMeta = { ref: { accountId: 'a', folder: 'INBOX', uid: 3 }, flagged: false, unread: false, truncated: false };

async function viewOf(name: string): Promise<MessageView> {
  return (await parseMessage(readFixture(name), meta)).view;
}

describe('[SEC-29b] odd and broken MIME is shown, never silently dropped', () => {
  const classes = mimeFixtureClasses;
  let independent: Record<string, IndependentReading>;

  before(function () {
    this.timeout(30_000);
    independent = independentReading();
  });

  it('has one fixture per class, each of which Python reads words from', () => {
    assert.deepEqual(Object.keys(independent).sort(), [...classes].sort());
    for (const name of classes) {
      assert.ok((independent[name]?.words.length ?? 0) > 5, `${name}: Python found words`);
    }
  });

  for (const name of classes) {
    it(`shows every word and lists every non-text part of ${name}`, async () => {
      const expected = independent[name];
      assert.ok(expected);
      const view = await viewOf(name);
      assert.deepEqual(notShown(view, expected), { words: [], parts: [] }, `${name}: what the reader neither shows nor lists`);
    });
  }

  it('shows a whole message/rfc822 message with its headers, and lists it to open', async () => {
    const view = await viewOf('whole-message-rfc822.eml');
    assert.equal(view.html, undefined);
    assert.match(
      view.text,
      /Enclosed message[^\n]*\nFrom: "Original Author" <author@example\.net>\nTo: team@example\.net\nSubject: Harbour lighthouse schedule\nDate: [^\n]+\n\nThe lighthouse keeper/,
    );
    assert.deepEqual(
      view.attachments.map((attachment) => [attachment.filename, attachment.contentType]),
      [['part-1.eml', 'message/rfc822']],
    );
    assert.equal(view.malformed, false);
  });

  it('shows each message of a digest, in order, and each of a bounce report (notice, status, returned message)', async () => {
    const digest = await viewOf('digest.eml');
    assert.ok(digest.text.indexOf('Subject: Tomato seedlings') < digest.text.indexOf('tomato seedlings sprouted'));
    assert.ok(digest.text.indexOf('tomato seedlings sprouted') < digest.text.indexOf('Subject: Compost question'));
    assert.deepEqual(
      digest.attachments.map((attachment) => attachment.filename),
      ['part-1.eml', 'part-2.eml'],
    );

    const bounce = await viewOf('bounce-report.eml');
    const order = ['could not be delivered', 'Status: 5.1.1', 'Subject: Picnic invitation', 'riverside meadow'].map((text) => bounce.text.indexOf(text));
    assert.ok(
      order.every((position, index) => position >= 0 && (index === 0 || position > (order[index - 1] ?? 0))),
      `in order: ${order.join(', ')}`,
    );
    assert.deepEqual(
      bounce.attachments.map((attachment) => attachment.filename),
      ['part-3.eml'],
    );
  });

  it('shows text of an unknown subtype, and text without a subtype, as text', async () => {
    const unknown = await viewOf('text-unknown-subtype.eml');
    assert.equal(unknown.text, 'The nightly build finished; the log follows.\n\n\ncompiler warnings: seventeen\nlinker duration: ninety seconds');
    assert.deepEqual(unknown.attachments, []);
    assert.match((await viewOf('text-without-subtype.eml')).text, /^Ancient mail software wrote this paragraph about walnut furniture\./);
  });

  it('lists an unnamed binary part under a generated name', async () => {
    const view = await viewOf('octet-stream-unnamed.eml');
    assert.deepEqual(view.attachments, [{ index: 0, filename: 'part-2.bin', contentType: 'application/octet-stream', size: view.attachments[0]?.size ?? -1 }]);
    assert.ok((view.attachments[0]?.size ?? 0) > 0);
  });

  it('shows the source text of a multipart whose boundary is missing or never found, and says the message is malformed', async () => {
    for (const name of ['boundary-missing.eml', 'boundary-not-found.eml']) {
      const view = await viewOf(name);
      assert.equal(view.malformed, true, name);
      assert.match(view.text, /^--(unannounced|different-boundary)\nContent-Type: text\/plain\n\n(Meeting moved|Quarterly figures)/, name);
    }
    for (const name of classes.filter((candidate) => !candidate.startsWith('boundary-'))) {
      assert.equal((await viewOf(name)).malformed, false, `${name} is not malformed`);
    }
  });

  it('shows every text part of a mixed message with its HTML, in order, and the footer link as a link', async () => {
    const view = await viewOf('mixed-html-and-texts.eml');
    const html = view.html ?? '';
    const positions = ['<b>volcano</b>', 'penguins ahead', 'Mailing list footer'].map((text) => html.indexOf(text));
    assert.ok(
      positions.every((position, index) => position >= 0 && (index === 0 || position > (positions[index - 1] ?? 0))),
      `in order: ${positions.join(', ')}`,
    );
    assert.match(
      html,
      /<div style="white-space: pre-wrap">--\nMailing list footer: unsubscribe at <a href="https:\/\/lists\.example\.org\/leave">https:\/\/lists\.example\.org\/leave<\/a>/,
    );
    assert.ok(!html.includes('Headline: volcano expedition'), 'the plain twin of the HTML alternative is not shown twice');
  });

  it('escapes text parts that go into the HTML (they are text, never markup)', async () => {
    const source = Buffer.from(
      [
        'Subject: s',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/html',
        '',
        '<p>hi</p>',
        '--b',
        'Content-Type: text/plain',
        '',
        '<img src=x onerror=alert(1)> & "quotes"',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const { view } = await parseMessage(source, meta);
    assert.ok(view.html?.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'), view.html);
    assert.ok(!view.html?.includes('<img'));
  });

  it('does not let a header block without its blank line swallow the body', async () => {
    assert.equal((await viewOf('header-without-blank-line.eml')).text, 'Backup completed for server pelican\nArchive size eleven gigabytes\n');
    assert.equal((await viewOf('part-header-without-blank-line.eml')).text, 'Disk usage report for volume marmalade\nFree space nineteen percent');
  });

  it('shows the source of structure nested or split beyond its bounds, rather than some parts and not the rest', async () => {
    let nested = 'innermost pelican words\r\n';
    for (let level = 0; level < 100; level++) {
      nested = `Content-Type: multipart/mixed; boundary="level${level}"\r\n\r\n--level${level}\r\n${nested}\r\n--level${level}--\r\n`;
    }
    const deep = (await parseMessage(Buffer.from(`Subject: deep\r\n${nested}`), meta)).view;
    assert.equal(deep.malformed, true);
    assert.match(deep.text, /innermost pelican words/);

    const many = Array.from({ length: 3000 }, (_, index) => `--p\r\nContent-Type: text/plain\r\n\r\nwords of part ${index}\r\n`).join('');
    const wide = (await parseMessage(Buffer.from(`Subject: wide\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n${many}--p--\r\n`), meta)).view;
    assert.equal(wide.malformed, true);
    assert.match(wide.text, /words of part 2999/);
  });
});

describe("the part rule on the server's structure (imapflow BODYSTRUCTURE)", () => {
  it('numbers parts as the server downloads them, including a single-part message and a whole enclosed message', () => {
    // imapflow leaves the top-level part without a number and numbers a top-level message/rfc822's
    // parts as if it were not there; the server's numbers are 1, 1.1, 1.2.
    const single: BodyStructure = { type: 'application/octet-stream', size: 10 };
    assert.deepEqual(
      attachmentsFromStructure(single).map(({ part, filename }) => [part, filename]),
      [['1', 'part-1.bin']],
    );
    assert.equal(hasAttachment(single), true);
    const enclosed: BodyStructure = {
      type: 'message/rfc822',
      childNodes: [
        {
          type: 'multipart/mixed',
          childNodes: [
            { type: 'text/plain', part: '1' },
            { type: 'application/pdf', part: '2', disposition: 'attachment', dispositionParameters: { filename: 'plan.pdf' } },
          ],
        },
      ],
    };
    assert.deepEqual(
      attachmentsFromStructure(enclosed).map(({ part, filename }) => [part, filename]),
      [
        ['1', 'part-1.eml'],
        ['1.2', 'plan.pdf'],
      ],
    );
    const enclosedSinglePart: BodyStructure = {
      type: 'multipart/mixed',
      childNodes: [
        { type: 'text/plain', part: '1' },
        { type: 'message/rfc822', part: '2', childNodes: [{ type: 'image/png', part: '2' }] },
      ],
    };
    assert.deepEqual(
      attachmentsFromStructure(enclosedSinglePart).map(({ part }) => part),
      ['2', '2.1'],
    );
  });

  it('lists an alternative the reader does not show unless it is the twin of the one it shows (an invitation)', () => {
    const invitation: BodyStructure = {
      type: 'multipart/alternative',
      childNodes: [{ type: 'text/plain' }, { type: 'text/html' }, { type: 'text/calendar', parameters: { method: 'REQUEST' } }],
    };
    assert.deepEqual(
      attachmentsFromStructure(invitation).map(({ part, filename }) => [part, filename]),
      [['3', 'part-3.ics']],
    );
  });
});
