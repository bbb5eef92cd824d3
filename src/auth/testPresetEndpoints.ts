import type { MailEndpoint, ProviderKind } from './accountApi';
import type { ProviderConfig } from './providerConfig';

/**
 * The one door through which tests point the Gmail and Microsoft presets at the local stack's Google-like
 * and Microsoft-like issuers and mail servers (the real host names do not resolve offline) [SEC-12].
 * Everything else about the presets (issuer identifiers, paths, scopes, redirect kinds, client secret,
 * whether the server files sent mail) stays the product's own, so the stack tests exercise the real presets.
 *
 * Only test wiring sets endpoints (`usePresetEndpointsForTests`; ESLint forbids importing it anywhere under
 * src/). The extension bundle never contains this file: esbuild.js swaps in `testPresetEndpoints.shipped.ts`,
 * which leaves every preset as it is. test/unit/util/testTransport.test.ts checks the production bundle.
 */
export interface PresetEndpointsForTests {
  /** Each real origin of the preset's endpoints (`https://accounts.google.com`) → the local issuer's origin. */
  readonly issuerOriginsForTests: Readonly<Record<string, string>>;
  readonly imapForTests: MailEndpoint;
  readonly smtpForTests: MailEndpoint;
}

const overrides = new Map<ProviderKind, PresetEndpointsForTests>();

/** Test wiring: the preset of `kind` uses `endpoints` until called again with undefined. */
export function usePresetEndpointsForTests(kind: Exclude<ProviderKind, 'oidc'>, endpoints: PresetEndpointsForTests | undefined): void {
  if (endpoints) {
    overrides.set(kind, endpoints);
  } else {
    overrides.delete(kind);
  }
}

function relocated(url: string, origins: Readonly<Record<string, string>>): string {
  const parsed = new URL(url);
  const origin = origins[parsed.origin];
  // Kept as text: URL would percent-encode a template such as `{tenantid}`.
  return origin === undefined ? url : `${origin}${url.slice(parsed.origin.length)}`;
}

/** The preset with its endpoints moved to the test stack, when test wiring said so; unchanged in every product path. */
export function presetWithTestEndpoints(config: ProviderConfig): ProviderConfig {
  const override = overrides.get(config.kind);
  if (!override || !config.staticMetadata) {
    return config;
  }
  const origins = override.issuerOriginsForTests;
  const metadata = config.staticMetadata;
  return {
    ...config,
    staticMetadata: {
      ...metadata,
      authorization_endpoint: relocated(metadata.authorization_endpoint, origins),
      token_endpoint: relocated(metadata.token_endpoint, origins),
      revocation_endpoint: metadata.revocation_endpoint === undefined ? undefined : relocated(metadata.revocation_endpoint, origins),
      device_authorization_endpoint:
        metadata.device_authorization_endpoint === undefined ? undefined : relocated(metadata.device_authorization_endpoint, origins),
      userinfo_endpoint: metadata.userinfo_endpoint === undefined ? undefined : relocated(metadata.userinfo_endpoint, origins),
    },
    imap: override.imapForTests,
    smtp: override.smtpForTests,
    mailHosts: presetMailHostsWithTestEndpoints(config.kind, config.mailHosts),
  };
}

/** A preset's mail hosts, or the test stack's when test wiring moved the preset; unchanged in every product path. */
export function presetMailHostsWithTestEndpoints(kind: ProviderKind, presetHosts: readonly string[]): readonly string[] {
  const override = overrides.get(kind);
  return override ? [...new Set([override.imapForTests.host, override.smtpForTests.host])] : presetHosts;
}
