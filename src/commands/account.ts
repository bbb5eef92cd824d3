import * as vscode from 'vscode';
import type { MailAccountService } from '../auth/mailAccounts';
import { PROVIDER_LABELS } from '../auth/presets';

/** "Mailroom: Sign In…", "Mailroom: Sign Out…" and "Mailroom: Set Google Client Secret…". */
export function registerAccountCommands(accounts: MailAccountService): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailroom.signIn', async () => {
      const account = await accounts.signIn();
      if (account) {
        void vscode.window.showInformationMessage(`Signed in to Mailroom as ${account.email}.`);
      }
    }),
    vscode.commands.registerCommand('mailroom.signOut', async () => {
      const stored = accounts.allStoredAccounts();
      if (stored.length === 0) {
        void vscode.window.showInformationMessage('No Mailroom account is signed in.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        stored.map((account) => ({
          label: account.email,
          description: PROVIDER_LABELS[account.provider],
          detail: account.signInRequired === undefined ? undefined : 'Needs to sign in again',
          id: account.id,
        })),
        { title: 'Sign out of a mail account', placeHolder: 'Which account?' },
      );
      if (!picked) {
        return;
      }
      const signOut = 'Sign Out';
      const confirmed = await vscode.window.showWarningMessage(
        `Sign out of ${picked.label}?`,
        { modal: true, detail: 'Mailroom asks the provider to revoke its access where it can, closes the connections, and deletes the tokens and cached mail of this account.' },
        signOut,
      );
      if (confirmed !== signOut) {
        return;
      }
      const result = await accounts.signOut(picked.id);
      if (result === 'revoked' || result === 'nothing-to-revoke') {
        void vscode.window.showInformationMessage(`Signed out of ${picked.label}.`);
      }
    }),
    vscode.commands.registerCommand('mailroom.setGoogleClientSecret', async () => {
      const secret = await vscode.window.showInputBox({
        title: 'Google client secret',
        prompt: 'The client secret of your Google "Desktop app" OAuth client. Google requires it even though desktop apps cannot keep it secret; Mailroom keeps it in secret storage, never in settings.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : 'Paste the client secret from the Google Cloud console.'),
      });
      if (secret?.trim()) {
        await accounts.setClientSecret('google', secret.trim());
        void vscode.window.showInformationMessage('Google client secret saved in secret storage.');
      }
    }),
  ];
}
