import { MailroomError } from '../util/errors';
import { plainText } from '../util/plainText';

/**
 * The ways issuers say "this redirect URI is not registered for the client": Google's
 * `redirect_uri_mismatch`, Keycloak's and oidc-provider's `invalid_redirect_uri`, and Microsoft
 * Entra's AADSTS50011 (inside `error_description`, under a generic `invalid_request` or
 * `invalid_client`). Recognised in both places an issuer answers: the redirect and the token endpoint.
 */
const REDIRECT_ERROR_CODES = new Set(['redirect_uri_mismatch', 'invalid_redirect_uri']);
const ENTRA_REDIRECT_MISMATCH = /\bAADSTS50011\b/;

export function redirectUriNotRegistered(error: string, description: string | null | undefined, issuerName: string): MailroomError | undefined {
  if (!REDIRECT_ERROR_CODES.has(error) && !ENTRA_REDIRECT_MISMATCH.test(description ?? '')) {
    return undefined;
  }
  const said = plainText(description);
  const suffix = said ? ` ${issuerName} said: "${said}"` : '';
  return new MailroomError(
    'RedirectUriNotRegistered',
    `${issuerName} does not accept Mailroom's redirect URI: it is not registered for your OAuth client.${suffix}`,
  );
}
