/**
 * The part of html-to-text's API Mailroom uses. The package ships no types and @types/html-to-text is
 * not in the lock file; this declares only what src/ calls, as the package documents it.
 */
declare module 'html-to-text' {
  interface SelectorDefinition {
    selector: string;
    format?: string;
    options?: Record<string, unknown>;
  }
  interface HtmlToTextOptions {
    wordwrap?: number | false | null;
    selectors?: SelectorDefinition[];
  }
  /** Builds a converter once for many documents (cheaper than `convert` per document). */
  export function compile(options?: HtmlToTextOptions): (html: string) => string;
}
