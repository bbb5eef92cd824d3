// imapflow asks Mailroom's log whether a level is kept before it turns a server line back into
// text: at a log level above trace, a first screen's FETCH lines are never built (issue 12: they
// were ~1 ms of a 50-row folder switch, and carry subjects and addresses).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startStack } from '..';
import type { Stack } from '..';
import type { MailAccount } from '../../../src/auth/accountApi';
import { MailSession } from '../../../src/mail/connection';
import { EnvelopeCache, openFolderWithCache } from '../../../src/mail/envelopeCache';
import { Logger, logLevelNumbers } from '../../../src/util/log';
import type { LogLevelName } from '../../../src/util/log';
import { withTestTransport } from '../../../src/util/testTransport';
import { recordingLogger } from '../../support/logging';
import { StackMailAccounts } from '../../support/stackAccounts';

/** A Logger whose sink keeps `lowest` and above, counting the FETCH lines imapflow hands it (kept or not). */
class FetchLineCounter extends Logger {
  public fetchLinesOffered = 0;

  public constructor(
    lowest: LogLevelName,
    public readonly kept: string[] = [],
  ) {
    const keep = (message: string): void => void kept.push(message);
    super({ trace: keep, debug: keep, info: keep, warn: keep, error: keep, logLevel: logLevelNumbers[lowest] });
  }

  public override trace(message: string): void {
    if (/^\[imapflow\] \* \d+ FETCH /.test(message)) {
      this.fetchLinesOffered++;
    }
    super.trace(message);
  }
}

describe('imapflow and the log level', function () {
  this.timeout(60_000);
  let stack: Stack;
  let accounts: StackMailAccounts;
  let alice: MailAccount;

  before(async () => {
    stack = await startStack({ seed: 'fixture' });
    accounts = await StackMailAccounts.create(stack);
    alice = await accounts.signInByEmail(stack, 'alice@mailroom.test');
  });

  after(async () => {
    await stack?.stop();
  });

  async function firstScreenWith(logger: FetchLineCounter): Promise<number> {
    const session = new MailSession(alice, withTestTransport({ accounts, logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      const noCache = new EnvelopeCache('/nonexistent', () => false, recordingLogger([]).logger);
      return (await openFolderWithCache(session, noCache, 'INBOX', 20)).rows.length;
    } finally {
      await session.dispose();
    }
  }

  it('builds no FETCH line for the log when trace is off, and logs them when it is on', async () => {
    const info = new FetchLineCounter('info');
    const rows = await firstScreenWith(info);
    assert.ok(rows > 0, 'the first screen fetched rows');
    assert.equal(info.fetchLinesOffered, 0, 'imapflow built no FETCH line for a log that keeps info and above');
    assert.ok(!info.kept.some((line) => line.startsWith('[imapflow] * ')), 'no server line was kept');

    // Positive control: the same first screen with the log at trace offers and keeps each FETCH line.
    const trace = new FetchLineCounter('trace');
    assert.equal(await firstScreenWith(trace), rows);
    assert.equal(trace.fetchLinesOffered, rows, 'one FETCH line per row at trace');
    assert.equal(trace.kept.filter((line) => /^\[imapflow\] \* \d+ FETCH /.test(line)).length, rows);
  });
});
