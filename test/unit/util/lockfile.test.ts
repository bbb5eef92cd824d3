import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
}

const root = join(__dirname, '..', '..', '..', '..');

describe('dependency pinning', () => {
  it('[SEC-34] every dependency is pinned by the lockfile with an integrity hash', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
    assert.equal(lock.lockfileVersion, 3);
    const names = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
    for (const name of names) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.ok(entry, `${name} is missing from package-lock.json`);
      assert.ok(entry.version && entry.integrity, `${name} has no pinned version and integrity`);
    }
  });
});
