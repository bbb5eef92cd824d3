import type { TokenEndpointAnswer } from '../auth/oauthClient';
import type { ProviderConfig } from '../auth/providerConfig';
import type { StoredAccount } from '../auth/tokenStore';
import type { Clock } from '../util/clock';
import { isMailroomError } from '../util/errors';
import type { CheckStepResult } from './checkResult';
import { failed, passed, skipped } from './checkResult';
import { evidenceFromError, quoted } from './failureEvidence';
import { recognizeMistake } from './knownMistakes';
import { ui } from '../ui/text';

/** The issuer calls Check Account makes; OAuthClient is one. */
export interface IssuerProbe {
  metadata(): Promise<{ issuer: string; token_endpoint?: string }>;
  probeTokenEndpoint(): Promise<TokenEndpointAnswer>;
}

const signInAgain = (): string => ui`Sign in again from the Accounts menu or with "Mailroom: Sign In…".`.value;
const reachIssuer = (): string => ui`Check the network connection (proxy, VPN, firewall) and that the issuer is up, then check again.`.value;

/** The fix for an issuer request that failed for a reason Mailroom's error code names. */
function issuerFix(error: unknown, configuredIssuer: string): string {
  const code = isMailroomError(error) ? error.code : undefined;
  switch (code) {
    case 'IssuerMismatch':
      return ui`Set \`mailroom.oidc.issuer\` to exactly the \`issuer\` value of the discovery document (scheme, host, port, path and trailing slash all count). ${quoted(configuredIssuer)} is what the setting says now.`
        .value;
    case 'InsecureEndpoint':
      return ui`The issuer must be reached and must publish every endpoint over https://. Fix the issuer's public URL (a reverse proxy that reports http:// is a common cause), or the setting.`
        .value;
    case 'MissingClientId':
    case 'InvalidInput':
      return ui`Fill in the provider's settings as the README's "Signing in" section describes.`.value;
    case 'MissingClientSecret':
      return ui`Run "Mailroom: Set Google Client Secret…" and paste the client secret of your Desktop app client.`.value;
    case 'SignInRequired':
      return signInAgain();
    default:
      return reachIssuer();
  }
}

function describe(error: unknown): string {
  return isMailroomError(error) ? error.message : ui`The request failed unexpectedly.`.value;
}

/** Discovery: https only, and the document names the configured issuer exactly. Presets with fixed endpoints have none. */
export async function checkDiscovery(config: ProviderConfig, issuer: IssuerProbe): Promise<CheckStepResult> {
  if (config.staticMetadata) {
    return skipped(
      'discovery',
      ui`${config.displayName} has fixed endpoints built into Mailroom (token endpoint ${quoted(config.staticMetadata.token_endpoint)}); there is no discovery document to check.`
        .value,
    );
  }
  try {
    const metadata = await issuer.metadata();
    return passed(
      'discovery',
      ui`The discovery document of ${quoted(config.issuer)} names exactly this issuer (${quoted(metadata.issuer)}), and every endpoint it publishes is https://.`
        .value,
    );
  } catch (error) {
    return failed('discovery', describe(error), issuerFix(error, config.issuer), recognizeMistake(evidenceFromError(error, config.kind, 'oauth')));
  }
}

/**
 * The token endpoint, offered a made-up refresh token: `invalid_grant` means it answers and knows the
 * client; `invalid_client` that the client ID (or Google's secret) is wrong. The answer's `Date`
 * header shows whether this computer's clock agrees with the issuer's.
 */
export async function checkTokenEndpoint(config: ProviderConfig, issuer: IssuerProbe): Promise<CheckStepResult> {
  let answer: TokenEndpointAnswer;
  try {
    answer = await issuer.probeTokenEndpoint();
  } catch (error) {
    return failed('tokenEndpoint', describe(error), issuerFix(error, config.issuer), recognizeMistake(evidenceFromError(error, config.kind, 'oauth')));
  }
  const serverTimeMs = answer.serverDate === undefined ? NaN : Date.parse(answer.serverDate);
  const clockSkewMs = Number.isNaN(serverTimeMs) ? undefined : answer.receivedAtMs - serverTimeMs;
  const issuerSaid = [answer.error, answer.errorDescription].filter(Boolean).join(': ');
  const mistake = recognizeMistake({
    provider: config.kind,
    protocol: 'oauth',
    ...(answer.error ? { oauthError: answer.error } : {}),
    text: issuerSaid,
    ...(clockSkewMs === undefined ? {} : { clockSkewMs }),
  });
  const answered = ui`The token endpoint answered a made-up refresh token with HTTP ${answer.status}${issuerSaid ? ui` ${quoted(issuerSaid)}` : ''}.`;
  if (mistake) {
    return failed('tokenEndpoint', answered.value, mistake.fix, mistake);
  }
  if (answer.status >= 500 || answer.error === undefined) {
    return failed('tokenEndpoint', ui`${answered} A working token endpoint says \`invalid_grant\` here.`.value, reachIssuer());
  }
  const clocks =
    clockSkewMs === undefined ? '' : ui` This computer's clock and the issuer's agree within ${Math.max(1, Math.ceil(Math.abs(clockSkewMs) / 1000))} s.`;
  return passed('tokenEndpoint', ui`${answered} It knows the client ID ${quoted(config.clientId)}.${clocks}`.value);
}

/** The stored sign-in, renewed once through the token manager (the refresh every mail connection uses). */
export async function checkGrant(
  account: StoredAccount,
  provider: ProviderConfig['kind'],
  refresh: () => Promise<unknown>,
  clock: Pick<Clock, 'now'>,
): Promise<CheckStepResult> {
  const grantAgeMs = account.signedInAtMs === undefined ? undefined : clock.now() - account.signedInAtMs;
  const days = grantAgeMs === undefined ? undefined : Math.floor(grantAgeMs / 86_400_000);
  const age =
    days === undefined ? '' : days < 1 ? ui` Signed in less than a day ago.` : days === 1 ? ui` Signed in 1 day ago.` : ui` Signed in ${days} days ago.`;
  if (account.signInRequired !== undefined) {
    const mistake = recognizeMistake({
      provider,
      errorCode: 'SignInRequired',
      text: account.signInRequired,
      ...(grantAgeMs === undefined ? {} : { grantAgeMs }),
    });
    return failed('grant', ui`Mailroom already knows that this sign-in ended: ${quoted(account.signInRequired)}.${age}`.value, signInAgain(), mistake);
  }
  try {
    await refresh();
    return passed('grant', ui`The issuer renewed the sign-in (one refresh through Mailroom's token manager; a rotated refresh token was stored).${age}`.value);
  } catch (error) {
    const mistake = recognizeMistake(evidenceFromError(error, provider, 'oauth', grantAgeMs === undefined ? {} : { grantAgeMs }));
    const fix = isMailroomError(error, 'SignInRequired')
      ? ui`${signInAgain()} The issuer ended the sign-in: it was revoked at the provider, expired, or replaced.`.value
      : issuerFix(error, account.issuer);
    return failed('grant', `${describe(error)}${age}`, fix, mistake);
  }
}

/** The permissions recorded at sign-in against those the provider's mail servers need. */
export function checkScopes(account: StoredAccount, config: ProviderConfig): CheckStepResult {
  const missing = config.mailScopes.filter((scope) => !account.grantedScopes.includes(scope));
  const granted = account.grantedScopes.map(quoted).join(', ') || 'none';
  if (missing.length === 0) {
    return passed('scopes', ui`Granted at sign-in: ${granted}. Mail needs ${config.mailScopes.map(quoted).join(', ') || ui`no extra scope`.value}.`.value);
  }
  return failed(
    'scopes',
    ui`Granted at sign-in: ${granted}. Missing for mail: ${missing.map(quoted).join(', ')}.`.value,
    ui`${signInAgain()} Allow every permission on the consent page; the app registration must offer ${missing.map(quoted).join(', ')} (for Microsoft: delegated Office 365 Exchange Online permissions; for Google: the scope on the OAuth consent screen).`
      .value,
  );
}
