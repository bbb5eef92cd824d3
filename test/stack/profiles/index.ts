// A provider profile of the local stack: a Google-like or Microsoft-like issuer (profileIssuer.ts with the
// profile's rules), its own Dovecot (IMAP) and SMTP submission server, checking that issuer's tokens. See
// "Provider profiles" in test/stack/README.md for what each reproduces.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDovecot } from '../dovecot';
import { temporaryBase } from '..';
import type { Dovecot } from '../dovecot';
import { deliverOverLmtp } from '../lmtpClient';
import { startSmtpSubmission } from '../smtpSubmission';
import type { SubmittedMessage } from '../smtpSubmission';
import { STACK_DIRECTORY_PREFIX, recordOwner, removeStaleStacks } from '../staleStacks';
import { MAIL_DOMAIN, TEST_USERS } from '../testUsers';
import { GOOGLE_MAIL_SCOPE, googleLikeRules } from './googleLike';
import { OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE, microsoftLikeRules } from './microsoftLike';
import { startProfileIssuer } from './profileIssuer';
import type { IssuerRules, ProfileIssuer } from './profileIssuer';

export { CONSUMERS_TENANT_ID, MICROSOFT_LOGIN, ORGANIZATION_TENANT_ID, OUTLOOK_IMAP_SCOPE, OUTLOOK_SMTP_SCOPE } from './microsoftLike';
export { GOOGLE_ISSUER, GOOGLE_ISSUER_WITHOUT_SCHEME, GOOGLE_MAIL_SCOPE } from './googleLike';

/** Microsoft's answer when SMTP AUTH is turned off for a mailbox (the default for new Exchange Online tenants). */
export const SMTP_AUTH_DISABLED_ANSWER =
  '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.';
export const GOOGLE_LIKE_CLIENT_ID = '1234567890-mailroomtest.apps.googleusercontent.com';
export const MICROSOFT_LIKE_CLIENT_ID = '5b0f4c1e-2a7d-4e8f-9b3c-6d1a0e2f4c8b';

export interface GoogleLikeProfileOptions {
  kind: 'google';
  clientSecret: string;
  /** "Testing" mode: refresh tokens expire this long after they were issued (default 7 days, as at Google). */
  refreshTokenLifetimeSeconds?: number;
}

export interface MicrosoftLikeProfileOptions {
  kind: 'microsoft';
  /** Registered redirect URIs besides loopback (the editor's URI handler). */
  redirectUris: readonly string[];
  /** Emails of personal accounts (tenant `consumers`); the others belong to the work tenant. */
  personalAccounts?: readonly string[];
  /** Emails of mailboxes whose SMTP AUTH is turned off. */
  smtpAuthDisabledFor?: readonly string[];
}

export interface ProviderProfile {
  kind: 'google' | 'microsoft';
  clientId: string;
  issuer: ProfileIssuer;
  imap: { host: '127.0.0.1'; port: number; implicitTls: true };
  smtp: { host: '127.0.0.1'; port: number; implicitTls: boolean };
  /** Every message the SMTP server accepted. */
  submissions: SubmittedMessage[];
  /** Mailboxes whose SMTP AUTH is off (Microsoft-like); add or remove addresses at any time. */
  smtpAuthDisabled: Set<string>;
  doveadm(args: string[]): Promise<string>;
  dovecotLog(): string;
  deliver(to: string, raw: string | Buffer): Promise<void>;
  stop(): Promise<void>;
}

const SEVEN_DAYS_SECONDS = 7 * 24 * 3600;
const ACCESS_TOKEN_TTL_SECONDS = 3600;

interface ProfileShape {
  clientId: string;
  rules: IssuerRules;
  imapScope: string;
  smtpScope: string;
  mechanisms: string;
  smtpTls: 'implicit' | 'starttls';
  serverFilesSent: boolean;
}

function shapeOf(options: GoogleLikeProfileOptions | MicrosoftLikeProfileOptions): ProfileShape {
  if (options.kind === 'google') {
    const clientId = GOOGLE_LIKE_CLIENT_ID;
    const rules = googleLikeRules({
      clientId,
      clientSecret: options.clientSecret,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? SEVEN_DAYS_SECONDS,
    });
    return {
      clientId,
      rules,
      imapScope: GOOGLE_MAIL_SCOPE,
      smtpScope: GOOGLE_MAIL_SCOPE,
      mechanisms: 'xoauth2 oauthbearer',
      smtpTls: 'implicit',
      serverFilesSent: true,
    };
  }
  const clientId = MICROSOFT_LIKE_CLIENT_ID;
  const rules = microsoftLikeRules({ clientId, redirectUris: options.redirectUris, personalAccounts: options.personalAccounts ?? [] });
  return { clientId, rules, imapScope: OUTLOOK_IMAP_SCOPE, smtpScope: OUTLOOK_SMTP_SCOPE, mechanisms: 'xoauth2', smtpTls: 'starttls', serverFilesSent: false };
}

export async function startProviderProfile(options: GoogleLikeProfileOptions | MicrosoftLikeProfileOptions): Promise<ProviderProfile> {
  const shape = shapeOf(options);
  const base = temporaryBase();
  removeStaleStacks(base);
  const directory = fs.mkdtempSync(path.join(base, STACK_DIRECTORY_PREFIX));
  recordOwner(directory);
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(stoppers.splice(0).map((stopOne) => stopOne()));
    fs.rmSync(directory, { recursive: true, force: true });
  };
  try {
    const issuer = await startProfileIssuer(shape.rules, { accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
    stoppers.push(issuer.stop);
    const dovecot: Dovecot = await startDovecot({ directory, introspectionUrl: issuer.introspectionUrl, scope: shape.imapScope, mechanisms: shape.mechanisms });
    stoppers.push(dovecot.stop);
    const submissions: SubmittedMessage[] = [];
    const smtpAuthDisabled = new Set(options.kind === 'microsoft' ? (options.smtpAuthDisabledFor ?? []) : []);
    const smtp = await startSmtpSubmission({
      tlsMode: shape.smtpTls,
      introspector: { introspect: async (token) => issuer.introspect(token) as { active: boolean } },
      scope: shape.smtpScope,
      resource: shape.rules.audience,
      localDomain: MAIL_DOMAIN,
      deliverLocally: (envelope, raw) => deliverOverLmtp(dovecot.lmtpPort, envelope, raw),
      onSubmitted: async (message) => {
        submissions.push(message);
        // Gmail files what it sends into the sender's Sent folder itself.
        if (shape.serverFilesSent) await dovecot.doveadm(['save', '-u', message.from, '-m', 'Sent'], message.raw);
      },
      refuseAuthentication: (user) => (smtpAuthDisabled.has(user) ? SMTP_AUTH_DISABLED_ANSWER : undefined),
    });
    stoppers.push(smtp.stop);
    return {
      kind: options.kind,
      clientId: shape.clientId,
      issuer,
      imap: { host: '127.0.0.1', port: dovecot.imapPort, implicitTls: true },
      smtp: { host: '127.0.0.1', port: smtp.port, implicitTls: shape.smtpTls === 'implicit' },
      submissions,
      smtpAuthDisabled,
      doveadm: (args) => dovecot.doveadm(args),
      dovecotLog: () => dovecot.log(),
      deliver: (to, raw) => deliverOverLmtp(dovecot.lmtpPort, { from: TEST_USERS[1].email, to: [to] }, raw),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
