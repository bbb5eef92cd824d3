import * as assert from 'node:assert/strict';
import { colourCapped, colouredPatchLimit, hunkAt, parsePatchText } from '../../../src/mail/patchText';

const commitMail = [
  'The parser now counts hunk lines.',
  '',
  'Signed-off-by: Ada <ada@x.org>',
  '---',
  ' a.txt | 3 ++-',
  '',
  'diff --git a/a.txt b/a.txt',
  'index 1..2 100644',
  '--- a/a.txt',
  '+++ b/a.txt',
  '@@ -1,3 +1,3 @@',
  ' keep',
  '--- removed line that looks like a header',
  '+++ added line that looks like a header',
  ' keep',
  '\\ No newline at end of file',
  'diff --git a/b.c b/b.c',
  '--- a/b.c',
  '+++ b/b.c',
  '@@ -10,2 +10,2 @@ int main()',
  '-x',
  '+y',
  ' z',
  '-- ',
  '2.39.5',
].join('\n');

describe('patch parsing (the reader and Apply)', () => {
  it('splits the commit message from the diff and classifies every line, hunk lines counted', () => {
    const patch = parsePatchText(commitMail);
    assert.ok(patch);
    assert.equal(patch.message, 'The parser now counts hunk lines.\n\nSigned-off-by: Ada <ada@x.org>');
    assert.equal(patch.commit, true);
    assert.deepEqual(patch.files, ['a.txt', 'b.c']);
    const kinds = patch.lines.map((line) => `${line.kind}:${line.text}`);
    assert.deepEqual(kinds.slice(0, 4), ['meta:---', 'meta: a.txt | 3 ++-', 'meta:', 'file:diff --git a/a.txt b/a.txt']);
    assert.ok(kinds.includes('removed:--- removed line that looks like a header'));
    assert.ok(kinds.includes('added:+++ added line that looks like a header'));
    assert.ok(kinds.includes('meta:\\ No newline at end of file'));
    assert.ok(kinds.includes('hunk:@@ -10,2 +10,2 @@ int main()'));
    assert.deepEqual(kinds.slice(-5), ['removed:-x', 'added:+y', 'context: z', 'meta:-- ', 'meta:2.39.5']);
  });

  const detection: [string, string, boolean | undefined][] = [
    ['a bare diff (no commit message)', '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n', false],
    ['CRLF line ends', commitMail.replace(/\n/g, '\r\n'), true],
    ['prose mentioning diff', 'Use --- and +++ to compare.\n@@ is a hunk.\n', undefined],
    ['a quoted diff in a reply', '> --- a/x\n> +++ b/x\n> @@ -1 +1 @@\n', undefined],
  ];
  for (const [name, text, commit] of detection) {
    it(`detects ${name}: ${commit === undefined ? 'no patch' : commit ? 'commit' : 'bare diff'}`, () => {
      assert.equal(parsePatchText(text)?.commit, commit);
    });
  }

  it('names the hunk git reports as failing (file and old start line)', () => {
    assert.equal(hunkAt(commitMail, 'b.c', 10), '@@ -10,2 +10,2 @@ int main()');
    assert.equal(hunkAt(commitMail, 'a.txt', 10), undefined);
  });

  it('colours a diff up to the limit in whole lines, and keeps the rest, every line of it, as one text', () => {
    // Lines of 99 characters and a line end: the limit falls inside a line, which goes uncoloured whole.
    const added = (count: number): string[] => Array.from({ length: count }, (_, index) => `+${String(index).padEnd(98, '.')}`);
    const diffOf = (count: number): string => ['--- a/big.txt', '+++ b/big.txt', `@@ -0,0 +1,${count} @@`, ...added(count)].join('\n');
    const within = parsePatchText(diffOf(colouredPatchLimit / 100 - 3));
    assert.ok(within);
    assert.equal(colourCapped(within), within, 'a diff within the limit is coloured whole');
    const large = parsePatchText(diffOf(colouredPatchLimit / 50));
    assert.ok(large);
    const capped = colourCapped(large);
    const coloured = capped.lines.reduce((size, line) => size + line.text.length + 1, 0);
    assert.ok(coloured <= colouredPatchLimit && coloured > colouredPatchLimit - 100, `${coloured} characters coloured`);
    assert.deepEqual(capped.files, ['big.txt']);
    assert.equal([...capped.lines.map((line) => line.text), capped.uncoloured].join('\n'), diffOf(colouredPatchLimit / 50));
  });
});
