// The Microsoft-like issuer's rules (Microsoft identity platform v2.0, as DESIGN.md lists it): endpoints under
// `/{tenant}/oauth2/v2.0/` for `common`, `organizations`, `consumers` or a tenant ID; discovery whose issuer
// is the template `https://login.microsoftonline.com/{tenantid}/v2.0` for the multi-tenant names, while each
// ID token's `iss` names the user's own tenant (`tid`); a public client (a secret is refused); scopes of one
// resource per token (`https://outlook.office.com/…`), refresh tokens only with `offline_access`, rotated on
// every use with no reuse detection (an older one keeps working); no revocation endpoint.
import type { TestUser } from '../testUsers';
import { IssuerRefusal } from './profileIssuer';
import type { IssuerRules } from './profileIssuer';

export const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';
export const OUTLOOK_RESOURCE = 'https://outlook.office.com';
export const OUTLOOK_IMAP_SCOPE = `${OUTLOOK_RESOURCE}/IMAP.AccessAsUser.All`;
export const OUTLOOK_SMTP_SCOPE = `${OUTLOOK_RESOURCE}/SMTP.Send`;
/** Every personal Microsoft account belongs to this tenant. */
export const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** The work tenant of the organisation's test users. */
export const ORGANIZATION_TENANT_ID = '3f6b2a1c-8d4e-4b7a-9c2d-5e1f0a9b8c7d';
const OPENID_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);
const TENANT_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/;

export interface MicrosoftLikeOptions {
  clientId: string;
  /** Redirect URIs registered besides `http://localhost` / `http://127.0.0.1` (any port): the editor's URI handler. */
  redirectUris: readonly string[];
  /** Emails of personal (consumer) accounts; everyone else is in ORGANIZATION_TENANT_ID. */
  personalAccounts: readonly string[];
}

function isLoopbackRedirect(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

export function microsoftLikeRules(options: MicrosoftLikeOptions): IssuerRules {
  const tenantOf = (user: TestUser): string => (options.personalAccounts.includes(user.email) ? CONSUMERS_TENANT_ID : ORGANIZATION_TENANT_ID);
  const endpointTenant = (pathname: string, endpoint: string): string | undefined => {
    const match = TENANT_PATH.exec(pathname);
    return match && match[2] === endpoint ? match[1] : undefined;
  };
  return {
    authorizationPath: (pathname) => endpointTenant(pathname, 'authorize'),
    tokenPath: (pathname) => endpointTenant(pathname, 'token'),
    revocationPath: undefined,
    discovery: (origin, pathname) => {
      const match = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(pathname);
      if (!match) return undefined;
      const tenant = match[1];
      const issuerTenant = ['common', 'organizations', 'consumers'].includes(tenant) ? '{tenantid}' : tenant;
      return {
        issuer: `${MICROSOFT_LOGIN}/${issuerTenant}/v2.0`,
        authorization_endpoint: `${origin}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${origin}/${tenant}/oauth2/v2.0/token`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: null,
      };
    },
    checkClient: (clientId, redirectUri) => {
      if (clientId !== options.clientId)
        throw new IssuerRefusal('unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
      if (!isLoopbackRedirect(redirectUri) && !options.redirectUris.includes(redirectUri)) {
        throw new IssuerRefusal(
          'invalid_request',
          `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
        );
      }
    },
    checkAuthorization: (request, user) => {
      const tenant = request.tenant ?? '';
      const userTenant = tenantOf(user);
      if ((tenant === 'organizations' && userTenant === CONSUMERS_TENANT_ID) || (tenant === 'consumers' && userTenant !== CONSUMERS_TENANT_ID)) {
        throw new IssuerRefusal('invalid_request', `AADSTS50020: User account '${user.email}' does not exist in tenant '${tenant}'.`);
      }
      if (!['common', 'organizations', 'consumers'].includes(tenant) && tenant !== userTenant) {
        throw new IssuerRefusal('invalid_request', `AADSTS50020: User account '${user.email}' does not exist in tenant '${tenant}'.`);
      }
      const resourceScopes = request.scopes.filter((scope) => !OPENID_SCOPES.has(scope));
      if (resourceScopes.some((scope) => !scope.startsWith(`${OUTLOOK_RESOURCE}/`))) {
        throw new IssuerRefusal(
          'invalid_scope',
          'AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource.',
        );
      }
      return request.scopes;
    },
    grantsRefreshToken: (request) => request.scopes.includes('offline_access'),
    authenticateClient: (clientId, secret) => {
      if (clientId !== options.clientId)
        throw new IssuerRefusal('unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
      if (secret !== undefined) {
        throw new IssuerRefusal('invalid_client', "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", 401);
      }
    },
    rotatesRefreshTokens: true,
    refreshTokenLifetimeSeconds: undefined,
    idTokenClaims: (user) => {
      const tid = tenantOf(user);
      return {
        iss: `${MICROSOFT_LOGIN}/${tid}/v2.0`,
        tid,
        sub: user.subject,
        oid: user.subject,
        email: user.email,
        preferred_username: user.email,
        name: user.name,
        ver: '2.0',
      };
    },
    // Microsoft names only the resource's scopes in a token response.
    responseScope: (granted) => granted.filter((scope) => !OPENID_SCOPES.has(scope)).join(' '),
    audience: OUTLOOK_RESOURCE,
  };
}
