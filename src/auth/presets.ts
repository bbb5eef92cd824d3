import type { MailEndpoint, ProviderKind } from './accountApi';
import { MailroomError } from '../util/errors';

/**
 * Everything Mailroom knows about each kind of provider, in one table: endpoints, scopes and
 * what they allow in plain words, which redirects work, and which mail hosts may receive its
 * tokens. Settings only fill in what a person must choose (client ID, tenant, custom issuer).
 */

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

const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';
const OUTLOOK_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
const OUTLOOK_SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';
const IDENTITY_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);

/** What each scope lets Mailroom do, in words a person can judge. */
const SCOPE_EXPLANATIONS: Readonly<Record<string, string>> = {
  [GOOGLE_MAIL_SCOPE]:
    'Read, send, delete and manage all your Gmail mail over IMAP and SMTP. Google has no narrower permission that works with IMAP and SMTP.',
  [OUTLOOK_IMAP_SCOPE]: 'Read and manage the mail in your mailbox over IMAP.',
  [OUTLOOK_SMTP_SCOPE]: 'Send mail as you over SMTP.',
  openid: 'Confirm who you are with a stable account identifier.',
  email: 'See your email address, which Mailroom shows as the account name.',
  profile: 'See your name and profile picture.',
  offline_access: 'Stay signed in: Mailroom can renew its access without asking you again, until you sign out.',
};

export function explainScope(scope: string): string {
  return (
    SCOPE_EXPLANATIONS[scope] ??
    'Requested by your Mailroom settings for mail access. Mailroom does not know exactly what your identity provider lets it allow.'
  );
}

/**
 * The only hosts that may receive the tokens of the providers Mailroom knows [SEC-19]. Checked
 * against this table, not against the account's stored copy: a record written by another version,
 * or altered where secrets are kept, cannot extend a preset's allow-list.
 */
const PRESET_MAIL_HOSTS: Readonly<Record<Exclude<ProviderKind, 'oidc'>, readonly string[]>> = {
  google: ['imap.gmail.com', 'smtp.gmail.com'],
  microsoft: ['outlook.office365.com', 'smtp.office365.com'],
};

const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';
/** Personal Microsoft accounts all belong to this one tenant. */
const MICROSOFT_CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const MULTI_TENANT_NAMES = new Set(['common', 'organizations', 'consumers']);

function requireClientId(clientId: string, setting: string): string {
  const trimmed = clientId.trim();
  if (!trimmed) {
    throw new MailroomError('MissingClientId', `Set your OAuth client ID in the setting "${setting}" first (see the README for how to register one).`);
  }
  return trimmed;
}

function requireHttpsUrl(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new MailroomError('InvalidInput', `The setting "${setting}" must be an https:// URL.`);
  }
  if (url.protocol !== 'https:') {
    throw new MailroomError('InsecureEndpoint', `The setting "${setting}" must use https://; Mailroom never sends credentials over plain HTTP.`);
  }
  return url;
}

function requireHost(host: string, setting: string): string {
  const trimmed = host.trim().toLowerCase();
  if (!trimmed) {
    throw new MailroomError('InvalidInput', `Set the mail server host in the setting "${setting}".`);
  }
  return trimmed;
}

function googleConfig(settings: ProviderSettings): ProviderConfig {
  return {
    kind: 'google',
    displayName: 'Gmail',
    issuer: 'https://accounts.google.com',
    staticMetadata: {
      issuer: 'https://accounts.google.com',
      authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      token_endpoint: 'https://oauth2.googleapis.com/token',
      revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
      id_token_signing_alg_values_supported: ['RS256'],
    },
    clientId: requireClientId(settings.google.clientId, 'mailroom.google.clientId'),
    requiresClientSecret: true,
    scopes: [GOOGLE_MAIL_SCOPE, 'openid', 'email'],
    mailScopes: [GOOGLE_MAIL_SCOPE],
    // Google desktop clients accept only loopback redirects, and its device flow does not allow the mail scope.
    redirectKinds: ['loopback'],
    forwardingRedirectUri: undefined,
    // offline + consent: Google issues a refresh token only on an explicit consent.
    extraAuthorizationParameters: { access_type: 'offline', prompt: 'consent' },
    imap: { host: 'imap.gmail.com', port: 993, implicitTls: true },
    smtp: { host: 'smtp.gmail.com', port: 465, implicitTls: true },
    mailHosts: PRESET_MAIL_HOSTS.google,
    serverSavesSent: true,
    removeAccessHelp: 'You can also remove Mailroom\'s access at https://myaccount.google.com/connections.',
    deviceVerificationHosts: [],
    tenant: undefined,
  };
}

function microsoftTenant(value: string): string {
  const tenant = value.trim() || 'common';
  if (MULTI_TENANT_NAMES.has(tenant.toLowerCase()) || GUID_PATTERN.test(tenant) || TENANT_DOMAIN_PATTERN.test(tenant)) {
    return tenant.toLowerCase();
  }
  throw new MailroomError('InvalidInput', 'The setting "mailroom.microsoft.tenant" must be common, organizations, consumers, a tenant ID or a tenant domain.');
}

function microsoftConfig(settings: ProviderSettings): ProviderConfig {
  const tenant = microsoftTenant(settings.microsoft.tenant);
  const base = `${MICROSOFT_LOGIN}/${encodeURIComponent(tenant)}`;
  return {
    kind: 'microsoft',
    displayName: 'Microsoft 365 / Outlook.com',
    // For common/organizations/consumers this is a template: the real issuer names the user's tenant.
    issuer: `${MICROSOFT_LOGIN}/${GUID_PATTERN.test(tenant) ? tenant : '{tenantid}'}/v2.0`,
    staticMetadata: {
      issuer: `${MICROSOFT_LOGIN}/${GUID_PATTERN.test(tenant) ? tenant : '{tenantid}'}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      id_token_signing_alg_values_supported: ['RS256'],
    },
    clientId: requireClientId(settings.microsoft.clientId, 'mailroom.microsoft.clientId'),
    requiresClientSecret: false,
    // Only Outlook's IMAP/SMTP resource: a token cannot carry two resources, so never Graph scopes here.
    scopes: [OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, 'offline_access', 'openid', 'email'],
    mailScopes: [OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE],
    redirectKinds: ['uriHandler', 'loopback', 'deviceCode'],
    forwardingRedirectUri: undefined,
    extraAuthorizationParameters: { prompt: 'select_account' },
    imap: { host: 'outlook.office365.com', port: 993, implicitTls: true },
    smtp: { host: 'smtp.office365.com', port: 587, implicitTls: false },
    mailHosts: PRESET_MAIL_HOSTS.microsoft,
    serverSavesSent: false,
    removeAccessHelp:
      'Microsoft has no way for apps to give back their access. Remove Mailroom at https://myapps.microsoft.com (work or school account) or https://account.live.com/consent/Manage (personal account).',
    deviceVerificationHosts: ['microsoft.com', 'www.microsoft.com', 'login.microsoftonline.com', 'login.microsoft.com'],
    tenant,
  };
}

function oidcConfig(settings: ProviderSettings): ProviderConfig {
  const issuerUrl = requireHttpsUrl(settings.oidc.issuer, 'mailroom.oidc.issuer');
  const issuer = settings.oidc.issuer.trim();
  const forwarding = settings.oidc.redirectUri.trim() ? requireHttpsUrl(settings.oidc.redirectUri, 'mailroom.oidc.redirectUri').href : undefined;
  const requested = settings.oidc.scopes.map((scope) => scope.trim()).filter(Boolean);
  // Accounts are keyed on the ID token's issuer + subject, so openid is not optional.
  const scopes = requested.includes('openid') ? requested : ['openid', ...requested];
  const imapHost = requireHost(settings.oidc.imap.host, 'mailroom.oidc.imap.host');
  const smtpHost = requireHost(settings.oidc.smtp.host, 'mailroom.oidc.smtp.host');
  return {
    kind: 'oidc',
    displayName: issuerUrl.host,
    issuer,
    staticMetadata: undefined,
    clientId: requireClientId(settings.oidc.clientId, 'mailroom.oidc.clientId'),
    requiresClientSecret: false,
    scopes,
    mailScopes: scopes.filter((scope) => !IDENTITY_SCOPES.has(scope)),
    redirectKinds: ['uriHandler', 'loopback', 'deviceCode'],
    forwardingRedirectUri: forwarding,
    extraAuthorizationParameters: scopes.includes('offline_access') ? { prompt: 'consent' } : {},
    imap: { host: imapHost, port: settings.oidc.imap.port, implicitTls: true },
    smtp: { host: smtpHost, port: settings.oidc.smtp.port, implicitTls: settings.oidc.smtp.port !== 587 },
    mailHosts: [...new Set([imapHost, smtpHost])],
    serverSavesSent: false,
    removeAccessHelp: `Your identity provider (${issuerUrl.host}) can show which apps have access to your account.`,
    deviceVerificationHosts: [],
    tenant: undefined,
  };
}

/** Builds the configuration of one provider kind from its preset and the user's settings. */
export function providerConfig(kind: ProviderKind, settings: ProviderSettings): ProviderConfig {
  switch (kind) {
    case 'google':
      return googleConfig(settings);
    case 'microsoft':
      return microsoftConfig(settings);
    case 'oidc':
      return oidcConfig(settings);
  }
}

/** The hosts an account's tokens may go to: its preset's, or for a custom issuer the ones pinned at sign-in. */
export function allowedMailHosts(account: { readonly provider: ProviderKind; readonly mailHosts: readonly string[] }): readonly string[] {
  return account.provider === 'oidc' ? account.mailHosts : PRESET_MAIL_HOSTS[account.provider];
}

/** True when `host` is one of the provider's mail hosts (case-insensitive, exact: no suffix matching). */
export function isAllowedMailHost(config: Pick<ProviderConfig, 'mailHosts'>, host: string): boolean {
  const normalized = host.trim().toLowerCase().replace(/\.$/, '');
  return config.mailHosts.includes(normalized);
}

/** Google documents two spellings of its issuer in ID tokens; this is the one without a scheme. */
const GOOGLE_ISSUER_ALIAS = 'accounts.google.com';

/** Whether the expected ID-token issuer depends on the token itself (see {@link resolveIdTokenIssuer}). */
export function hasVariableIdTokenIssuer(config: Pick<ProviderConfig, 'kind' | 'issuer'>): boolean {
  return config.kind === 'google' || config.issuer.includes('{tenantid}');
}

/**
 * The issuer an ID token must carry, chosen from its unverified claims before oauth4webapi checks
 * it exactly. Microsoft's multi-tenant endpoints (`common`, `organizations`, `consumers`) publish
 * the template `…/{tenantid}/v2.0`; the real issuer names the user's tenant (`tid`), accepted only
 * when it fits the tenant setting. Google's ID tokens carry `https://accounts.google.com` or
 * `accounts.google.com`; nothing else is accepted.
 */
export function resolveIdTokenIssuer(config: Pick<ProviderConfig, 'kind' | 'issuer' | 'tenant'>, claims: Readonly<Record<string, unknown>>): string {
  if (config.kind === 'google') {
    return claims.iss === GOOGLE_ISSUER_ALIAS ? GOOGLE_ISSUER_ALIAS : config.issuer;
  }
  if (config.kind !== 'microsoft' || !config.issuer.includes('{tenantid}')) {
    return config.issuer;
  }
  const tenantIdClaim = claims.tid;
  if (typeof tenantIdClaim !== 'string' || !GUID_PATTERN.test(tenantIdClaim)) {
    throw new MailroomError('InvalidResponse', 'Microsoft returned a sign-in without a valid tenant.');
  }
  const tid = tenantIdClaim.toLowerCase();
  if (config.tenant === 'consumers' && tid !== MICROSOFT_CONSUMERS_TENANT_ID) {
    throw new MailroomError('InvalidResponse', 'A work or school account signed in, but the tenant setting allows only personal Microsoft accounts.');
  }
  if (config.tenant === 'organizations' && tid === MICROSOFT_CONSUMERS_TENANT_ID) {
    throw new MailroomError('InvalidResponse', 'A personal Microsoft account signed in, but the tenant setting allows only work or school accounts.');
  }
  return config.issuer.replace('{tenantid}', tid);
}

/** The issuer an account is keyed on: one spelling per issuer, so the same person is one account. */
export function canonicalIssuer(config: Pick<ProviderConfig, 'kind' | 'issuer'>, validatedIssuer: string): string {
  return config.kind === 'google' && validatedIssuer === GOOGLE_ISSUER_ALIAS ? config.issuer : validatedIssuer;
}

/** Verification URIs for the device flow must be https on the issuer's host or a host the preset names. */
export function isAllowedVerificationUri(config: Pick<ProviderConfig, 'issuer' | 'deviceVerificationHosts'>, uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) {
    return false;
  }
  const issuerHost = new URL(config.issuer.replace('{tenantid}', 'tenant')).hostname;
  return url.hostname === issuerHost || config.deviceVerificationHosts.includes(url.hostname);
}
