// The extension loads its libraries from dist/vendor (one CommonJS bundle each), not node_modules as
// the other tests do. These checks load the real bundles the way the extension does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultExport } from '../../../src/util/interop';

const vendorDirectory = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'vendor');

async function importVendor(name: string): Promise<{ default: unknown }> {
  const file = path.join(vendorDirectory, `${name}.js`);
  assert.ok(fs.existsSync(file), `${file} is missing; run node esbuild.js first`);
  return (await import(file)) as { default: unknown };
}

describe('libraries as the built extension loads them', () => {
  it('finds the default export one level down in a vendor bundle, and as is from node_modules', () => {
    const constructor = (): string => 'composer';
    assert.equal(defaultExport({ default: constructor }), constructor);
    const bundled = Object.defineProperty({ default: constructor }, '__esModule', { value: true });
    assert.equal(defaultExport({ default: bundled }), constructor);
  });

  it("gets nodemailer's MailComposer class from dist/vendor and builds a message with it", async () => {
    const MailComposer = defaultExport(await importVendor('nodemailer-lib-mail-composer')) as new (mail: object) => { compile(): { build(): Promise<Buffer> } };
    assert.equal(typeof MailComposer, 'function');
    const raw = await new MailComposer({ from: 'a@mailroom.test', to: 'b@mailroom.test', subject: 'x', text: 'y' }).compile().build();
    assert.match(raw.toString('utf8'), /^Subject: x/m);
  });

  it('gets markdown-it from dist/vendor and renders with it', async () => {
    const createMarkdownIt = defaultExport(await importVendor('markdown-it')) as (options: object) => { render(source: string): string };
    assert.equal(createMarkdownIt({ html: false }).render('**b**'), '<p><strong>b</strong></p>\n');
  });

  it('gets the highlighter from its own bundle beside extension.js, and the extension bundle itself holds no highlight.js', async () => {
    const distDirectory = path.dirname(vendorDirectory);
    const file = path.join(distDirectory, 'highlighter.lazy.js');
    assert.ok(fs.existsSync(file), `${file} is missing; run node esbuild.js first`);
    const loaded = (await import(file)) as { highlightCode?: unknown; default?: { highlightCode?: unknown } };
    const highlightCode = (loaded.highlightCode ?? loaded.default?.highlightCode) as (code: string, languageId: string) => string | undefined;
    assert.equal(highlightCode('fn x() {}', 'rust'), '<span style="color:#cf222e">fn</span> <span style="color:#8250df">x</span>() {}');
    const extension = fs.readFileSync(path.join(distDirectory, 'extension.js'), 'utf8');
    assert.ok(extension.includes('highlighter.lazy.js'), 'the extension names the highlighter bundle it loads');
    assert.doesNotMatch(extension, /registerLanguage|Ivan Sagalaev/, 'highlight.js is not parsed at activation');
  });
});
