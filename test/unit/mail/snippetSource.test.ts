// Snippets back to the file (issue 15, part 3): the forms a mail names a file and lines in, read as data.
import * as assert from 'node:assert/strict';
import { findSnippets, locateSnippet } from '../../../src/mail/codeBlocks';
import { parseMessage } from '../../../src/mail/message';
import { buildSelectionContent } from '../../../src/mail/snippet';
import { candidatePaths, fileAsMailed } from '../../../src/mail/snippetPlacement';
import { parseSourceReference, safeRelativePath } from '../../../src/mail/snippetSource';

const URL_FORM = true;

describe('snippet references', () => {
  const cases: [string, string | undefined, number?, number?, boolean?][] = [
    // Mailroom's own caption and subject
    ['src/app/server.ts, lines 10–24 (typescript):', 'src/app/server.ts', 10, 24],
    ['src/app.ts, line 7 (go):', 'src/app.ts', 7, 7],
    ['my folder/a b.ts, lines 3–4 (typescript):', 'my folder/a b.ts', 3, 4],
    ['src/app.ts:L10-L24', 'src/app.ts', 10, 24],
    ['src/app.ts:L7', 'src/app.ts', 7, 7],
    // the common forms
    ['path/to/file.ts:12-30', 'path/to/file.ts', 12, 30],
    ['file.ts:12', 'file.ts', 12, 12],
    ['file.ts#L12-L30', 'file.ts', 12, 30],
    ['lib/x.py#L5', 'lib/x.py', 5, 5],
    ['`src/a.rs:3-4`', 'src/a.rs', 3, 4],
    ['(src/a.go:3-4),', 'src/a.go', 3, 4],
    ['./src/a.c:1-2', 'src/a.c', 1, 2],
    ['https://github.com/mailroom/mailroom/blob/main/src/mail/snippet.ts#L12-L30', 'src/mail/snippet.ts', 12, 30, URL_FORM],
    ['https://github.com/o/r/blob/0123abc/a%20b/c.ts#L4', 'a b/c.ts', 4, 4, URL_FORM],
    ['https://gitlab.com/group/sub/repo/-/blob/main/src/x.ts#L12-30', 'src/x.ts', 12, 30, URL_FORM],
    ['https://git.example.org/team/repo/-/blob/v1.2/lib/y.rb#L8', 'lib/y.rb', 8, 8, URL_FORM],
    // not references
    ['10:30-11:00', undefined],
    ['version 1.2:3', undefined],
    ['Makefile:3', undefined],
    ['file.ts', undefined],
    ['file.ts:0-3', undefined],
    ['file.ts:30-12', undefined],
    ['file.ts:123456789', undefined],
    ['https://github.com/o/r/blob/main/src/x.ts', undefined],
    ['https://example.org/src/x.ts#L1', undefined],
    // hostile: stays data, never leaves the workspace folder
    ['../../etc/passwd.txt:1-2', undefined],
    ['src/../../secret.ts:1', undefined],
    ['/etc/hosts.txt:1', undefined],
    ['C:\\Windows\\win.ini:1', undefined],
    ['~/.ssh/config.txt:1', undefined],
    ['command:workbench.action.terminal.new?x.ts:1', undefined],
    ['file:///etc/passwd.ts#L1', undefined],
    ['https://github.com/o/r/blob/main/%2E%2E/%2E%2E/x.ts#L1', undefined],
    ['https://github.com/o/r/blob/main/a%2F..%2F..%2Fx.ts#L1', undefined],
    ['https://github.com/o/r/blob/main/a%5C..%5Cx.ts#L1', undefined],
    ['https://github.com/o/r/blob/main/%E0%A4%A.ts#L1', undefined],
    ['../a.ts, lines 1–2 (typescript):', undefined],
    ['src//a.ts:1', undefined],
  ];
  for (const [input, path, startLine, endLine, fromUrl = false] of cases) {
    it(`${JSON.stringify(input)} → ${path ? `${path} ${startLine}-${endLine}` : 'no reference'}`, () => {
      assert.deepEqual(parseSourceReference(input), path === undefined ? undefined : { path, startLine, endLine, fromUrl });
    });
  }

  it('[SEC-29c] keeps a path only as plain relative segments: hostile forms are no reference', () => {
    assert.equal(safeRelativePath('a/./b.ts'), 'a/b.ts');
    for (const bad of ['', '..', 'a/../b', '/a', 'a\\b', 'a:b', ' a', 'a/ b', 'a\u0000b', 'x'.repeat(1025)]) {
      assert.equal(safeRelativePath(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('code blocks of a mail', () => {
  it("reads back what Send Selection writes: the block's code, language, file and lines", () => {
    const selection = { path: 'src/app.ts', languageId: 'typescript', code: 'const a = 1;\nconst b = "```";\n', startLine: 3, endLine: 4 };
    const content = buildSelectionContent(selection, { note: 'Look:\n\nsrc/other.ts:9', attachInsteadOfInline: false });
    assert.deepEqual(findSnippets(content.text, content.subject), [
      { code: selection.code, language: 'typescript', source: { path: 'src/app.ts', startLine: 3, endLine: 4, fromUrl: false } },
      { language: '', source: { path: 'src/other.ts', startLine: 9, endLine: 9, fromUrl: false } },
    ]);
  });

  it('takes the reference on the line before a block, tilde fences and unclosed blocks, and the subject for a lone block', () => {
    const text = 'See lib/a.py#L2-L3:\n\n~~~python\nx = 1\ny = 2\n~~~\n\nAnd this:\n```\nplain\n```\nlast\n````rust\nfn main() {}\n';
    assert.deepEqual(findSnippets(text, 'whatever'), [
      { code: 'x = 1\ny = 2\n', language: 'python', source: { path: 'lib/a.py', startLine: 2, endLine: 3, fromUrl: false } },
      { code: 'plain\n', language: '' },
      { code: 'fn main() {}\n\n', language: 'rust' },
    ]);
    const fromSubject = [{ code: 'x\n', language: 'go', source: { path: 'src/m.go', startLine: 4, endLine: 4, fromUrl: false } }];
    assert.deepEqual(findSnippets('```go\nx\n```\n', 'src/m.go:L4'), fromSubject);
    assert.deepEqual(findSnippets('```go\nx\n```\n', 'Re: Fwd: src/m.go:L4'), fromSubject);
    assert.deepEqual(findSnippets('```go\nx\n```\n', 'About src/m.go:L4'), [{ code: 'x\n', language: 'go' }]);
    assert.deepEqual(findSnippets('```go\nx\n```\n```go\ny\n```\n', 'src/m.go:L4'), [
      { code: 'x\n', language: 'go' },
      { code: 'y\n', language: 'go' },
    ]);
  });

  it('names each reference once, ignores references inside code, and lists at most 50', () => {
    assert.deepEqual(findSnippets('a.ts:1 a.ts:1 b.ts:4\nmore words\n```\nb.ts:2\n```\n', ''), [
      { code: 'b.ts:2\n', language: '' },
      { language: '', source: { path: 'a.ts', startLine: 1, endLine: 1, fromUrl: false } },
      { language: '', source: { path: 'b.ts', startLine: 4, endLine: 4, fromUrl: false } },
    ]);
    const many = Array.from({ length: 80 }, (_unused, index) => `f${index}.ts:1`).join('\n');
    assert.equal(findSnippets(many, '').length, 50);
  });
});

describe('finding a snippet in the file', () => {
  const file = 'line 1\nline 2\nconst a = 1;\nconst b = 2;\nline 5\n';

  it('finds it where the mail says, ignoring CRLF and trailing spaces', () => {
    assert.deepEqual(locateSnippet(file, 'const a = 1;  \r\nconst b = 2;\r\n', { startLine: 3, endLine: 4 }), { kind: 'same', startLine: 3, endLine: 4 });
  });

  it('finds moved lines, the match nearest to where the mail says', () => {
    const moved = 'x\nconst a = 1;\nconst b = 2;\n' + 'y\n'.repeat(20) + 'const a = 1;\nconst b = 2;\n';
    assert.deepEqual(locateSnippet(moved, 'const a = 1;\nconst b = 2;\n', { startLine: 20, endLine: 21 }), { kind: 'moved', startLine: 24, endLine: 25 });
    assert.deepEqual(locateSnippet(moved, 'const a = 1;\nconst b = 2;\n', { startLine: 5, endLine: 6 }), { kind: 'moved', startLine: 2, endLine: 3 });
  });

  it('says changed, at the lines the mail names (cut to the end of the file), when the code is not there', () => {
    assert.deepEqual(locateSnippet(file, 'const a = 100;\n', { startLine: 3, endLine: 3 }), { kind: 'changed', startLine: 3, endLine: 3 });
    assert.deepEqual(locateSnippet('one\n', 'two\n', { startLine: 40, endLine: 42 }), { kind: 'changed', startLine: 1, endLine: 1 });
  });
});

describe('where a snippet may be in the workspace', () => {
  it('looks for the path as written in every folder first, then without a leading folder name that matches', () => {
    assert.deepEqual(candidatePaths({ path: 'api/src/a.ts', fromUrl: false }, ['web', 'api']), [
      [
        { folder: 0, segments: ['api', 'src', 'a.ts'] },
        { folder: 1, segments: ['api', 'src', 'a.ts'] },
      ],
      [{ folder: 1, segments: ['src', 'a.ts'] }],
    ]);
    assert.deepEqual(candidatePaths({ path: 'a.ts', fromUrl: false }, ['a.ts']), [[{ folder: 0, segments: ['a.ts'] }]]);
  });

  it("drops a URL path's leading segments in turn, since a branch name may have had slashes", () => {
    assert.deepEqual(
      candidatePaths({ path: 'x/src/a.ts', fromUrl: true }, ['only']).map((round) => round.map((candidate) => candidate.segments.join('/'))),
      [['x/src/a.ts'], ['src/a.ts'], ['a.ts']],
    );
  });

  it("puts the mail's lines in place of the lines it names, in the file's line endings, for Compare with Workspace", () => {
    assert.equal(fileAsMailed('a\nb\nc\nd\n', 'B\nC\n', { startLine: 2, endLine: 3 }), 'a\nB\nC\nd\n');
    assert.equal(fileAsMailed('a\r\nb\r\nc\r\n', 'X\n', { startLine: 3, endLine: 3 }), 'a\r\nb\r\nX\r\n');
    assert.equal(fileAsMailed('a\nb\n', 'Y\nZ\n', { startLine: 9, endLine: 12 }), 'a\nb\n\nY\nZ', 'lines past the end go after it');
  });
});

describe('the snippets of a received mail', () => {
  it("reads them from the plain twin of an HTML mail, whose reader view has no text (Send Selection's mail)", async () => {
    const content = buildSelectionContent(
      { path: 'src/lines.ts', languageId: 'typescript', code: 'const a = 1;\n', startLine: 3, endLine: 3 },
      { note: 'Look', attachInsteadOfInline: false },
    );
    const source = Buffer.from(
      [
        'From: alice@mailroom.test',
        'To: bob@mailroom.test',
        `Subject: ${content.subject}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        content.text,
        '--b',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        content.html,
        '--b--',
        '',
      ].join('\r\n'),
      'utf8',
    );
    const loaded = await parseMessage(source, { ref: { accountId: 'a', folder: 'INBOX', uid: 1 }, flagged: false, unread: false, truncated: false });
    assert.equal(loaded.view.text, '', 'the reader shows the HTML alternative only');
    assert.deepEqual(loaded.snippets, [
      { code: 'const a = 1;\n', language: 'typescript', source: { path: 'src/lines.ts', startLine: 3, endLine: 3, fromUrl: false } },
    ]);
  });
});
