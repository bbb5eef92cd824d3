// The per-account send limit holds across windows: two processes (two windows of one profile, sharing
// the send ledger in global storage) each send a burst for one account; the stack's SMTP server counts
// the messages it accepts.
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack } from '..';
import type { Stack } from '..';
import { StackMailAccounts } from '../../support/stackAccounts';
import type { BurstRequest } from './sendBurstWorker';

const WORKER = path.join(__dirname, 'sendBurstWorker.js');
const LIMIT = 3;
/** The longest an SMTP exchange on loopback takes from its slot to the server's acceptance. */
const EXCHANGE_MS = 2_000;

describe('send rate limit across windows (two processes, one account)', function () {
  this.timeout(150_000);
  let stack: Stack;
  let folder: string;

  before(async function () {
    assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run with NODE_EXTRA_CA_CERTS=test/stack/fixtures/ca.pem');
    stack = await startStack({});
  });

  after(async function () {
    await stack?.stop();
  });

  beforeEach(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sends-'));
    stack.submissions.length = 0;
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** Two windows each send LIMIT messages at once; resolves with the times the server accepted them, sorted. */
  async function burstFromTwoWindows(ledger: 'shared' | 'alone'): Promise<number[]> {
    const alice = stack.users[0];
    const accounts = await StackMailAccounts.create(stack);
    const account = await accounts.signInAs(stack, alice);
    const accessToken = await accounts.getAccessToken(account.id, account.smtp.host);
    const accepted = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<number>((resolve, reject) => {
            const child = fork(WORKER, [folder, String(stack.smtp.port), alice.email, String(LIMIT), ledger], {
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            });
            child.on('message', (count) => resolve(Number(count)));
            child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`window exited with ${code}`))));
            const request: BurstRequest = { accessToken, count: LIMIT };
            child.send(request);
          }),
      ),
    );
    assert.deepEqual(accepted, [LIMIT, LIMIT], 'every message was sent in the end');
    return stack.submissions.map((message) => message.acceptedAtMs).sort((a, b) => a - b);
  }

  it('[SEC-32] a burst split over two windows never exceeds the account limit at the SMTP server', async function () {
    const acceptedAt = await burstFromTwoWindows('shared');
    assert.equal(acceptedAt.length, 2 * LIMIT);
    // Any LIMIT + 1 accepted messages span at least a minute, less the time one SMTP exchange takes.
    for (let index = 0; index + LIMIT < acceptedAt.length; index += 1) {
      const span = acceptedAt[index + LIMIT] - acceptedAt[index];
      assert.ok(span >= 60_000 - EXCHANGE_MS, `${LIMIT + 1} messages accepted within ${span} ms`);
    }
  });

  it('positive control: windows that count alone get twice the limit accepted within seconds', async function () {
    const acceptedAt = await burstFromTwoWindows('alone');
    assert.equal(acceptedAt.length, 2 * LIMIT);
    assert.ok(acceptedAt[acceptedAt.length - 1] - acceptedAt[0] < 60_000 - EXCHANGE_MS);
  });
});
