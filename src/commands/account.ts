import * as vscode from 'vscode';
import type { AccountService } from '../auth/accountService';
import { PROVIDER_LABELS } from '../auth/providerConfig';
import { askModal, askText, notify, pickOne } from '../ui/surfaces';
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
    vscode.commands.registerCommand('mailroom.setGoogleClientSecret', async () => {
      const secret = await askText({
        title: ui`Google client secret`,
        prompt: ui`The client secret of your Google "Desktop app" OAuth client. Google requires it even though desktop apps cannot keep it secret; Mailroom keeps it in secret storage, never in settings.`,
        password: true,
        ignoreFocusOut: true,
        validate: (value) => (value.trim() ? undefined : ui`Paste the client secret from the Google Cloud console.`),
      });
      if (secret?.trim()) {
        await accounts.setClientSecret('google', secret.trim());
        void notify('info', ui`Google client secret saved in secret storage.`);
      }
    }),
  ];
}
