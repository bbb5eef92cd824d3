/** The scopes Mailroom asks for [SEC-11], and which of them only say who signed in. */
import { ui } from '../ui/text';

export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';
export const OUTLOOK_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const OUTLOOK_SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';
/** Scopes that say who signed in; every other scope is for mail. */
export const IDENTITY_SCOPES: ReadonlySet<string> = new Set(['openid', 'email', 'profile', 'offline_access']);

/** What a scope lets Mailroom do, in words a person can judge (in the user's language, so made when asked). */
export function explainScope(scope: string): string {
  const explanations: Readonly<Record<string, string>> = {
    [GOOGLE_MAIL_SCOPE]:
      ui`Read, send, delete and manage all your Gmail mail over IMAP and SMTP. Google has no narrower permission that works with IMAP and SMTP.`.value,
    [OUTLOOK_IMAP_SCOPE]: ui`Read and manage the mail in your mailbox over IMAP.`.value,
    [OUTLOOK_SMTP_SCOPE]: ui`Send mail as you over SMTP.`.value,
    openid: ui`Confirm who you are with a stable account identifier.`.value,
    email: ui`See your email address, which Mailroom shows as the account name.`.value,
    profile: ui`See your name and profile picture.`.value,
    offline_access: ui`Stay signed in: Mailroom can renew its access without asking you again, until you sign out.`.value,
  };
  return (
    explanations[scope] ??
    ui`Requested by your Mailroom settings for mail access. Mailroom does not know exactly what your identity provider lets it allow.`.value
  );
}
