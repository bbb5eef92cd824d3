import { defaultExport } from '../util/interop';
import { codeBlockHtml, loadCodeColouring } from './codeHtml';

/**
 * The composer's body is Markdown; it goes out as the text part unchanged and as HTML rendered by
 * markdown-it (loaded on first use), fenced code coloured by highlight.js. The HTML is safe by construction:
 * raw HTML in the source is escaped, never passed through, and links and images keep only http(s) and
 * mailto URLs.
 */

/** The part of markdown-it used here (its CJS and ESM typings differ, so declared structurally). */
interface MarkdownRenderer {
  render(source: string): string;
  validateLink(url: string): boolean;
}

let renderer: Promise<MarkdownRenderer> | undefined;

const SAFE_URL = /^(https?:|mailto:)/i;

async function markdownRenderer(): Promise<MarkdownRenderer> {
  renderer ??= Promise.all([import('markdown-it'), loadCodeColouring()]).then(([imported, colours]): MarkdownRenderer => {
    const createMarkdownIt = defaultExport(imported);
    const markdown: MarkdownRenderer = createMarkdownIt({
      html: false,
      linkify: true,
      breaks: true,
      typographer: false,
      // A fenced block becomes the same styled, coloured <pre> as Send Selection's (markdown-it keeps
      // output that starts with <pre> as it is); the info string's first word names the language.
      highlight: (code: string, info: string) => codeBlockHtml(code, info.trim().split(/\s+/)[0] ?? '', colours),
    });
    // markdown-it's own check allows data:image and relative URLs; a mail has no base to resolve
    // them against, and data: URLs are a phishing vehicle, so only absolute safe schemes remain.
    markdown.validateLink = (url: string): boolean => SAFE_URL.test(url.trim());
    return markdown;
  });
  return renderer;
}

/** The HTML part of a message whose body is `markdown`. */
export async function renderMarkdownEmail(markdown: string): Promise<string> {
  const body = (await markdownRenderer()).render(markdown);
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${body}</body></html>\n`;
}
