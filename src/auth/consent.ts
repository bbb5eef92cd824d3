import type { ProviderConfig } from './presets';
import { explainScope } from './presets';

export interface ConsentText {
  message: string;
  detail: string;
  continueLabel: string;
}

/**
 * What a person agrees to before the browser opens, in plain words: which account, which
 * provider, what each scope allows, and what Mailroom keeps and where.
 */
export function consentText(config: ProviderConfig, scopes: readonly string[], accountHint?: string): ConsentText {
  const issuerHost = new URL(config.issuer.replace('{tenantid}', 'common')).host;
  const account = accountHint
    ? `Account: ${accountHint} (sign in again)`
    : `Account: the one you choose in your browser on ${issuerHost}`;
  const permissions = scopes.map((scope) => `• ${explainScope(scope)} (${scope})`);
  const hosts = config.mailHosts.join(' and ');
  return {
    message: `Sign in to ${config.displayName} with Mailroom?`,
    detail: [
      account,
      config.displayName === issuerHost ? `Provider: ${issuerHost}` : `Provider: ${config.displayName} (${issuerHost})`,
      '',
      'Mailroom asks for permission to:',
      ...permissions,
      '',
      `Mailroom stores your email address and the sign-in tokens in the editor's secret storage (your system keychain), nowhere else. The tokens are sent only to ${hosts}. Signing out deletes them${config.kind === 'microsoft' ? '' : ' and asks the provider to revoke them'}.`,
      '',
      'Your browser opens next. Sign in there, not in the editor.',
    ].join('\n'),
    continueLabel: 'Continue in Browser',
  };
}
