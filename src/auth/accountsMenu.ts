import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import type { ProviderKind } from './accountApi';
import type { AccountService } from './accountService';
import { PROVIDER_IDS, PROVIDER_KINDS } from './providerConfig';

/**
 * Puts "Sign in with Mailroom (…)" into the Accounts menu for every configured provider that has
 * no account yet. A session request without `createIfNone` is how the workbench lists such an
 * entry; it never opens a dialog by itself. Repeated after a sign-out leaves a provider empty.
 */
/** `scopesFor` gives a provider's scopes, or undefined when its settings are incomplete. */
export function offerSignInInAccountsMenu(
  service: AccountService,
  scopesFor: (kind: ProviderKind) => readonly string[] | undefined,
  logger: Logger,
): vscode.Disposable {
  const offer = (): void => {
    for (const kind of PROVIDER_KINDS) {
      const scopes = scopesFor(kind);
      if (scopes && service.storedAccounts(kind).length === 0) {
        // The same scopes as the sessions it creates, so the entry goes away once one exists.
        vscode.authentication
          .getSession(PROVIDER_IDS[kind], scopes, { createIfNone: false })
          .then(undefined, (error: unknown) => logger.debug(`No Accounts menu entry for ${kind}: ${String(error)}`));
      }
    }
  };
  void service.reload().then(offer);
  return service.onDidChangeAccountDetails((changes) => {
    if (changes.removed.length > 0) {
      offer();
    }
  });
}
