/**
 * The one door through which tests change how Mailroom reaches the network [SEC-12]: a `fetch` that plays an
 * issuer in memory, or a certificate authority (the local test stack's) trusted for IMAP and SMTP in addition
 * to the system's. Certificates are verified either way.
 *
 * Product classes never take these as options; they ask this module whether the options object they were built
 * with was given a test transport. Only test wiring gives one (`withTestTransport`; ESLint forbids importing it
 * anywhere under src/). The extension bundle never contains this file: esbuild.js swaps in
 * `testTransport.shipped.ts`, which answers "none" and has no `withTestTransport`, so a product import of it
 * would also break the build. test/unit/util/testTransport.test.ts checks the production bundle.
 */
export interface TestTransport {
  /** Replaces `fetch` for every OAuth request. */
  readonly fetchForTests?: typeof fetch;
  /** PEM of a certificate authority trusted in addition to the system's, for IMAP and SMTP. */
  readonly extraCa?: string | Buffer;
}

const transports = new WeakMap<object, TestTransport>();

/** Test wiring: a product class constructed with `options` uses `transport`. Returns `options`. */
export function withTestTransport<Options extends object>(options: Options, transport: TestTransport): Options {
  transports.set(options, transport);
  return options;
}

/** The `fetch` to use instead of the real one, when test wiring gave one; undefined in every product path. */
export function testFetchFor(options: object): typeof fetch | undefined {
  return transports.get(options)?.fetchForTests;
}

/** TLS options adding the test certificate authority, when test wiring gave one; empty in every product path. */
export function testTlsOptionsFor(options: object): { ca?: string | Buffer } {
  const extraCa = transports.get(options)?.extraCa;
  return extraCa === undefined ? {} : { ca: extraCa };
}
