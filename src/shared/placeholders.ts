/**
 * Puts each value where its `{n}` stands in a (translated) message, for the extension's texts and the
 * webviews' alike. One pass: a value is never read as a message, so a `{1}` in a subject stays as written.
 */
export function fillIn(message: string, values: readonly (string | number)[]): string {
  return message.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const value = values[Number(index)];
    return value === undefined ? placeholder : String(value);
  });
}
