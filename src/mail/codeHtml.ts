import { escapeHtml } from '../util/html';

/**
 * Code blocks in the HTML part of outgoing mail: a <pre> that carries its whole look in inline styles
 * (mail clients keep neither <style> nor classes), light background with an explicit text colour so a
 * client in dark mode cannot leave dark text on a dark page, and tokens coloured by highlight.js.
 */

/** What the colouring bundle offers (src/mail/highlighter.lazy.ts). */
export interface CodeColouring {
  /** Coloured, escaped HTML of `code`, or undefined when the language is not known. */
  highlightCode(code: string, languageId: string): string | undefined;
}

let colouring: Promise<CodeColouring> | undefined;

/**
 * Named by a variable, not a literal, so the type checker does not follow it into highlight.js's types, which
 * bring the DOM library along (tsconfig.lazy.json checks that module on its own). esbuild.js bundles it beside
 * extension.js under this name; in tests it lies beside this file.
 */
const HIGHLIGHTER_MODULE = './highlighter.lazy.js';

/** highlight.js and its languages, loaded on the first send that has code (never at activation). */
export function loadCodeColouring(): Promise<CodeColouring> {
  colouring ??= (import(HIGHLIGHTER_MODULE) as Promise<CodeColouring | { default: CodeColouring }>).then((loaded) =>
    // Node's import() of a CommonJS bundle may hand its exports over as `default` only.
    'highlightCode' in loaded ? loaded : loaded.default,
  );
  return colouring;
}

/** Code blocks keep the reader's font size but a monospace face and their own scroll, in any client. */
export const PRE_STYLE =
  'font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; background: #f6f8fa; color: #24292f; padding: 12px; border-radius: 6px; overflow-x: auto; white-space: pre;';

/** The code as a styled <pre>: coloured when `colours` knows its language, escaped plain text otherwise. */
export function codeBlockHtml(code: string, languageId: string, colours: CodeColouring | undefined): string {
  const inner = colours?.highlightCode(code, languageId) ?? escapeHtml(code);
  return `<pre style="${PRE_STYLE}"><code>${inner}</code></pre>`;
}
