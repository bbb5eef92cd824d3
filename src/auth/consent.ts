import type { ProviderConfig } from './providerConfig';
import { explainScope } from './scopes';
import type { UiText } from '../ui/text';
import { joinTexts, ui } from '../ui/text';

export interface ConsentText {
  message: UiText;
  detail: UiText;
  continueLabel: UiText;
}

/**
 * What a person agrees to before the browser opens, in plain words: which account, which
 * provider, what each scope allows, and what Mailroom keeps and where.
 */
export function consentText(config: ProviderConfig, scopes: readonly string[], accountHint?: string): ConsentText {
  const issuerHost = new URL(config.issuer.replace('{tenantid}', 'common')).host;
  const account = accountHint ? ui`Account: ${accountHint} (sign in again)` : ui`Account: the one you choose in your browser on ${issuerHost}`;
  const permissions = scopes.map((scope) => ui`• ${explainScope(scope)} (${scope})`);
  const hosts = config.mailHosts.join(' and ');
  const revokes = config.kind === 'microsoft' ? ui`` : ui` and asks the provider to revoke them`;
  return {
    message: ui`Sign in to ${config.displayName} with Mailroom?`,
    detail: joinTexts(
      [
        account,
        config.displayName === issuerHost ? ui`Provider: ${issuerHost}` : ui`Provider: ${config.displayName} (${issuerHost})`,
        ui``,
        ui`Mailroom asks for permission to:`,
        ...permissions,
        ui``,
        ui`Mailroom stores your email address and the sign-in tokens in the editor's secret storage (your system keychain), nowhere else. The tokens are sent only to ${hosts}. Signing out deletes them${revokes}.`,
        ui``,
        ui`Your browser opens next. Sign in there, not in the editor.`,
      ],
      '\n',
    ),
    continueLabel: ui`Continue in Browser`,
  };
}
