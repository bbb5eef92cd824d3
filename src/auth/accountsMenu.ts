import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import type { ProviderKind } from './accounts';
import type { MailAccountService } from './mailAccounts';
import { PROVIDER_IDS, PROVIDER_KINDS } from './presets';

/**
 * Puts "Sign in with Mailroom (…)" into the Accounts menu for every configured provider that has
 * no account yet. A session request without `createIfNone` is how the workbench lists such an
 * entry; it never opens a dialog by itself. Repeated after a sign-out leaves a provider empty.
 */
export function offerSignInInAccountsMenu(service: MailAccountService, isConfigured: (kind: ProviderKind) => boolean, logger: Logger): vscode.Disposable {
  const offer = (): void => {
    for (const kind of PROVIDER_KINDS) {
      if (isConfigured(kind) && service.storedAccounts(kind).length === 0) {
        vscode.authentication.getSession(PROVIDER_IDS[kind], [], { createIfNone: false }).then(undefined, (error: unknown) => logger.debug(`No Accounts menu entry for ${kind}: ${String(error)}`));
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
