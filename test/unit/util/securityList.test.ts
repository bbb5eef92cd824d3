import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { citedIds, parseSecurityItems, securityListProblems, taggedTestIds, typeScriptFiles } from './securityList';

const root = path.join(__dirname, '..', '..', '..', '..');

/** Built at run time, so this file's own source cites no missing item and no old-style section. */
const tag = (id: string): string => `[SEC-${id}]`;
const oldStyleCitation = ['SECURITY.md', 'B.19'].join(' ');

describe('SECURITY.md and the tagged tests', () => {
  it('[SEC-35] every item of SECURITY.md has a tagged test, every tag names an item, every listed file carries its tag', () => {
    const items = parseSecurityItems(fs.readFileSync(path.join(root, 'SECURITY.md'), 'utf8'));
    const testFiles = typeScriptFiles(root, 'test');
    const files = [...typeScriptFiles(root, 'src'), ...testFiles, ...typeScriptFiles(root, 'webview'), ...typeScriptFiles(root, 'bench')];
    const sources = new Map(files.map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
    // The list's own shape, so a broken heading cannot silently shrink it.
    const ids = items.map((item) => item.id);
    for (let n = 1; n <= 35; n += 1) {
      assert.ok(ids.includes(String(n)), `SECURITY.md has no item SEC-${n} (or its heading is not "### SEC-${n}. …")`);
    }
    assert.ok(ids.includes('29a') && ids.includes('29b'), 'SECURITY.md lists SEC-29a and SEC-29b');
    assert.deepEqual(securityListProblems(items, sources, new Set(testFiles)), []);
  });

  it('[SEC-35] reads item ids with a letter suffix, and the files each item lists', () => {
    const items = parseSecurityItems(
      [
        '# x',
        '',
        '### SEC-1. One',
        'Text.',
        'Tests: `test/a.test.ts`, `test/b.test.ts`',
        '',
        '### SEC-29a. Letter',
        'Tests: `test/c.test.ts`',
        '',
        '## Later section',
        '1. not an item',
      ].join('\n'),
    );
    assert.deepEqual(items, [
      { id: '1', listedFiles: ['test/a.test.ts', 'test/b.test.ts'] },
      { id: '29a', listedFiles: ['test/c.test.ts'] },
    ]);
  });

  it('[SEC-35] counts tags in the titles of tests that run, not in comments or skipped tests', () => {
    const source = [
      `// ${tag('1')} a comment`,
      `describe('suite ${tag('2')}', () => {`,
      `  it("double ${tag('3')}", () => {});`,
      `  it(\`template ${tag('29a')} \${name}\`, () => {});`,
      `  it.skip('skipped ${tag('4')}', () => {});`,
      `  xit('skipped ${tag('5')}', () => {});`,
      `  it('plain', () => assert.ok(true, '${tag('6')} message'));`,
      '});',
    ].join('\n');
    assert.deepEqual([...taggedTestIds(source)].sort(), ['2', '29a', '3']);
    assert.deepEqual([...citedIds(source)].sort(), ['1', '2', '29a', '3', '4', '5', '6']);
  });

  it('[SEC-35] names an item without a tagged test, a tag without an item, a listed file without the tag, and an old-style citation', () => {
    const items = [
      { id: '1', listedFiles: ['test/one.test.ts'] },
      { id: '2', listedFiles: ['test/one.test.ts'] },
      { id: '29b', listedFiles: [] },
    ];
    const sources = new Map([
      ['test/one.test.ts', `it('${tag('1')} works', () => {});\nit('${tag('7')} ghost', () => {});`],
      ['src/code.ts', `// see ${oldStyleCitation} and ${tag('29c')}`],
    ]);
    assert.deepEqual(
      securityListProblems(items, sources, new Set(['test/one.test.ts'])).sort(),
      [
        'SEC-29b has no test whose title is tagged [SEC-29b]',
        'SEC-29b names no test file on its "Tests:" line',
        'SEC-2 has no test whose title is tagged [SEC-2]',
        'SEC-2 lists test/one.test.ts, which has no test tagged [SEC-2]',
        `src/code.ts cites "${oldStyleCitation}"; cite the item as [SEC-n]`,
        `src/code.ts cites ${tag('29c')}, which is not an item of SECURITY.md`,
        'test/one.test.ts cites [SEC-7], which is not an item of SECURITY.md',
      ].sort(),
    );
  });
});
