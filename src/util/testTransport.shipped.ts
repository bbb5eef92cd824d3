import type { testFetchFor as testBuildFetchFor, testTlsOptionsFor as testBuildTlsOptionsFor } from './testTransport';

/**
 * What the extension bundle gets in place of testTransport.ts (esbuild.js): no test transport can exist, so
 * Mailroom always uses the real `fetch` and the system's certificate trust [SEC-12]. The types tie each
 * answer to the function it stands in for.
 */
export const testFetchFor: typeof testBuildFetchFor = () => undefined;
export const testTlsOptionsFor: typeof testBuildTlsOptionsFor = () => ({});
