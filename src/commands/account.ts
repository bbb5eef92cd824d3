import * as vscode from 'vscode';
import type { AccountService } from '../auth/accountService';
import { PROVIDER_LABELS } from '../auth/providerConfig';
import { setGoogleClientSecret } from '../setup/googleSecret';
import { askModal, notify, pickOne } from '../ui/surfaces';
import { ui } from '../ui/text';

/** "Mailroom: Sign In…", "Mailroom: Sign Out…" and "Mailroom: Set Google Client Secret…". */
export function registerAccountCommands(accounts: AccountService): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailroom.signIn', async () => {
      const account = await accounts.signIn();
      if (account) {
        void notify('info', ui`Signed in to Mailroom as ${account.email}.`);
      }
    }),
    vscode.commands.registerCommand('mailroom.signOut', async () => {
      const stored = accounts.allStoredAccounts();
      if (stored.length === 0) {
        void notify('info', ui`No Mailroom account is signed in.`);
        return;
      }
      const picked = await pickOne(
        stored.map((account) => ({
          label: ui`${account.email}`,
          description: ui`${PROVIDER_LABELS[account.provider]}`,
          ...(account.signInRequired === undefined ? {} : { detail: ui`Needs to sign in again` }),
          id: account.id,
        })),
        { title: ui`Sign out of a mail account`, placeHolder: ui`Which account?` },
      );
      if (!picked) {
        return;
      }
      const signOut = ui`Sign Out`;
      const confirmed = await askModal(
        'warning',
        ui`Sign out of ${picked.label}?`,
        ui`Mailroom asks the provider to revoke its access where it can, closes the connections, and deletes the tokens and cached mail of this account.`,
        signOut,
      );
      if (confirmed !== signOut) {
        return;
      }
      const result = await accounts.signOut(picked.id);
      if (result === 'revoked' || result === 'nothing-to-revoke') {
        void notify('info', ui`Signed out of ${picked.label}.`);
      }
    }),
    vscode.commands.registerCommand('mailroom.setGoogleClientSecret', () => setGoogleClientSecret(accounts)),
  ];
}
