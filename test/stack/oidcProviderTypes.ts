// oidc-provider is an ES module while the tests compile to CommonJS; its types are imported here once,
// with the resolution mode TypeScript needs, and re-exported to the rest of the stack.
export type {
  Account,
  AccessToken,
  Adapter,
  AdapterFactory,
  AdapterPayload,
  ClientCredentials,
  ClientMetadata,
  Configuration,
  KoaContextWithOIDC,
  default as Provider,
} from 'oidc-provider' with { 'resolution-mode': 'import' };

import type * as OidcProvider from 'oidc-provider' with { 'resolution-mode': 'import' };

export type ProviderModule = typeof OidcProvider;
