import type { ProviderKind } from '../auth/accountApi';
import { askText, notify } from '../ui/surfaces';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

/** Asks for the Google "Desktop app" client's secret (typed as a password); undefined when abandoned. */
export async function askGoogleClientSecret(title: UiText): Promise<string | undefined> {
  const secret = await askText({
    title,
    prompt: ui`The client secret of your Google "Desktop app" OAuth client, shown next to its client ID. Google requires it even though desktop apps cannot keep it secret; Mailroom keeps it in secret storage, never in settings.`,
    password: true,
    ignoreFocusOut: true,
    validate: (value) => (value.trim() ? undefined : ui`Paste the client secret from the Google Cloud console.`),
  });
  return secret?.trim() || undefined;
}

/** "Mailroom: Set Google Client Secret…", and the fix a sign-in without it offers. */
export async function setGoogleClientSecret(accounts: { setClientSecret(kind: ProviderKind, secret: string): Promise<void> }): Promise<void> {
  const secret = await askGoogleClientSecret(ui`Google client secret`);
  if (secret) {
    await accounts.setClientSecret('google', secret);
    void notify('info', ui`Google client secret saved in secret storage.`);
  }
}
