import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomically } from '../../../src/util/atomicFile';

describe('writeFileAtomically', () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-atomic-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('lets many writes to one file run at once: each lands whole, one wins, no temporary file stays', async () => {
    const file = path.join(directory, 'state.json');
    const contents = Array.from({ length: 20 }, (_, index) => JSON.stringify({ index, padding: 'x'.repeat(10_000) }));
    await Promise.all(contents.map((content) => writeFileAtomically(file, content)));
    assert.ok(contents.includes(fs.readFileSync(file, 'utf8')), 'the file holds one whole write');
    assert.deepEqual(fs.readdirSync(directory), ['state.json']);
  });

  it('is readable by its owner only', async () => {
    const file = path.join(directory, 'secret.json');
    await writeFileAtomically(file, '{}');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('fails without leaving its temporary file behind when the rename fails', async () => {
    // The target is a folder with something in it: the temporary file is written, the rename refused.
    const target = path.join(directory, 'state.json');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    await assert.rejects(writeFileAtomically(target, '{}'));
    assert.deepEqual(fs.readdirSync(directory), ['state.json']);
  });
});
