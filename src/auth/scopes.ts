/** The scopes Mailroom asks for [SEC-11], and which of them only say who signed in. */

export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';
export const OUTLOOK_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
export const OUTLOOK_SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';
/** Scopes that say who signed in; every other scope is for mail. */
export const IDENTITY_SCOPES: ReadonlySet<string> = new Set(['openid', 'email', 'profile', 'offline_access']);

/** What each scope lets Mailroom do, in words a person can judge. */
const SCOPE_EXPLANATIONS: Readonly<Record<string, string>> = {
  [GOOGLE_MAIL_SCOPE]: 'Read, send, delete and manage all your Gmail mail over IMAP and SMTP. Google has no narrower permission that works with IMAP and SMTP.',
  [OUTLOOK_IMAP_SCOPE]: 'Read and manage the mail in your mailbox over IMAP.',
  [OUTLOOK_SMTP_SCOPE]: 'Send mail as you over SMTP.',
  openid: 'Confirm who you are with a stable account identifier.',
  email: 'See your email address, which Mailroom shows as the account name.',
  profile: 'See your name and profile picture.',
  offline_access: 'Stay signed in: Mailroom can renew its access without asking you again, until you sign out.',
};

export function explainScope(scope: string): string {
  return (
    SCOPE_EXPLANATIONS[scope] ??
    'Requested by your Mailroom settings for mail access. Mailroom does not know exactly what your identity provider lets it allow.'
  );
}
