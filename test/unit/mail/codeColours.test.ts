// Coloured code in sent mail (issue 15, part 4): highlight.js's classes become inline styles, because mail
// clients keep neither <style> nor classes. Golden files hold the expected HTML per language; set
// MAILROOM_UPDATE_GOLDEN=1 to write them again after a deliberate change, and read the diff.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeColouring } from '../../../src/mail/codeHtml';
import { codeBlockHtml, loadCodeColouring } from '../../../src/mail/codeHtml';
import { inlineStyles } from '../../../src/mail/codeColours';
import { findSnippets } from '../../../src/mail/codeBlocks';
import { buildFileContent, buildSelectionContent } from '../../../src/mail/snippet';

const goldenDirectory = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'unit', 'mail', 'golden');

/** A few lines per language that touch its keywords, strings, comments, numbers and markup-like text. */
const SAMPLES: Readonly<Record<string, { file: string; code: string }>> = {
  typescript: {
    file: 'typescript.html',
    code: 'import { a } from "./b";\n// a < b && c > d\nexport function f(x: number): string {\n  return `n=${x}` + \'<tag>\';\n}\n',
  },
  python: { file: 'python.html', code: 'def greet(name: str) -> str:\n    """Say hi & <bye>."""\n    return f"hi {name}"  # 42\n' },
  rust: { file: 'rust.html', code: 'fn main() {\n    let v: Vec<u8> = vec![1, 2];\n    println!("{:?}", v); // done\n}\n' },
  go: { file: 'go.html', code: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("a<b", 3.5)\n}\n' },
  c: { file: 'c.html', code: '#include <stdio.h>\n/* entry */\nint main(void) { printf("%d\\n", 1 << 2); return 0; }\n' },
  json: { file: 'json.html', code: '{"name": "mailroom", "n": 1, "ok": true, "tags": ["<a>", null]}\n' },
  shellscript: { file: 'shellscript.html', code: '#!/bin/sh\nset -eu\nfor f in *.ts; do echo "$f" > /dev/null; done # loop\n' },
};

function golden(file: string, actual: string): string {
  const target = path.join(goldenDirectory, file);
  if (process.env.MAILROOM_UPDATE_GOLDEN === '1') {
    fs.writeFileSync(target, actual);
  }
  return fs.readFileSync(target, 'utf8');
}

/** The text a mail client shows: tags removed, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('coloured code in sent mail', () => {
  let colours: CodeColouring;

  before(async () => {
    colours = await loadCodeColouring();
  });

  for (const [languageId, sample] of Object.entries(SAMPLES)) {
    it(`colours ${languageId} as in golden/${sample.file}, with every token's colour inline and the code's text unchanged`, () => {
      const html = codeBlockHtml(sample.code, languageId, colours);
      assert.equal(html, golden(sample.file, html));
      assert.match(html, /<span style="color:#[0-9a-f]{6}[^"]*">/, 'some token is coloured');
      assert.equal(visibleText(html), sample.code);
    });
  }

  it('depends on no class and no <style>, and its only tags are the block, the code and styled spans', () => {
    for (const [languageId, sample] of Object.entries(SAMPLES)) {
      const html = codeBlockHtml(sample.code, languageId, colours);
      assert.doesNotMatch(html, /class=|<style|<link/i, languageId);
      const tags = new Set(html.match(/<\/?[a-z]+[^>]*>/g));
      for (const tag of tags) {
        assert.match(tag, /^(<pre style="[^"<>]*">|<code>|<span style="[^"<>]*">|<span>|<\/span>|<\/code>|<\/pre>)$/, `${languageId}: ${tag}`);
      }
    }
  });

  it('gives the block a light background and an explicit text colour, so dark-mode clients keep it readable', () => {
    const html = codeBlockHtml('x = 1', 'python', colours);
    assert.match(html, /^<pre style="[^"]*background: #f6f8fa; color: #24292f;/);
  });

  it('escapes hostile code in any language, known or not, and never lets markup through', () => {
    const hostile = '</code></pre><script>alert(1)</script><img src=x onerror="a()"> \' & "';
    for (const languageId of ['typescript', 'html', 'markdown', 'plaintext', 'no-such-language', '']) {
      const html = codeBlockHtml(hostile, languageId, colours);
      assert.doesNotMatch(html, /<script|<img|<\/pre><script/i, languageId);
      assert.equal(visibleText(html), hostile, languageId);
    }
  });

  it("knows VS Code's language ids (typescriptreact, shellscript, jsonc, html, bat) and the fence names people type (ts, py, sh, rs)", () => {
    for (const languageId of [
      'typescriptreact',
      'javascriptreact',
      'shellscript',
      'jsonc',
      'html',
      'bat',
      'ts',
      'py',
      'sh',
      'rs',
      'golang',
      'yaml',
      'cpp',
      'csharp',
      'java',
    ]) {
      assert.ok(colours.highlightCode('x = "1" // 2', languageId) !== undefined, languageId);
    }
    assert.equal(colours.highlightCode('x', 'no-such-language'), undefined);
  });

  it('turns highlight.js classes into the most specific known style, and unknown scopes into a bare span', () => {
    assert.equal(inlineStyles('<span class="hljs-title function_">f</span>'), '<span style="color:#8250df">f</span>');
    assert.equal(inlineStyles('<span class="hljs-keyword">if</span>'), '<span style="color:#cf222e">if</span>');
    assert.equal(inlineStyles('<span class="language-xml">x</span>'), '<span>x</span>');
  });

  it('colours the code of Send Selection in the HTML part and leaves the text part as it was', () => {
    const selection = { path: 'src/a.ts', languageId: 'typescript', code: 'const a = 1;\n', startLine: 1, endLine: 1 };
    const coloured = buildSelectionContent(selection, { note: '', attachInsteadOfInline: false, colours });
    const plain = buildSelectionContent(selection, { note: '', attachInsteadOfInline: false });
    assert.equal(coloured.text, plain.text);
    assert.match(coloured.html, /<code><span style="color:#cf222e">const<\/span> a = <span style="color:#0550ae">1<\/span>;\n<\/code>/);
    assert.doesNotMatch(coloured.html, /class=|<style/);
  });

  it('Send File as inline code (mailroom.send.fileAsInlineCode) puts a text file in the body, coloured, as lines 1 to its end', () => {
    const file = { path: 'src/b.go', languageId: 'go', content: new TextEncoder().encode('package b\n\nfunc F() {}\n') };
    const content = buildFileContent(file, 'the whole file', { inline: true, colours });
    assert.equal(content.subject, 'src/b.go');
    assert.deepEqual(content.attachments, []);
    assert.equal(content.text, 'the whole file\n\nsrc/b.go, lines 1–3 (go):\n\n```go\npackage b\n\nfunc F() {}\n```\n');
    assert.match(content.html, /<code><span style="color:#cf222e">package<\/span> b/);
    assert.deepEqual(findSnippets(content.text, content.subject)[0]?.source, { path: 'src/b.go', startLine: 1, endLine: 3, fromUrl: false });
  });

  it('attaches a file all the same when it is not UTF-8 text, is empty or is over 256 KB, and when inline code is not asked for', () => {
    const attached = (content: Uint8Array, inline = true): boolean =>
      buildFileContent({ path: 'a.bin', languageId: 'file', content }, '', { inline, colours }).attachments.length === 1;
    assert.ok(attached(new Uint8Array([0x61, 0x00, 0x62])), 'a NUL byte');
    assert.ok(attached(new Uint8Array([0xc3, 0x28])), 'invalid UTF-8');
    assert.ok(attached(new Uint8Array(0)), 'empty');
    assert.ok(attached(new TextEncoder().encode('x\n'.repeat(128 * 1024 + 1))), 'over 256 KB');
    assert.ok(attached(new TextEncoder().encode('x\n'), false), 'not asked for');
    assert.ok(!attached(new TextEncoder().encode('x\n')), 'the positive control: small text goes inline');
  });
});
