import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from './manifest';

/** Every image the README shows, as Markdown `![alt](src)` or HTML `<img src alt>`. */
export function readmeImages(markdown: string): { alt: string; src: string }[] {
  const images: { alt: string; src: string }[] = [];
  for (const match of markdown.matchAll(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    images.push({ alt: match[1], src: match[2] });
  }
  for (const match of markdown.matchAll(/<img\b[^>]*>/gi)) {
    const attribute = (name: string): string => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(match[0])?.[1] ?? '';
    images.push({ alt: attribute('alt'), src: attribute('src') });
  }
  return images;
}

describe('the README’s images', () => {
  const images = readmeImages(fs.readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8'));

  it('finds Markdown and HTML images, with their alt texts', () => {
    assert.deepEqual(readmeImages('a ![The inbox](media/a.png "title") b <img width="400" src="media/b.png" alt="The reader"> ![](c.png)'), [
      { alt: 'The inbox', src: 'media/a.png' },
      { alt: '', src: 'c.png' },
      { alt: 'The reader', src: 'media/b.png' },
    ]);
  });

  it('shows the screenshots: inbox, reader, consent, Send Selection preview and walkthrough', () => {
    const shown = images.map(({ src }) => src);
    for (const name of ['inbox', 'reader', 'consent', 'send-selection-preview', 'walkthrough']) {
      assert.ok(shown.includes(`media/screenshots/${name}.png`), `media/screenshots/${name}.png in ${shown.join(', ')}`);
    }
  });

  it('references only files committed under media/, each with an alt text', () => {
    for (const { alt, src } of images) {
      assert.ok(alt.trim().length > 0, `${src} has an alt text`);
      assert.match(src, /^media\//, 'a relative path under media/ (the Marketplace rewrites it to the repository)');
      const file = path.join(repositoryRoot, src);
      assert.ok(fs.existsSync(file) && fs.statSync(file).isFile(), `${src} exists`);
    }
  });
});
