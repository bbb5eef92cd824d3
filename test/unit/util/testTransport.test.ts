// [SEC-12] The door through which tests swap `fetch` or trust the test CA is not in the product.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { OAuthClient } from '../../../src/auth/oauthClient';
import type { OAuthClientOptions } from '../../../src/auth/oauthRequests';
import { isMailroomError } from '../../../src/util/errors';
import { oidcConfig } from '../../support/auth/fakes';

const root = path.join(__dirname, '..', '..', '..', '..');
/**
 * Property names survive minification, so these find the doors in a shipped bundle: the test transport's fields,
 * the options product classes used to take (`trustedCa` was the SMTP sender's), and the fields of the test-only
 * preset endpoints (src/auth/testPresetEndpoints.ts).
 */
const DOOR_NAMES = ['fetchForTests', 'extraCa', 'trustedCa', 'issuerOriginsForTests', 'imapForTests', 'smtpForTests'];

function doorNamesIn(text: string): string[] {
  return DOOR_NAMES.filter((name) => text.includes(name));
}

describe('The test transport and the test preset endpoints', function () {
  this.timeout(60_000);
  let outdir: string;

  before(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-production-'));
    execFileSync(process.execPath, ['esbuild.js', '--production', '--outdir', outdir], { cwd: root, stdio: 'pipe' });
  });

  after(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('[SEC-12] are absent from the production bundle (node esbuild.js --production) and its lazily loaded vendor files', () => {
    const bundles = fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    assert.ok(bundles.includes('extension.js'), `no extension.js among ${bundles.join(', ')}`);
    for (const file of bundles) {
      assert.deepEqual(doorNamesIn(fs.readFileSync(path.join(outdir, file), 'utf8')), [], `${file} holds the test transport`);
    }
  });

  it('[SEC-12] are found by the same scan in a minified bundle of the same sources built without the swap (the scan can fail)', async () => {
    const unswapped = await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['src/extension.ts'],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const text = unswapped.outputFiles.map((file) => file.text).join('\n');
    assert.deepEqual(doorNamesIn(text), ['fetchForTests', 'extraCa', 'issuerOriginsForTests', 'imapForTests', 'smtpForTests']);
  });

  it("[SEC-12] cannot be opened through a product class's options", async () => {
    let calls = 0;
    const smuggled: typeof fetch = async () => {
      calls += 1;
      return new Response('{}', { status: 200 });
    };
    // What product code could write when the hatch was an option; the cast stands for any untyped caller.
    const options = { fetchForTests: smuggled, requestTimeoutMs: 2_000 } as OAuthClientOptions;
    // Nothing listens on port 1: the real fetch is refused at once, the smuggled one would answer.
    const client = new OAuthClient(oidcConfig('https://127.0.0.1:1', 'c'), options);
    const failure = await client.metadata().catch((error: unknown) => error);
    assert.ok(isMailroomError(failure), `expected a MailroomError, got ${String(failure)}`);
    assert.equal(calls, 0, 'the smuggled fetch was used');
  });
});
