// The words the webview shows, as the extension gave them in the document (data-strings on <body>),
// already in the user's language: this bundle holds none of them (see src/shared/webviewStrings.ts).
import { fillIn } from '../src/shared/placeholders';
import type { WebviewStringKey, WebviewStrings } from '../src/shared/webviewStrings';

/** The page's `document` where there is one: plain-Node tests load the webview client without a page. */
const page = globalThis as { document?: { body?: { dataset?: Record<string, string | undefined> } } };

function readTable(): Partial<WebviewStrings> {
  try {
    const table: unknown = JSON.parse(page.document?.body?.dataset?.strings ?? '{}');
    return typeof table === 'object' && table !== null ? (table as Partial<WebviewStrings>) : {};
  } catch {
    return {};
  }
}

let table: Partial<WebviewStrings> | undefined;

/** The message for `key` with each `{n}` replaced by `values[n]`; a missing message shows its key, so it is noticed. */
export function t(key: WebviewStringKey, ...values: readonly (string | number)[]): string {
  table ??= readTable();
  return fillIn(table[key] ?? key, values);
}
