// Sending against the local stack: real tokens from the test issuer, the real SMTP submission server,
// delivery into Dovecot, and the mail read back over IMAP. Runs in the stack layer (NODE_EXTRA_CA_CERTS
// trusts the test CA, as a system CA store would in production: no TLS option is relaxed here).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import type { MailAccount } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { ImapDraftsFolder } from '../../../src/mail/draftsFolder';
import { appendToSpecialUse } from '../../../src/mail/folders';
import { parseOriginalMessage, readOriginalMessage } from '../../../src/mail/original';
import { messageFromComposer } from '../../../src/mail/composerMessage';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { buildReplyDraft } from '../../../src/mail/reply';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { MailSessions } from '../../../src/mail/connection';
import { buildFileContent, buildSelectionContent } from '../../../src/mail/snippet';
import { findSnippets } from '../../../src/mail/codeBlocks';
import { loadCodeColouring } from '../../../src/mail/codeHtml';
import type { CodeColouring } from '../../../src/mail/codeHtml';
import { testLogger } from '../../support/logging';
import { isPortClosed, startStack } from '..';
import { findFreePort } from '../ports';
import type { Stack } from '..';
import { StackMailAccounts } from '../../support/stackAccounts';

const logLines: string[] = [];
const logger = testLogger((line) => void logLines.push(line));

/** Everything one test needs: alice signed in to send, bob signed in to read, and the outbox. */
interface World {
  accounts: StackMailAccounts;
  alice: MailAccount;
  bob: MailAccount;
  sessions: MailSessions;
  drafts: DraftStore;
  sender: SmtpSender;
  outbox: Outbox;
  draftsDirectory: string;
}

async function readNewest(
  stack: Stack,
  accounts: StackMailAccounts,
  account: MailAccount,
  folder = 'INBOX',
): Promise<{ uid: number; raw: Buffer; parsed: ParsedMail } | undefined> {
  const client = new ImapFlow({
    host: stack.imap.host,
    port: stack.imap.port,
    secure: true,
    auth: { user: account.email, accessToken: await accounts.getAccessToken(account.id, stack.imap.host) },
    logger: false,
  });
  await client.connect();
  try {
    const mailbox = await client.mailboxOpen(folder);
    if (mailbox.exists === 0) {
      return undefined;
    }
    const message = await client.fetchOne('*', { source: true });
    if (!message || !message.source) {
      return undefined;
    }
    return { uid: message.uid, raw: message.source, parsed: await simpleParser(message.source) };
  } finally {
    await client.logout();
  }
}

async function waitForNewest(
  stack: Stack,
  accounts: StackMailAccounts,
  account: MailAccount,
  subject: string,
  folder = 'INBOX',
): Promise<{ uid: number; raw: Buffer; parsed: ParsedMail }> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const newest = await readNewest(stack, accounts, account, folder);
    if (newest && newest.parsed.subject === subject) {
      return newest;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no message "${subject}" arrived in ${account.email}'s ${folder}`);
}

function selectionMessage(from: MailAccount, to: MailAccount, subjectSuffix: string, colours?: CodeColouring): OutgoingMessage {
  const content = buildSelectionContent(
    {
      path: 'src/server/handler.ts',
      languageId: 'typescript',
      code: 'export function handle(): string {\n  return `ok ${"<b>"}`;\n}\n',
      startLine: 10,
      endLine: 12,
    },
    { note: `Can you review this? ${subjectSuffix}`, attachInsteadOfInline: false, ...(colours ? { colours } : {}) },
  );
  return {
    ...content,
    subject: `${content.subject} ${subjectSuffix}`,
    from: { name: 'Alice Example', address: from.email },
    to: [{ name: 'Bob Example', address: to.email }],
    cc: [],
    bcc: [],
  };
}

describe('sending against the local stack', function () {
  this.timeout(60_000);
  let stack: Stack;
  let world: World;
  let maxBytes = 10 * 1024 * 1024;

  before(async () => {
    stack = await startStack();
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(async () => {
    maxBytes = 10 * 1024 * 1024;
    const accounts = await StackMailAccounts.create(stack);
    const alice = await accounts.signInAs(stack, stack.users[0]);
    const bob = await accounts.signInAs(stack, stack.users[1]);
    const sessions = new MailSessions({ accounts, logger });
    const draftsDirectory = await mkdtemp(join(tmpdir(), 'mailroom-send-drafts-'));
    const find = (id: string): MailAccount | undefined => accounts.list().find((account) => account.id === id);
    const drafts = new DraftStore(draftsDirectory, logger, new ImapDraftsFolder(find, (account) => sessions.get(account)));
    const sender = new SmtpSender({ accounts, logger, rateLimiter: new SendRateLimiter(() => 30), maxMessageBytes: () => maxBytes, connectTimeoutMs: 5_000 });
    const outbox = new Outbox({
      sender,
      drafts,
      logger,
      fileInSent: async (account, raw) => void (await appendToSpecialUse(sessions.get(account), '\\Sent', raw, ['\\Seen'])),
    });
    world = { accounts, alice, bob, sessions, drafts, sender, outbox, draftsDirectory };
  });

  afterEach(async () => {
    await world.sessions.dispose();
    await rm(world.draftsDirectory, { recursive: true, force: true });
  });

  it("Send Selection delivers to the recipient's INBOX with the code block, language, path, line range and headers; a copy goes to Sent", async () => {
    const message = selectionMessage(world.alice, world.bob, 'selection', await loadCodeColouring());
    const outcome = await world.outbox.send(world.alice, message);
    assert.equal(outcome.status, 'sent');
    assert.ok(outcome.status === 'sent' && outcome.inSent);
    const { parsed } = await waitForNewest(stack, world.accounts, world.bob, message.subject);
    assert.equal(parsed.subject, 'src/server/handler.ts:L10-L12 selection');
    assert.equal(parsed.messageId, outcome.messageId);
    assert.deepEqual(parsed.from?.value, [{ name: 'Alice Example', address: 'alice@mailroom.test' }]);
    assert.match(String(parsed.headers.get('content-type') && (parsed.headers.get('content-type') as { value: string }).value), /multipart\/alternative/);
    assert.equal(
      parsed.text,
      'Can you review this? selection\n\nsrc/server/handler.ts, lines 10–12 (typescript):\n\n```typescript\nexport function handle(): string {\n  return `ok ${"<b>"}`;\n}\n```\n',
    );
    // The code arrives coloured by inline styles only (issue 15, part 4), its text escaped.
    assert.match(String(parsed.html), /<pre style="[^"]*"><code><span style="color:#cf222e">export<\/span> <span style="color:#cf222e">function<\/span> /);
    assert.match(String(parsed.html), /&quot;&lt;b&gt;&quot;/);
    assert.doesNotMatch(String(parsed.html), /class=|<style/);
    // And the receiver's reader finds the snippet's file and lines in it (issue 15, part 3).
    assert.deepEqual(
      findSnippets(parsed.text ?? '', parsed.subject ?? '').map((snippet) => snippet.source),
      [{ path: 'src/server/handler.ts', startLine: 10, endLine: 12, fromUrl: false }],
    );
    assert.match(String(parsed.html), /<code>src\/server\/handler\.ts<\/code>, lines 10–12 \(typescript\)/);
    const sent = await waitForNewest(stack, world.accounts, world.alice, message.subject, 'Sent');
    assert.equal(sent.parsed.messageId, outcome.messageId);
    assert.deepEqual(await world.drafts.list(), []);
  });

  it('Send File delivers the attachment byte for byte', async () => {
    const bytes = randomBytes(300 * 1024);
    const content = buildFileContent({ path: 'assets/blob.bin', languageId: 'binary', content: new Uint8Array(bytes) }, 'The file you asked for');
    const message: OutgoingMessage = {
      ...content,
      subject: 'assets/blob.bin (file)',
      from: { address: world.alice.email },
      to: [{ address: world.bob.email }],
      cc: [],
      bcc: [],
    };
    assert.equal((await world.outbox.send(world.alice, message)).status, 'sent');
    const { parsed } = await waitForNewest(stack, world.accounts, world.bob, message.subject);
    assert.equal(parsed.attachments.length, 1);
    assert.equal(parsed.attachments[0].filename, 'blob.bin');
    assert.ok(parsed.attachments[0].content.equals(bytes), 'attachment bytes differ');
    assert.match(parsed.text ?? '', /^The file you asked for\n\nAttached: assets\/blob\.bin \(binary, 300\.0 KB\)\./);
  });

  it("a reply carries In-Reply-To and References of the original and lands in the original sender's INBOX", async () => {
    const first = selectionMessage(world.alice, world.bob, 'thread');
    const sent = await world.outbox.send(world.alice, first);
    assert.equal(sent.status, 'sent');
    const received = await waitForNewest(stack, world.accounts, world.bob, first.subject);
    const original = await parseOriginalMessage(received.raw);
    const draft = buildReplyDraft(original, 'reply', world.bob.email);
    const reply: OutgoingMessage = {
      from: { address: world.bob.email },
      to: draft.to,
      cc: draft.cc,
      bcc: [],
      subject: draft.subject,
      text: `Looks good.\n${draft.body}`,
      html: '<p>Looks good.</p>',
      attachments: [],
      inReplyTo: draft.thread.inReplyTo,
      references: draft.thread.references,
    };
    const replied = await world.outbox.send(world.bob, reply);
    assert.equal(replied.status, 'sent');
    const answer = await waitForNewest(stack, world.accounts, world.alice, 'Re: src/server/handler.ts:L10-L12 thread');
    assert.ok(sent.status === 'sent');
    assert.equal(answer.parsed.inReplyTo, sent.messageId);
    assert.deepEqual([answer.parsed.references].flat(), [sent.messageId]);
    assert.match(answer.parsed.text ?? '', /wrote:\n> Can you review this\? thread/);
  });

  it('forward from the composer reads the original over IMAP and carries its attachments byte for byte', async () => {
    const bytes = randomBytes(40 * 1024);
    const content = buildFileContent({ path: 'logs/build.log', languageId: 'log', content: new Uint8Array(bytes) }, 'Build log attached');
    const first: OutgoingMessage = {
      ...content,
      subject: 'build log for forward',
      from: { address: world.alice.email },
      to: [{ address: world.bob.email }],
      cc: [],
      bcc: [],
    };
    assert.equal((await world.outbox.send(world.alice, first)).status, 'sent');
    const received = await waitForNewest(stack, world.accounts, world.bob, first.subject);
    const original = await readOriginalMessage(world.sessions.get(world.bob), 'INBOX', received.uid);
    const draft = buildReplyDraft(original, 'forward', world.bob.email);
    const fields = {
      accountId: world.bob.id,
      to: world.alice.email,
      cc: '',
      bcc: '',
      subject: draft.subject,
      body: `FYI\n${draft.body}`,
      attachments: draft.attachments.map((_attachment, index) => index),
    };
    const checked = await messageFromComposer(fields, {
      from: { address: world.bob.email },
      attachments: draft.attachments,
      references: draft.thread.references,
    });
    assert.ok(checked.ok);
    assert.equal((await world.outbox.send(world.bob, checked.message)).status, 'sent');
    const forwarded = await waitForNewest(stack, world.accounts, world.alice, 'Fwd: build log for forward');
    assert.equal(forwarded.parsed.attachments.length, 1);
    assert.equal(forwarded.parsed.attachments[0].filename, 'build.log');
    assert.ok(forwarded.parsed.attachments[0].content.equals(bytes));
    assert.match(forwarded.parsed.text ?? '', /---------- Forwarded message ----------\nFrom: alice@mailroom\.test/);
    assert.match(String(forwarded.parsed.html), /<p>FYI<\/p>\n<p>---------- Forwarded message ----------<br>\nFrom: alice@mailroom\.test<br>/);
  });

  it("[SEC-24] sends through the stack's STARTTLS submission port (587 style, TLS required before AUTH)", async () => {
    const accounts = await StackMailAccounts.create(stack);
    const carol = await accounts.signInAs(stack, stack.users[0], {
      smtp: { host: stack.smtpStartTls.host, port: stack.smtpStartTls.port, implicitTls: false },
    });
    const sender = new SmtpSender({ accounts, logger, rateLimiter: new SendRateLimiter(() => 30), maxMessageBytes: () => maxBytes });
    const message = selectionMessage(carol, world.bob, 'starttls');
    const result = await sender.send(carol, message);
    assert.deepEqual(result.accepted, [world.bob.email]);
    const { parsed } = await waitForNewest(stack, world.accounts, world.bob, message.subject);
    assert.equal(parsed.messageId, result.messageId);
  });

  it('non-ASCII display names and subjects round-trip', async () => {
    const subject = 'Grüße aus Köln — 日本語のテスト ✓ (ümlaut)';
    const message: OutgoingMessage = {
      from: { name: 'Zoë Ångström', address: world.alice.email },
      to: [{ name: 'Bób Đặng 李', address: world.bob.email }],
      cc: [],
      bcc: [],
      subject,
      text: 'Ça marche — 漢字 🎉\n',
      html: '<p>Ça marche — 漢字 🎉</p>',
      attachments: [{ filename: 'résumé 履歴.txt', content: new TextEncoder().encode('naïve') }],
    };
    assert.equal((await world.outbox.send(world.alice, message)).status, 'sent');
    const { parsed } = await waitForNewest(stack, world.accounts, world.bob, subject);
    assert.deepEqual(parsed.from?.value, [{ name: 'Zoë Ångström', address: world.alice.email }]);
    assert.deepEqual([parsed.to].flat()[0]?.value, [{ name: 'Bób Đặng 李', address: world.bob.email }]);
    assert.equal(parsed.text, 'Ça marche — 漢字 🎉\n');
    assert.equal(parsed.attachments[0].filename, 'résumé 履歴.txt');
  });

  it('SMTP down: the draft is kept locally and in Drafts, and the error says the server could not be reached', async () => {
    const closedPort = await unusedPort();
    const offline: MailAccount = { ...world.alice, smtp: { ...world.alice.smtp, port: closedPort } };
    const message = selectionMessage(world.alice, world.bob, 'smtp-down');
    const outcome = await world.outbox.send(offline, message);
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'ConnectionFailed');
    assert.match(outcome.error.message, /Could not reach 127\.0\.0\.1/);
    assert.equal(outcome.draft.savedToServer, true);
    const kept = await new DraftStore(world.draftsDirectory, logger).list();
    assert.equal(kept.length, 1);
    assert.equal(kept[0].message.subject, message.subject);
    assert.equal(kept[0].failure?.code, 'ConnectionFailed');
    const inDrafts = await waitForNewest(stack, world.accounts, world.alice, message.subject, 'Drafts');
    assert.equal(inDrafts.parsed.messageId, outcome.draft.messageId);

    // Retry once the server is back: sent with the same identity, the draft and its server copy go away.
    const retried = await world.outbox.send(world.alice, kept[0].message, kept[0]);
    assert.equal(retried.status, 'sent');
    assert.ok(retried.status === 'sent');
    assert.equal(retried.messageId, outcome.draft.messageId);
    assert.deepEqual(await world.drafts.list(), []);
    assert.equal(await readNewest(stack, world.accounts, world.alice, 'Drafts').then((newest) => newest?.parsed.messageId === outcome.draft.messageId), false);
  });

  it('[SEC-18] token revoked: one refresh attempt, then sign-in required; the draft is kept and nothing is sent', async () => {
    const submissionsBefore = stack.submissions.length;
    await stack.revokeUserGrants(world.alice.email);
    // Counts the refreshes the SMTP send made, before the outbox saves the draft (over IMAP, which may try its own).
    let smtpRefreshes = -1;
    const sender = {
      send: async (...args: Parameters<SmtpSender['send']>): ReturnType<SmtpSender['send']> => {
        try {
          return await world.sender.send(...args);
        } finally {
          smtpRefreshes = world.accounts.refreshHosts.length;
        }
      },
    };
    const outbox = new Outbox({ sender, drafts: world.drafts, logger });
    const message = selectionMessage(world.alice, world.bob, 'revoked');
    const outcome = await outbox.send(world.alice, message);
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'SignInRequired');
    assert.equal(smtpRefreshes, 1);
    assert.equal(stack.submissions.length, submissionsBefore);
    assert.equal((await world.drafts.list()).length, 1);
  });

  it('[SEC-18] an expired token is refreshed once and the send goes through', async () => {
    world.accounts.spoilAccessToken(world.alice.id);
    const message = selectionMessage(world.alice, world.bob, 'refreshed');
    assert.equal((await world.outbox.send(world.alice, message)).status, 'sent');
    assert.deepEqual(world.accounts.refreshHosts, [world.alice.smtp.host]);
    await waitForNewest(stack, world.accounts, world.bob, message.subject);
  });

  it('a message over the size limit is not sent, the draft is kept and the error names the limit', async () => {
    maxBytes = 64 * 1024;
    const submissionsBefore = stack.submissions.length;
    const content = buildFileContent({ path: 'big.bin', languageId: 'binary', content: new Uint8Array(randomBytes(100 * 1024)) }, '');
    const message: OutgoingMessage = { ...content, from: { address: world.alice.email }, to: [{ address: world.bob.email }], cc: [], bcc: [] };
    const outcome = await world.outbox.send(world.alice, message);
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'MessageTooLarge');
    assert.match(outcome.error.message, /over the 64\.0 KB limit/);
    assert.equal(stack.submissions.length, submissionsBefore);
    const kept = await world.drafts.list();
    assert.equal(kept.length, 1);
    assert.ok(Buffer.from(kept[0].message.attachments[0].content).equals(Buffer.from(message.attachments[0].content)));
  });

  it("[SEC-19] the token never goes to an SMTP host outside the account's allow-list", async () => {
    const submissionsBefore = stack.submissions.length;
    // The stack's SMTP server answers on "localhost" too, with a valid certificate: only the allow-list stops it.
    const elsewhere: MailAccount = { ...world.alice, smtp: { ...world.alice.smtp, host: 'localhost' } };
    const outcome = await world.outbox.send(elsewhere, selectionMessage(world.alice, world.bob, 'elsewhere'));
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'HostNotAllowed');
    assert.equal(stack.submissions.length, submissionsBefore);
    assert.ok(!world.accounts.tokenHosts.includes('localhost'));
  });

  it('[SEC-23] no access token reached the log', () => {
    assert.ok(logLines.length > 0);
    assert.ok(
      logLines.every((line) => !/AT-SENTINEL|Bearer [A-Za-z0-9]/.test(line)),
      logLines.join('\n'),
    );
  });
});

/** A loopback port nothing listens on: the SMTP server is "down". */
async function unusedPort(): Promise<number> {
  const port = await findFreePort();
  assert.ok(await isPortClosed(port));
  return port;
}
