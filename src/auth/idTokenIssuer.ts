import { MailroomError } from '../util/errors';
import type { ProviderConfig } from './providerConfig';

/** Personal Microsoft accounts all belong to this one tenant. */
const MICROSOFT_CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** A Microsoft tenant ID. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
