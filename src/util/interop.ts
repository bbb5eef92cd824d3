/**
 * The default export of a dynamically imported library. From node_modules (tests) it arrives as
 * is; the extension imports each library from its own CommonJS bundle in dist/vendor, and Node's
 * import() of CommonJS hands over `module.exports` as `default`, so the library's own default
 * export sits one level down, under an `__esModule` marker.
 */
export function defaultExport<T>(imported: { default: T }): T {
  const value: unknown = imported.default;
  if (typeof value === 'object' && value !== null && '__esModule' in value && 'default' in value) {
    return (value as { default: T }).default;
  }
  return imported.default;
}
