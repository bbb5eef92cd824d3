import type { ProviderKind } from '../auth/accountApi';
// The same rules the Microsoft preset applies to the settings, so setup accepts exactly what sign-in will.
import { GUID_PATTERN } from '../auth/idTokenIssuer';
import { TENANT_DOMAIN_PATTERN } from '../auth/presets';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

/**
 * What "Mailroom: Set Up Account…" checks as the person types. Editor-free, so the rules are a
 * table test; each answers undefined when the value is fine, else the hint the input box shows.
 */

const GOOGLE_CLIENT_ID_SUFFIX = '.apps.googleusercontent.com';
/** Google client IDs are the project number, a dash and a random part, then the fixed suffix. */
const GOOGLE_CLIENT_ID_PATTERN = /^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$/;
/** A DNS name or an IPv4 address; no scheme, port or path. */
const HOST_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
/** Characters RFC 6749 §3.3 allows in a scope token. */
const SCOPE_TOKEN_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function validateGoogleClientId(value: string): UiText | undefined {
  const id = value.trim();
  if (!id) {
    return ui`Paste the client ID of your Google "Desktop app" OAuth client.`;
  }
  if (!id.endsWith(GOOGLE_CLIENT_ID_SUFFIX)) {
    return ui`A Google client ID ends in ${GOOGLE_CLIENT_ID_SUFFIX}.`;
  }
  if (!GOOGLE_CLIENT_ID_PATTERN.test(id)) {
    return ui`This does not look like a Google client ID (digits, a dash, letters and digits, then ${GOOGLE_CLIENT_ID_SUFFIX}).`;
  }
  return undefined;
}

export function validateMicrosoftClientId(value: string): UiText | undefined {
  const id = value.trim();
  if (!id) {
    return ui`Paste the Application (client) ID from the app's Overview page in Microsoft Entra.`;
  }
  if (!GUID_PATTERN.test(id)) {
    return ui`A Microsoft Application (client) ID is a GUID like 00000000-0000-0000-0000-000000000000.`;
  }
  return undefined;
}

export function validateOidcClientId(value: string): UiText | undefined {
  const id = value.trim();
  if (!id) {
    return ui`Paste the client ID your issuer shows for the client you registered.`;
  }
  if (/\s/.test(id)) {
    return ui`A client ID has no spaces.`;
  }
  return undefined;
}

export function validateClientId(kind: ProviderKind, value: string): UiText | undefined {
  switch (kind) {
    case 'google':
      return validateGoogleClientId(value);
    case 'microsoft':
      return validateMicrosoftClientId(value);
    case 'oidc':
      return validateOidcClientId(value);
  }
}

/** A tenant the person types in: a tenant ID (GUID) or a verified domain such as contoso.onmicrosoft.com. */
export function validateTenant(value: string): UiText | undefined {
  const tenant = value.trim();
  if (GUID_PATTERN.test(tenant) || TENANT_DOMAIN_PATTERN.test(tenant)) {
    return undefined;
  }
  return ui`Enter your Directory (tenant) ID, a GUID, or your tenant's domain such as contoso.onmicrosoft.com.`;
}

export function validateIssuerUrl(value: string): UiText | undefined {
  const text = value.trim();
  if (!text) {
    return ui`Enter the issuer URL, for example https://login.example.com/realms/mail.`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return ui`Enter a full URL starting with https://.`;
  }
  if (url.protocol !== 'https:') {
    return ui`The issuer must use https://; Mailroom never sends credentials over plain HTTP.`;
  }
  if (url.username || url.password) {
    return ui`The issuer URL must not contain a user name or password.`;
  }
  if (url.search || url.hash) {
    return ui`The issuer URL has no query (?…) or fragment (#…).`;
  }
  return undefined;
}

export function validateHost(value: string): UiText | undefined {
  const host = value.trim();
  if (!host) {
    return ui`Enter the server's host name, for example mail.example.com.`;
  }
  if (!HOST_PATTERN.test(host)) {
    return ui`Enter only a host name, without https://, port or path.`;
  }
  return undefined;
}

/** Extra scopes for a custom issuer, separated by spaces; empty is allowed (openid email offline_access stay). */
export function validateScopes(value: string): UiText | undefined {
  const invalid = splitScopes(value).find((scope) => !SCOPE_TOKEN_PATTERN.test(scope));
  return invalid === undefined ? undefined : ui`"${invalid}" is not a scope: scopes have no quotes, backslashes or control characters.`;
}

export function splitScopes(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}
