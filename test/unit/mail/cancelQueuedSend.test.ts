import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MailAccounts } from '../../../src/auth/accountApi';
import { DraftStore } from '../../../src/mail/drafts';
import { Outbox } from '../../../src/mail/outbox';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { SendRateLimiter } from '../../../src/mail/sendRateLimiter';
import { SmtpSender } from '../../../src/mail/sender';
import { MailroomError, isMailroomError } from '../../../src/util/errors';
import { testLogger } from '../../support/logging';
import { outboxAccount } from '../../support/outboxFixtures';
import { FakeClock, flush } from '../../support/clock';

const quiet = testLogger();

const account = outboxAccount;

const message: OutgoingMessage = {
  from: { address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }],
  cc: [],
  bcc: [],
  subject: 'queued',
  text: 't',
  html: '<p>t</p>',
  attachments: [],
};

/**
 * The first step of every SMTP exchange is asking for the access token: a send that got past the queue
 * asks here. It is then refused, so no test ever opens a connection.
 */
class RecordingTokens implements Pick<MailAccounts, 'getAccessToken' | 'requireSignIn'> {
  public readonly requests: string[] = [];

  public async getAccessToken(_accountId: string, host: string): Promise<string> {
    this.requests.push(host);
    throw new MailroomError('HostNotAllowed', `${host} is not a mail host of this account in this test`);
  }

  public requireSignIn(): void {}
}

describe('cancelling a send that waits in the rate-limit queue', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mailroom-cancel-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('makes no SMTP call and keeps the message as a draft; the next send gets its turn', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(() => 1, clock);
    const tokens = new RecordingTokens();
    const drafts = new DraftStore(directory, quiet);
    const sender = new SmtpSender({ accounts: tokens, logger: quiet, rateLimiter: limiter, maxMessageBytes: () => 10 * 1024 * 1024 });
    const outbox = new Outbox({ sender, drafts, logger: quiet });
    // This minute's one send has started: the next one queues.
    await limiter.acquire(account.id);

    const abort = new AbortController();
    const cancelledSend = outbox.send(account, message, undefined, { signal: abort.signal });
    await clock.advance(30_000);
    assert.deepEqual(tokens.requests, [], 'still queued half a minute later');
    abort.abort();
    const outcome = await cancelledSend;
    assert.ok(outcome.status === 'failed');
    assert.ok(isMailroomError(outcome.error, 'Cancelled'), outcome.error.message);
    assert.deepEqual(
      (await drafts.list()).map((draft) => draft.message.subject),
      ['queued'],
      'the message is kept as a draft',
    );

    // Positive control: a send that is not cancelled leaves the queue when the minute is over and makes its
    // SMTP call; the cancelled one never does, and took no slot from it.
    const nextSend = outbox.send(account, { ...message, subject: 'next' });
    await clock.advance(31_000);
    const next = await nextSend;
    assert.ok(next.status === 'failed' && isMailroomError(next.error, 'HostNotAllowed'), 'the next send reached the SMTP step');
    assert.deepEqual(tokens.requests, ['smtp.mailroom.test'], 'one SMTP call: the next send, never the cancelled one');
    await clock.advance(120_000);
    await flush();
    assert.equal(tokens.requests.length, 1);
  });

  it('rejects a send cancelled before its turn at once, without waiting for the sends ahead of it', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(() => 1, clock);
    await limiter.acquire('acc');
    const ahead = limiter.acquire('acc');
    const abort = new AbortController();
    const behind = limiter.acquire('acc', abort.signal);
    abort.abort();
    await assert.rejects(behind, (error: unknown) => isMailroomError(error, 'Cancelled'));
    await clock.advance(60_000);
    await ahead;
    // The cancelled send took no slot: the one after it starts a minute later, not two.
    const started: number[] = [];
    const after = limiter.acquire('acc').then(() => started.push(clock.now()));
    await clock.advance(60_000);
    await after;
    assert.deepEqual(started, [120_000]);
  });
});
