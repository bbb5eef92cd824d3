// The packaged .vsix ships only what runs (issue: foundation, .vscodeignore).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packagedExtensionPath, repositoryRoot } from '../editor/paths';
import { zipEntryNames } from './zipEntries';

/** Paths inside the package's `extension/` folder that may ship. */
const SHIPPED = [
  /^dist\/.+\.(js|css|ttf)$/,
  // media/screenshots/ is the README's, shown on GitHub: it would only make the package larger.
  /^media\/(?!screenshots\/)/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^LICENSE(\.txt)?$/,
  /^ThirdPartyNotices\.txt$/,
  /^package\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
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
    for (const required of [
      'package.json',
      'dist/extension.js',
      'dist/webview.js',
      'media/mail.svg',
      'dist/codicons/codicon.ttf',
      'ThirdPartyNotices.txt',
      'package.nls.json',
      'l10n/bundle.l10n.json',
    ]) {
      assert.ok(files.includes(required), `${required} is missing from ${packagedExtensionPath()}`);
    }
  });

  it("leaves out the README's screenshots, which are committed under media/screenshots/", () => {
    assert.ok(fs.readdirSync(path.join(repositoryRoot, 'media', 'screenshots')).length > 0, 'the screenshots this test keeps out exist');
    assert.deepEqual(
      files.filter((file) => file.startsWith('media/screenshots/')),
      [],
    );
  });

  it('ships only dist, media (not its screenshots), README, CHANGELOG, LICENSE, ThirdPartyNotices, package.json and its translations: no sources, tests, source maps or node_modules', () => {
    assert.deepEqual(
      files.filter((file) => !SHIPPED.some((pattern) => pattern.test(file))),
      [],
    );
  });
});
