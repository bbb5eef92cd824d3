// Reads SECURITY.md's numbered items and the `[SEC-n]` tags in test titles, and says where they disagree [SEC-35].
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An item id as SECURITY.md and the tags spell it: a number, optionally with one letter (`29a`). */
const ID = String.raw`\d+[a-z]?`;
const ITEM_HEADING = new RegExp(String.raw`^### SEC-(${ID})\. `, 'gm');
const TAG = new RegExp(String.raw`\[SEC-(${ID})\]`, 'g');
/** Citations by section letter and number, the shape used before the list had ids; they pointed at a file outside the repository. */
const SECTION_CITATION = /SECURITY(?:\.md)? +[A-H]\.\d+/g;
/**
 * The title of a mocha `describe`/`it` (string or template literal). `.skip`, `xit` and `xdescribe` do not
 * match: a skipped test proves nothing.
 */
const TEST_TITLE = /\b(?:it|describe)(?:\.only)?\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g;

export interface SecurityItem {
  id: string;
  /** Repository-relative files its "Tests:" line names. */
  listedFiles: string[];
}

export function parseSecurityItems(markdown: string): SecurityItem[] {
  const headings = [...markdown.matchAll(ITEM_HEADING)];
  return headings.map((heading, index) => {
    const body = markdown.slice(heading.index, headings[index + 1]?.index ?? markdown.length);
    const testsLine = /^Tests: (.*)$/m.exec(body)?.[1] ?? '';
    return { id: heading[1] as string, listedFiles: [...testsLine.matchAll(/`([^`]+\.ts)`/g)].map((match) => match[1] as string) };
  });
}

/** Item ids cited by tags in the titles of tests that run. */
export function taggedTestIds(source: string): Set<string> {
  const ids = new Set<string>();
  for (const title of source.matchAll(TEST_TITLE)) {
    for (const tag of (title[2] as string).matchAll(TAG)) {
      ids.add(tag[1] as string);
    }
  }
  return ids;
}

/** Item ids cited anywhere in a file (titles, comments, assertion messages). */
export function citedIds(source: string): Set<string> {
  return new Set([...source.matchAll(TAG)].map((tag) => tag[1] as string));
}

/** Every problem, each naming the item and the file concerned; empty when SECURITY.md and the tests agree. */
export function securityListProblems(items: readonly SecurityItem[], sources: ReadonlyMap<string, string>, testFiles: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const known = new Set<string>();
  for (const item of items) {
    if (known.has(item.id)) {
      problems.push(`SEC-${item.id} appears twice in SECURITY.md`);
    }
    known.add(item.id);
  }
  const tagged = new Map<string, Set<string>>();
  for (const file of testFiles) {
    for (const id of taggedTestIds(sources.get(file) ?? '')) {
      tagged.set(id, (tagged.get(id) ?? new Set()).add(file));
    }
  }
  for (const item of items) {
    if (!tagged.has(item.id)) {
      problems.push(`SEC-${item.id} has no test whose title is tagged [SEC-${item.id}]`);
    }
    if (item.listedFiles.length === 0) {
      problems.push(`SEC-${item.id} names no test file on its "Tests:" line`);
    }
    for (const file of item.listedFiles) {
      if (!tagged.get(item.id)?.has(file)) {
        problems.push(`SEC-${item.id} lists ${file}, which has no test tagged [SEC-${item.id}]`);
      }
    }
  }
  for (const [file, source] of sources) {
    for (const id of citedIds(source)) {
      if (!known.has(id)) {
        problems.push(`${file} cites [SEC-${id}], which is not an item of SECURITY.md`);
      }
    }
    for (const old of source.matchAll(SECTION_CITATION)) {
      problems.push(`${file} cites "${old[0]}"; cite the item as [SEC-n]`);
    }
  }
  return problems;
}

/** Repository-relative paths of the TypeScript files under `folder`, installed packages left out. */
export function typeScriptFiles(root: string, folder: string): string[] {
  return fs
    .readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.split(path.sep).includes('node_modules'))
    .map((file) => path.posix.join(folder, file.split(path.sep).join('/')));
}
