import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { MailroomError } from '../util/errors';
import { throwIfTransient, toMailroomError } from './oauthErrors';
import type { OAuthClientOptions } from './oauthRequests';
import { loadOAuth, requestOptions } from './oauthRequests';
import type { ProviderConfig } from './providerConfig';

/** Endpoints that carry credentials or keys, so each must be https when the issuer publishes it. */
const PUBLISHED_ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'revocation_endpoint',
  'device_authorization_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
] as const;

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The issuer's metadata: fixed for Google and Microsoft, discovered for custom issuers. A
 * discovered `issuer` must equal the configured one and every endpoint must be https (RFC 8414 §3.3) [SEC-12].
 */
export async function loadIssuerMetadata(config: ProviderConfig, clientOptions: OAuthClientOptions, now: () => number): Promise<OAuth.AuthorizationServer> {
  if (config.staticMetadata) {
    return { ...config.staticMetadata };
  }
  const oauth = await loadOAuth();
  const issuer = new URL(config.issuer);
  if (issuer.protocol !== 'https:') {
    throw new MailroomError('InsecureEndpoint', 'The issuer must use https://.');
  }
  const issuerName = config.displayName;
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(oauth, clientOptions) });
    throwIfTransient(response, issuerName, now());
    const metadata = await oauth.processDiscoveryResponse(issuer, response);
    for (const name of PUBLISHED_ENDPOINTS) {
      if (metadata[name] !== undefined && !isHttpsUrl(metadata[name])) {
        throw new MailroomError(
          'InsecureEndpoint',
          `${issuerName} published an endpoint (${name}) that is not https://. Mailroom never sends credentials over plain HTTP.`,
        );
      }
    }
    if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
      throw new MailroomError('InvalidResponse', `${issuerName} does not publish the endpoints Mailroom needs for sign-in.`);
    }
    return metadata;
  } catch (error) {
    throw toMailroomError(error, issuerName);
  }
}
