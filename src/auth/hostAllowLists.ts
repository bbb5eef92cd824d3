import type { ProviderKind } from './accountApi';
import type { ProviderConfig } from './providerConfig';
import { presetMailHostsWithTestEndpoints } from './testPresetEndpoints';

/**
 * The only hosts that may receive the tokens of the providers Mailroom knows [SEC-19]. Checked
 * against this table, not against the account's stored copy: a record written by another version,
 * or altered where secrets are kept, cannot extend a preset's allow-list.
 */
export const PRESET_MAIL_HOSTS: Readonly<Record<Exclude<ProviderKind, 'oidc'>, readonly string[]>> = {
  google: ['imap.gmail.com', 'smtp.gmail.com'],
  microsoft: ['outlook.office365.com', 'smtp.office365.com'],
};

/** The hosts an account's tokens may go to: its preset's, or for a custom issuer the ones pinned at sign-in. */
export function allowedMailHosts(account: { readonly provider: ProviderKind; readonly mailHosts: readonly string[] }): readonly string[] {
  return account.provider === 'oidc' ? account.mailHosts : presetMailHostsWithTestEndpoints(account.provider, PRESET_MAIL_HOSTS[account.provider]);
}

/** True when `host` is one of the provider's mail hosts (case-insensitive, exact: no suffix matching). */
export function isAllowedMailHost(config: Pick<ProviderConfig, 'mailHosts'>, host: string): boolean {
  const normalized = host.trim().toLowerCase().replace(/\.$/, '');
  return config.mailHosts.includes(normalized);
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
