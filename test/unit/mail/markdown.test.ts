import * as assert from 'node:assert/strict';
import { renderMarkdownEmail } from '../../../src/mail/markdown';

describe('composer Markdown → HTML part', () => {
  it('renders paragraphs, emphasis, lists and fenced code with its language', async () => {
    const html = await renderMarkdownEmail('Hello **Bob**\n\n- one\n- two\n\n```ts\nconst a = 1 < 2;\n```\n');
    assert.match(html, /<p>Hello <strong>Bob<\/strong><\/p>/);
    assert.match(html, /<li>one<\/li>/);
    assert.match(
      html,
      /<pre style="[^"]*background: #f6f8fa; color: #24292f;[^"]*"><code><span style="color:#cf222e">const<\/span> a = <span style="color:#0550ae">1<\/span> &lt; <span style="color:#0550ae">2<\/span>;\n<\/code><\/pre>/,
    );
    assert.doesNotMatch(html, /class=|<style/);
  });

  it('shows a fenced block of a language it does not colour as escaped plain text in the same styled block', async () => {
    const html = await renderMarkdownEmail('```brainfuck\n<+>\n```\n');
    assert.match(html, /<pre style="[^"]*"><code>&lt;\+&gt;\n<\/code><\/pre>/);
  });

  it('renders quoted replies as blockquotes', async () => {
    assert.match(await renderMarkdownEmail('On Monday, Bob wrote:\n> hi\n> there'), /<blockquote>\n<p>hi<br>\nthere<\/p>\n<\/blockquote>/);
  });

  it('never lets markup or active content through (XSS corpus)', async () => {
    const corpus = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '<iframe src="https://evil.example"></iframe>',
      '<meta http-equiv="refresh" content="0;url=https://evil.example">',
      '<base href="https://evil.example/">',
      '<form action="https://evil.example"><input></form>',
      '<object data="x"></object><embed src="x">',
      '<div style="background:url(javascript:alert(1))">x</div>',
      '[click](javascript:alert(1))',
      '[click](JAVASCRIPT:alert(1))',
      '[click](vbscript:msgbox)',
      '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '![img](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)',
      '[file](file:///etc/passwd)',
      '[cmd](command:workbench.action.terminal.new)',
      '<a href="javascript:alert(1)">x</a>',
    ];
    for (const sample of corpus) {
      const html = await renderMarkdownEmail(sample);
      const body = html.slice(html.indexOf('<body>') + 6);
      assert.doesNotMatch(body, /<(script|img|svg|iframe|meta|base|form|input|object|embed|div)\b/i, sample);
      assert.doesNotMatch(body, /href="(?!https?:|mailto:)/i, sample);
      assert.doesNotMatch(body, /src="(?!https?:)/i, sample);
    }
  });

  it('keeps https and mailto links, and linkifies bare URLs', async () => {
    const html = await renderMarkdownEmail('[docs](https://example.org/a?b=1) <mailto:bob@mailroom.test> see https://example.org');
    assert.match(html, /<a href="https:\/\/example\.org\/a\?b=1">docs<\/a>/);
    assert.match(html, /<a href="mailto:bob@mailroom\.test">/);
    assert.match(html, /<a href="https:\/\/example\.org">https:\/\/example\.org<\/a>/);
  });
});
