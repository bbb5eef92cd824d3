import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvelopeCache } from '../../../src/mail/envelopeCache';
import { envelopeToRow } from '../../../src/mail/rowModel';
import { testLogger } from '../../support/logging';

const logger = testLogger();

/** These envelopes carry no body, so nothing is ever decoded for a preview. */
const noPreview = { htmlToText: (): string => assert.fail('no HTML part to convert'), decodeCharset: (): string => assert.fail('no part to decode') };

function rows(fromUid: number, count: number): ReturnType<typeof envelopeToRow>[] {
  return Array.from({ length: count }, (_, index) => envelopeToRow({ uid: fromUid - index, envelope: { subject: `m${fromUid - index}` } }, noPreview));
}

describe('envelope cache', () => {
  let directory: string;
  let enabled: boolean;
  let cache: EnvelopeCache;
  const status = { path: 'INBOX', total: 100, uidValidity: '7', highestModseq: '55', uidNext: 101 };

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-cache-'));
    enabled = true;
    cache = new EnvelopeCache(path.join(directory, 'envelopes'), () => enabled, logger);
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('keeps a contiguous head of rows per account and folder', async () => {
    await cache.remember('acc', 'INBOX', status, 0, rows(100, 50));
    await cache.remember('acc', 'INBOX', status, 50, rows(50, 50));
    await cache.remember('acc', 'INBOX', status, 300, rows(10, 5));
    const cached = await cache.read('acc', 'INBOX');
    assert.equal(cached?.rows.length, 100);
    assert.equal(cached?.rows[99]?.uid, 1);
    assert.equal(cached?.uidValidity, '7');
    assert.equal(cached?.highestModseq, '55');
    assert.equal(await cache.read('acc', 'Sent'), undefined);
    assert.equal(await cache.read('other', 'INBOX'), undefined);
  });

  it('keeps every page when pages are remembered at the same time (the list loads pages in parallel)', async () => {
    const warnings: string[] = [];
    cache = new EnvelopeCache(
      path.join(directory, 'envelopes'),
      () => enabled,
      testLogger((line, level) => {
        if (level === 'warn') warnings.push(line);
      }),
    );
    await Promise.all([0, 50, 100, 150].map((start) => cache.remember('acc', 'INBOX', status, start, rows(100 - start, 50))));
    const cached = await cache.read('acc', 'INBOX');
    assert.equal(cached?.rows.length, 200);
    assert.deepEqual(cached?.rows.map((row) => row.uid).slice(0, 3), [100, 99, 98]);
    assert.deepEqual(warnings, []);
  });

  it('starts over when UIDVALIDITY or the folder changed', async () => {
    await cache.remember('acc', 'INBOX', status, 0, rows(100, 50));
    await cache.remember('acc', 'INBOX', { ...status, uidValidity: '8' }, 0, rows(100, 10));
    assert.equal((await cache.read('acc', 'INBOX'))?.rows.length, 10);
    assert.equal((await cache.read('acc', 'INBOX'))?.uidValidity, '8');
  });

  it('names no file after a folder or account', async () => {
    await cache.remember('https://issuer|alice', '../../escape', status, 0, rows(100, 3));
    const files = fs.readdirSync(path.join(directory, 'envelopes'), { recursive: true }).map(String);
    assert.ok(
      files.every((file) => /^[0-9a-f]{32}(\/[0-9a-f]{32}\.json)?$/.test(file.split(path.sep).join('/'))),
      files.join(', '),
    );
  });

  it('is deleted per account at sign-out, and entirely when turned off', async () => {
    await cache.remember('acc', 'INBOX', status, 0, rows(100, 5));
    await cache.remember('other', 'INBOX', status, 0, rows(100, 5));
    await cache.deleteAccount('acc');
    assert.equal(await cache.read('acc', 'INBOX'), undefined);
    assert.ok(await cache.read('other', 'INBOX'));
    enabled = false;
    await cache.remember('acc', 'INBOX', status, 0, rows(100, 5));
    assert.equal(await cache.read('other', 'INBOX'), undefined, 'a disabled cache reads nothing');
    await cache.clear();
    assert.equal(fs.existsSync(path.join(directory, 'envelopes')), false);
  });
});
