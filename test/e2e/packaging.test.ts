// The packaged .vsix ships only what runs (issue: foundation, .vscodeignore).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { packagedExtensionPath } from '../editor/paths';
import { zipEntryNames } from './zipEntries';

/** Paths inside the package's `extension/` folder that may ship. */
const SHIPPED = [
  /^dist\/.+\.(js|css|ttf)$/,
  /^media\//,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^LICENSE(\.txt)?$/,
  /^ThirdPartyNotices\.txt$/,
  /^package\.json$/,
];

describe('The packaged .vsix', () => {
  let files: string[] = [];

  before(() => {
    const vsix = packagedExtensionPath();
    assert.ok(fs.existsSync(vsix), `${vsix} is missing; build it with: npx vsce package --no-dependencies`);
    files = zipEntryNames(vsix)
      .filter((name) => name.startsWith('extension/'))
      .map((name) => name.slice('extension/'.length));
  });

  it('holds the manifest, the bundles and the media', () => {
    for (const required of ['package.json', 'dist/extension.js', 'dist/webview.js', 'media/mail.svg', 'dist/codicons/codicon.ttf', 'ThirdPartyNotices.txt']) {
      assert.ok(files.includes(required), `${required} is missing from ${packagedExtensionPath()}`);
    }
  });

  it('ships only dist, media, README, CHANGELOG, LICENSE, ThirdPartyNotices and package.json: no sources, tests, source maps or node_modules', () => {
    assert.deepEqual(
      files.filter((file) => !SHIPPED.some((pattern) => pattern.test(file))),
      [],
    );
  });
});
