import type { ProviderKind } from './accountApi';
import { MailroomError } from '../util/errors';
import { PRESET_MAIL_HOSTS } from './hostAllowLists';
import { GUID_PATTERN } from './idTokenIssuer';
import type { ProviderConfig, ProviderSettings } from './providerConfig';
import { GOOGLE_MAIL_SCOPE, IDENTITY_SCOPES, OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE } from './scopes';
import { presetWithTestEndpoints } from './testPresetEndpoints';
import { ui } from '../ui/text';

/**
 * Each kind of provider's preset (endpoints, scopes, which redirects work, which mail hosts may
 * receive its tokens) combined with the person's settings into a ProviderConfig. Settings only fill
 * in what a person must choose (client ID, tenant, custom issuer) and are checked here.
 */

const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';
export const TENANT_DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const MULTI_TENANT_NAMES = new Set(['common', 'organizations', 'consumers']);

function requireClientId(clientId: string, setting: string): string {
  const trimmed = clientId.trim();
  if (!trimmed) {
    throw new MailroomError(
      'MissingClientId',
      ui`Mailroom needs your own OAuth client ID first: run "Mailroom: Set Up Account…", or enter it in the setting "${setting}".`,
    );
  }
  return trimmed;
}

function requireHttpsUrl(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new MailroomError('InvalidInput', ui`The setting "${setting}" must be an https:// URL.`);
  }
  if (url.protocol !== 'https:') {
    throw new MailroomError('InsecureEndpoint', ui`The setting "${setting}" must use https://; Mailroom never sends credentials over plain HTTP.`);
  }
  return url;
}

function requireHost(host: string, setting: string): string {
  const trimmed = host.trim().toLowerCase();
  if (!trimmed) {
    throw new MailroomError('InvalidInput', ui`Set the mail server host in the setting "${setting}".`);
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
    removeAccessHelp: ui`You can also remove Mailroom's access at https://myaccount.google.com/connections.`.value,
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
      ui`Microsoft has no way for apps to give back their access. Remove Mailroom at https://myapps.microsoft.com (work or school account) or https://account.live.com/consent/Manage (personal account).`
        .value,
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
    removeAccessHelp: ui`Your identity provider (${issuerUrl.host}) can show which apps have access to your account.`.value,
    deviceVerificationHosts: [],
    tenant: undefined,
  };
}

/** Builds the configuration of one provider kind from its preset and the user's settings. */
export function providerConfig(kind: ProviderKind, settings: ProviderSettings): ProviderConfig {
  switch (kind) {
    case 'google':
      return presetWithTestEndpoints(googleConfig(settings));
    case 'microsoft':
      return presetWithTestEndpoints(microsoftConfig(settings));
    case 'oidc':
      return oidcConfig(settings);
  }
}
