// [SEC-29b] The malformed-MIME fixtures delivered to the local Dovecot and opened the way the reader
// opens them (loadMessage: the server's BODYSTRUCTURE lists the parts, the fetched source is shown):
// every word Python's email package reads is shown, every non-text part is listed, and each listed
// part downloads from the server under the number the reader gave it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import type { MailAccount } from '../../../src/auth/accountApi';
import { searchFolder } from '../../../src/mail/mailbox';
import { loadMessage, loadSource, parseMessage, streamAttachment } from '../../../src/mail/message';
import { MailSession } from '../../../src/mail/connection';
import { withTestTransport } from '../../../src/util/testTransport';
import { testLogger } from '../../support/logging';
import { startStack } from '..';
import type { Stack } from '..';
import { StackMailAccounts } from '../../support/stackAccounts';
import type { IndependentReading } from '../../support/mimeFixtures';
import { independentReading, mimeFixtureClasses, notShown, readFixture } from '../../support/mimeFixtures';

describe('[SEC-29b] odd and broken MIME through Dovecot', function () {
  this.timeout(60_000);
  let stack: Stack;
  let alice: MailAccount;
  let session: MailSession;
  let independent: Record<string, IndependentReading>;
  const uids = new Map<string, number>();
  const delivered = new Map<string, Buffer>();

  before(async () => {
    independent = independentReading();
    stack = await startStack({ seed: 'none' });
    const accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInByEmail(stack, 'alice@mailroom.test');
    session = new MailSession(alice, withTestTransport({ accounts, logger: testLogger() }, { extraCa: fs.readFileSync(stack.caFile) }));
    for (const name of mimeFixtureClasses) {
      // A landmark header to find each one by, above the fixture's own (possibly broken) headers.
      const landmark = `fixture-${name.replace(/\W/g, '')}`;
      const raw = Buffer.concat([
        Buffer.from(`X-Fixture: ${landmark}\r\n`),
        Buffer.from(readFixture(name).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
      ]);
      delivered.set(name, raw);
      await stack.deliver('alice@mailroom.test', raw);
      const found = await searchFolder(session, 'INBOX', landmark);
      assert.equal(found.uids.length, 1, `${name} delivered once`);
      uids.set(name, found.uids[0] ?? 0);
    }
  });

  after(async () => {
    await session?.dispose();
    await stack?.stop();
  });

  for (const name of mimeFixtureClasses) {
    it(`shows and lists everything of ${name}, and every listed part downloads`, async () => {
      const expected = independent[name];
      assert.ok(expected);
      const ref = { accountId: alice.id, folder: 'INBOX', uid: uids.get(name) ?? 0 };
      const loaded = await loadMessage(session, ref);
      assert.deepEqual(notShown(loaded.view, expected), { words: [], parts: [] }, `${name}: what the reader neither shows nor lists`);
      // The server's structure and Mailroom's own reading of the source list the same parts.
      const ownReading = await parseMessage(delivered.get(name) ?? Buffer.alloc(0), { ref, flagged: false, unread: false, truncated: false });
      const listing = (attachments: typeof loaded.attachments): string[][] =>
        attachments.map(({ part, filename, contentType }) => [part, filename, contentType]);
      assert.deepEqual(listing(loaded.attachments), listing(ownReading.attachments), `${name}: the server's parts`);
      for (const attachment of loaded.attachments) {
        let bytes = 0;
        const sink = new Writable({
          write(chunk: Buffer, _encoding, callback): void {
            bytes += chunk.length;
            callback();
          },
        });
        await streamAttachment(session, ref, attachment, sink);
        assert.ok(bytes > 0, `${name}: ${attachment.filename} (part ${attachment.part}) downloads`);
      }
    });
  }

  it('View Source reads the message as the server has it, byte for byte, and says when it stopped early', async () => {
    const name = 'boundary-missing.eml';
    const ref = { accountId: alice.id, folder: 'INBOX', uid: uids.get(name) ?? 0 };
    const raw = delivered.get(name) ?? Buffer.alloc(0);
    const whole = await loadSource(session, ref);
    assert.equal(whole.truncated, false);
    // Delivery puts its trace headers on top; the rest is what was sent, untouched.
    assert.ok(whole.source.subarray(whole.source.length - raw.length).equals(raw));
    const start = await loadSource(session, ref, 64);
    assert.equal(start.truncated, true);
    assert.ok(start.source.equals(whole.source.subarray(0, 64)));
  });
});
