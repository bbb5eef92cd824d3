import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { MailroomError } from '../util/errors';
import { testFetchFor } from '../util/testTransport';
import type { ProviderConfig } from './providerConfig';

/**
 * What every request to an issuer shares: the lazily loaded oauth4webapi, a time limit, how the
 * client authenticates, and (in tests only) the transport of the options the client was built with.
 */

export interface OAuthClientOptions {
  /** Google desktop clients: the (non-secret) client secret from SecretStorage. */
  readClientSecret?: () => Promise<string | undefined>;
  now?: () => number;
  /** Per-request time limit. */
  requestTimeoutMs?: number;
}

export type OAuthModule = typeof OAuth;

/** Options of one request: its time limit and, under test wiring only, the in-memory issuer's fetch. */
export type RequestOptions = { signal: AbortSignal; [key: symbol]: unknown };

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

let oauthModule: Promise<OAuthModule> | undefined;
/** oauth4webapi loads on the first sign-in or refresh, not during activation. */
export function loadOAuth(): Promise<OAuthModule> {
  oauthModule ??= import('oauth4webapi');
  return oauthModule;
}

/** `clientOptions` must be the very object the client was built with: test wiring is keyed on it. */
export function requestOptions(oauth: OAuthModule, clientOptions: OAuthClientOptions): RequestOptions {
  const options: RequestOptions = {
    signal: AbortSignal.timeout(clientOptions.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
  };
  const testFetch = testFetchFor(clientOptions);
  if (testFetch) {
    options[oauth.customFetch] = testFetch;
  }
  return options;
}

/** A public client sends no secret; a Google desktop client presents the one stored in SecretStorage. */
export async function clientAuthentication(oauth: OAuthModule, config: ProviderConfig, clientOptions: OAuthClientOptions): Promise<OAuth.ClientAuth> {
  if (!config.requiresClientSecret) {
    return oauth.None();
  }
  const secret = await clientOptions.readClientSecret?.();
  if (!secret) {
    throw new MailroomError(
      'MissingClientSecret',
      `${config.displayName} needs the client secret of your OAuth client. Run "Mailroom: Set Google Client Secret…" first.`,
    );
  }
  return oauth.ClientSecretPost(secret);
}
