import type { MailEndpoint, ProviderKind } from './accountApi';

/** What a provider is made of once its preset and the person's settings are put together (see presets.ts). */

export type FlowKind = 'uriHandler' | 'loopback' | 'deviceCode';

/** Endpoints of an issuer whose metadata is fixed (no discovery), as RFC 8414 names them. */
export interface StaticIssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  device_authorization_endpoint?: string;
  userinfo_endpoint?: string;
  id_token_signing_alg_values_supported: string[];
}

export interface ProviderConfig {
  readonly kind: ProviderKind;
  /** Shown to people: "Gmail", "Microsoft 365 / Outlook.com", or the custom issuer's host. */
  readonly displayName: string;
  /**
   * The issuer identifier. For custom issuers it is compared exactly with discovery; for
   * Microsoft's multi-tenant endpoints it is a template resolved per token (see {@link resolveIdTokenIssuer}).
   */
  readonly issuer: string;
  /** Fixed metadata, or undefined to discover it from `issuer`. */
  readonly staticMetadata: StaticIssuerMetadata | undefined;
  readonly clientId: string;
  /** Google desktop clients must present their (non-secret) client secret at the token endpoint. */
  readonly requiresClientSecret: boolean;
  readonly scopes: readonly string[];
  /** Scopes the mail servers need: if the issuer grants fewer, Mailroom explains and does not connect. */
  readonly mailScopes: readonly string[];
  /** Redirect kinds the provider accepts, in the order Mailroom prefers them. */
  readonly redirectKinds: readonly FlowKind[];
  /** A registered page at the issuer that forwards to the callback URL carried in `state` (browser-based editors). */
  readonly forwardingRedirectUri: string | undefined;
  readonly extraAuthorizationParameters: Readonly<Record<string, string>>;
  readonly imap: MailEndpoint;
  readonly smtp: MailEndpoint;
  /** The only hosts this provider's access tokens may be sent to. */
  readonly mailHosts: readonly string[];
  readonly serverSavesSent: boolean;
  /** Where a person removes Mailroom's access when the issuer has no revocation endpoint. */
  readonly removeAccessHelp: string;
  /** Hosts allowed in a device-flow verification URI besides the issuer's own. */
  readonly deviceVerificationHosts: readonly string[];
  /** Microsoft tenant setting; undefined for other providers. */
  readonly tenant: string | undefined;
}

export interface ProviderSettings {
  google: { clientId: string };
  microsoft: { clientId: string; tenant: string };
  oidc: {
    issuer: string;
    clientId: string;
    scopes: readonly string[];
    redirectUri: string;
    imap: { host: string; port: number };
    smtp: { host: string; port: number };
  };
}

export const PROVIDER_KINDS: readonly ProviderKind[] = ['google', 'microsoft', 'oidc'];

export const PROVIDER_IDS: Readonly<Record<ProviderKind, string>> = {
  google: 'mailroom.google',
  microsoft: 'mailroom.microsoft',
  oidc: 'mailroom.oidc',
};

export const PROVIDER_LABELS: Readonly<Record<ProviderKind, string>> = {
  google: 'Mailroom (Gmail)',
  microsoft: 'Mailroom (Microsoft 365 / Outlook.com)',
  oidc: 'Mailroom (OpenID Connect)',
};
