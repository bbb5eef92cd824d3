import * as assert from 'node:assert/strict';
import { isMailroomError } from '../../../src/util/errors';
import {
  assertWithinSizeLimit,
  buildFileContent,
  buildSelectionContent,
  chooseFence,
  estimateMessageBytes,
  fencedCodeBlock,
  lineRangeLabel,
  selectionFileName,
  selectionSubject,
} from '../../../src/mail/snippet';
import type { CodeSelection } from '../../../src/mail/snippet';

const selection: CodeSelection = {
  path: 'src/app/server.ts',
  languageId: 'typescript',
  code: 'const answer = 42;\nexport { answer };\n',
  startLine: 10,
  endLine: 24,
};

describe('snippet format', () => {
  it('prefills the subject as path:L10-L24, and path:L7 for one line', () => {
    assert.equal(selectionSubject(selection), 'src/app/server.ts:L10-L24');
    assert.equal(selectionSubject({ ...selection, startLine: 7, endLine: 7 }), 'src/app/server.ts:L7');
    assert.equal(lineRangeLabel(3, 4), 'L3-L4');
  });

  it('puts the note, then the path and line range, then a fenced block with the language id in the text part', () => {
    const content = buildSelectionContent(selection, { note: 'Look at this:', attachInsteadOfInline: false });
    assert.equal(content.text, 'Look at this:\n\nsrc/app/server.ts, lines 10–24 (typescript):\n\n```typescript\nconst answer = 42;\nexport { answer };\n```\n');
    assert.deepEqual(content.attachments, []);
  });

  it('leaves out the note paragraph when there is no note', () => {
    const content = buildSelectionContent(selection, { note: '   ', attachInsteadOfInline: false });
    assert.ok(content.text.startsWith('src/app/server.ts, lines 10–24 (typescript):\n\n```typescript\n'));
  });

  it('closes the fence on its own line when the code has no final newline', () => {
    assert.equal(fencedCodeBlock('a = 1', 'python'), '```python\na = 1\n```');
  });

  it('shows the same code escaped inside a styled <pre><code> (no class) in the HTML part', () => {
    const code = '<script>alert("x")</script> & \'y\'';
    const content = buildSelectionContent({ ...selection, code, languageId: 'html' }, { note: '<b>hi</b>', attachInsteadOfInline: false });
    assert.match(content.html, /<pre style="[^"]*"><code>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;y&#39;<\/code><\/pre>/);
    assert.match(content.html, /<p>&lt;b&gt;hi&lt;\/b&gt;<\/p>/);
    assert.match(content.html, /<code>src\/app\/server\.ts<\/code>, lines 10–24 \(html\)/);
    assert.doesNotMatch(content.html, /<script>|<b>/);
  });

  it('escapes a path that contains markup', () => {
    const content = buildSelectionContent({ ...selection, path: 'a/<img src=x onerror=1>.ts' }, { note: '', attachInsteadOfInline: false });
    assert.doesNotMatch(content.html, /<img/);
  });

  it('attaches the selection instead of inlining it when asked, named after the file and range', () => {
    const content = buildSelectionContent(selection, { note: 'See attached', attachInsteadOfInline: true });
    assert.equal(content.attachments.length, 1);
    assert.equal(content.attachments[0].filename, 'server.L10-L24.ts');
    assert.equal(Buffer.from(content.attachments[0].content).toString('utf8'), selection.code);
    assert.equal(content.text, 'See attached\n\nAttached: src/app/server.ts, lines 10–24 (typescript).\n');
    assert.doesNotMatch(content.text, /```/);
    assert.equal(selectionFileName({ path: 'Makefile', startLine: 1, endLine: 2 }), 'Makefile.L1-L2');
  });

  it('sends a file as an attachment with a short body and only its base name', () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const content = buildFileContent({ path: 'assets/logo.png', languageId: 'binary', content: bytes }, '');
    assert.equal(content.subject, 'assets/logo.png');
    assert.equal(content.attachments[0].filename, 'logo.png');
    assert.deepEqual(content.attachments[0].content, bytes);
    assert.equal(content.text, 'Attached: assets/logo.png (binary, 4 B).\n');
  });
});

describe('fence selection', () => {
  it('uses three backticks when the code has none or shorter runs', () => {
    assert.equal(chooseFence('plain'), '```');
    assert.equal(chooseFence('a `b` c ``d``'), '```');
  });

  it('uses a fence longer than the longest backtick run in the code', () => {
    assert.equal(chooseFence('```js\nx\n```'), '````');
    assert.equal(chooseFence('text ````` more'), '``````');
  });

  it('keeps a fenced Markdown sample intact: nothing inside closes the outer fence', () => {
    const code = 'Example:\n```ts\nconst a = 1;\n```\n';
    const block = fencedCodeBlock(code, 'markdown');
    const lines = block.split('\n');
    assert.equal(lines[0], '````markdown');
    assert.equal(lines[lines.length - 1], '````');
    assert.ok(lines.slice(1, -1).every((line) => !/^````/.test(line)));
  });

  it('drops characters from the language id that would break the info string', () => {
    assert.equal(fencedCodeBlock('x', 'c++ `evil`'), '```c++evil\nx\n```');
  });
});

describe('size limits', () => {
  it('refuses a message over the limit with MessageTooLarge and both sizes in the message', () => {
    assert.doesNotThrow(() => assertWithinSizeLimit(1000, 1000));
    assert.throws(
      () => assertWithinSizeLimit(3 * 1024 * 1024, 1024 * 1024),
      (error: unknown) => isMailroomError(error, 'MessageTooLarge') && /3\.0 MB.*1\.0 MB/.test(error.message),
    );
  });

  it('estimates base64 growth so a large file is refused before it is read', () => {
    const estimate = estimateMessageBytes(100, [3 * 1024 * 1024]);
    assert.ok(estimate > 4 * 1024 * 1024, `estimate ${estimate}`);
    assert.ok(estimate < 4.4 * 1024 * 1024, `estimate ${estimate}`);
  });
});
