import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifest, repositoryRoot } from './manifest';

const read = (file: string): string => fs.readFileSync(path.join(repositoryRoot, file), 'utf8');

describe('marketplace metadata, changelog and notices', () => {
  const manifest = readManifest();

  it('names where to report bugs and the home page, and has categories and keywords', () => {
    const bugs = typeof manifest.bugs === 'string' ? manifest.bugs : manifest.bugs?.url;
    assert.match(bugs ?? '', /^https:\/\/github\.com\/mailroom\/mailroom\/issues$/);
    assert.match(manifest.homepage ?? '', /^https:\/\/github\.com\/mailroom\/mailroom/);
    assert.ok((manifest.categories ?? []).length > 0);
    const keywords = manifest.keywords ?? [];
    // The Marketplace accepts at most 30 keywords.
    assert.ok(keywords.length >= 5 && keywords.length <= 30, `${keywords.length} keywords`);
    assert.equal(new Set(keywords).size, keywords.length, 'no keyword twice');
  });

  it('has a CHANGELOG entry for the packaged version and one for what is unreleased', () => {
    const headings = read('CHANGELOG.md')
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3).trim());
    assert.deepEqual(headings.slice(0, 1), ['Unreleased']);
    assert.ok(headings.includes(manifest.version), `an entry for ${manifest.version} in ${headings.join(', ')}`);
  });

  it('attributes the shipped codicons (CC BY 4.0) in ThirdPartyNotices.txt, which ships', () => {
    const codicons = JSON.parse(read('node_modules/@vscode/codicons/package.json')) as { version: string; license: string };
    assert.equal(codicons.license, 'CC-BY-4.0', 'the licence this notice is written for');
    const notices = read('ThirdPartyNotices.txt');
    assert.ok(notices.includes(`@vscode/codicons ${codicons.version}`), 'names the installed version');
    assert.match(notices, /Creative Commons Attribution 4\.0/);
    assert.match(notices, /Copyright \(c\) Microsoft Corporation/);
    assert.ok(read('.vscodeignore').split('\n').includes('!ThirdPartyNotices.txt'), 'the notice ships in the .vsix');
    assert.ok(read('.vscodeignore').split('\n').includes('!dist/codicons/**'), 'the font it attributes ships too');
  });
});
