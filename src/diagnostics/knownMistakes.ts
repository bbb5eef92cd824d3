import type { ProviderKind } from '../auth/accountApi';
import { ui } from '../ui/text';

/**
 * The provider mistakes people make again and again, recognised from what the issuer or the mail
 * server answered. A pure function of the evidence, so each row of the table can be tested alone.
 * Keyed on the servers' own codes and words (AADSTS numbers, SMTP enhanced status codes), because
 * that is all the providers give.
 */

export type MistakeId =
  'smtpAuthDisabled' | 'imapDisabled' | 'googleTestingExpiry' | 'wrongTenantType' | 'clockSkew' | 'redirectUriNotRegistered' | 'wrongClientId';

export interface KnownMistake {
  readonly id: MistakeId;
  /** The mistake in one line, as a person would search for it. */
  readonly title: string;
  readonly fix: string;
}

/** What one failure left behind: whatever of these the failing step could read. */
export interface FailureEvidence {
  readonly provider: ProviderKind;
  /** The OAuth `error` code (`invalid_grant`, `invalid_client`…). */
  readonly oauthError?: string;
  /** Mailroom's error code for the failure (`SignInRequired`, `InvalidClient`…). */
  readonly errorCode?: string;
  /** The issuer's or the server's words, and Mailroom's message. */
  readonly text?: string;
  /** An SMTP reply code (535…). */
  readonly responseCode?: number;
  /** Which protocol answered: the mistake of an IMAP refusal is not the one of an SMTP refusal. */
  readonly protocol?: 'oauth' | 'imap' | 'smtp';
  /** How long ago the person signed in, when known. */
  readonly grantAgeMs?: number;
  /** Local clock minus the server's, when a server said what time it is. */
  readonly clockSkewMs?: number;
}

const DAY_MS = 24 * 60 * 60_000;
/** Google ends refresh tokens of apps in Testing 7 days after consent; half a day of slack for clocks and rounding. */
export const GOOGLE_TESTING_GRANT_LIMIT_MS = 7 * DAY_MS - 12 * 60 * 60_000;
/** More than this between the local clock and the issuer's makes ID tokens look expired or not yet valid. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

const MICROSOFT_PERSONAL_WITH_ORGANIZATIONS =
  /AADSTS50020|AADSTS500200|personal Microsoft account signed in, but the tenant setting allows only work or school/i;
const MICROSOFT_WORK_WITH_CONSUMERS = /AADSTS9002331|AADSTS90072|work or school account signed in, but the tenant setting allows only personal/i;
const MICROSOFT_SINGLE_TENANT_WITH_COMMON = /AADSTS50194/i;

interface MistakeRule {
  readonly id: MistakeId;
  title(): string;
  matches(evidence: FailureEvidence): boolean;
  fix(evidence: FailureEvidence): string;
}

const said = (evidence: FailureEvidence, pattern: RegExp): boolean => pattern.test(evidence.text ?? '');

/** First match wins: the more specific rows come first. */
const RULES: readonly MistakeRule[] = [
  {
    id: 'clockSkew',
    title: () => ui`This computer's clock is wrong`.value,
    matches: (evidence) =>
      Math.abs(evidence.clockSkewMs ?? 0) > CLOCK_SKEW_LIMIT_MS || said(evidence, /AADSTS700024|clock skew|issued in the future|\biat\b.*future/i),
    fix: (evidence) => {
      const minutes = evidence.clockSkewMs === undefined ? undefined : Math.round(evidence.clockSkewMs / 60_000);
      const by =
        minutes === undefined
          ? ''
          : minutes > 0
            ? ui` (it is ${minutes} minutes ahead of the server)`
            : ui` (it is ${Math.abs(minutes)} minutes behind the server)`;
      return ui`Set this computer's clock to the right time${by}, ideally with automatic network time, then check again. Sign-ins carry validity times that a wrong clock rejects.`
        .value;
    },
  },
  {
    id: 'smtpAuthDisabled',
    title: () => ui`SMTP AUTH is disabled for this mailbox (Microsoft 365)`.value,
    matches: (evidence) => said(evidence, /5\.7\.139|SmtpClientAuthentication is disabled|SMTP ?AUTH (?:is )?disabled/i),
    fix: () =>
      ui`An administrator must turn on Authenticated SMTP for this mailbox: Microsoft 365 admin center → Users → the user → Mail → Manage email apps, or \`Set-CASMailbox -Identity <address> -SmtpClientAuthenticationDisabled $false\`. The tenant-wide switch (Exchange admin center → Settings → Mail flow) must not forbid it either.`
        .value,
  },
  {
    id: 'imapDisabled',
    title: () => ui`IMAP is turned off for this account or tenant`.value,
    matches: (evidence) =>
      said(evidence, /not enabled for IMAP|IMAP (?:access )?(?:is )?disabled|IMAP4? protocol is disabled/i) ||
      (evidence.provider === 'microsoft' && evidence.protocol === 'imap' && said(evidence, /User is authenticated but not connected/i)),
    fix: (evidence) =>
      evidence.provider === 'google'
        ? ui`Turn on IMAP in Gmail: Settings → See all settings → Forwarding and POP/IMAP → Enable IMAP (Workspace administrators can forbid it for the whole organisation).`
            .value
        : ui`An administrator must allow IMAP for this mailbox: Microsoft 365 admin center → Users → the user → Mail → Manage email apps → IMAP, or \`Set-CASMailbox -Identity <address> -ImapEnabled $true\`. Some tenants turn IMAP off for everyone.`
            .value,
  },
  {
    id: 'wrongTenantType',
    title: () => ui`The account type does not fit the tenant setting`.value,
    matches: (evidence) =>
      said(evidence, MICROSOFT_PERSONAL_WITH_ORGANIZATIONS) ||
      said(evidence, MICROSOFT_WORK_WITH_CONSUMERS) ||
      said(evidence, MICROSOFT_SINGLE_TENANT_WITH_COMMON),
    fix: (evidence) => {
      if (said(evidence, MICROSOFT_PERSONAL_WITH_ORGANIZATIONS)) {
        return ui`A personal Microsoft account (Outlook.com, Hotmail) cannot sign in with the tenant \`organizations\` or a work tenant. Set \`mailroom.microsoft.tenant\` to \`common\` or \`consumers\`, and let the app registration accept personal accounts.`
          .value;
      }
      if (said(evidence, MICROSOFT_WORK_WITH_CONSUMERS)) {
        return ui`A work or school account cannot sign in with the tenant \`consumers\`. Set \`mailroom.microsoft.tenant\` to \`common\`, \`organizations\` or your tenant ID.`
          .value;
      }
      return ui`The app registration accepts only its own organisation. Set \`mailroom.microsoft.tenant\` to your tenant ID or domain, or change the registration's Supported account types to include other organisations.`
        .value;
    },
  },
  {
    id: 'redirectUriNotRegistered',
    title: () => ui`The redirect URI is not registered with the issuer`.value,
    matches: (evidence) =>
      evidence.oauthError === 'redirect_uri_mismatch' || said(evidence, /redirect_uri_mismatch|AADSTS50011|AADSTS500113|redirect_uri did not match/i),
    fix: (evidence) =>
      evidence.provider === 'google'
        ? ui`Google accepts loopback redirects only for clients of type "Desktop app": create an OAuth client of that type and put its ID into \`mailroom.google.clientId\`.`
            .value
        : ui`Register the redirect URIs the README lists for your editor (the editor's own scheme, e.g. \`vscode://mailroom.mailroom/auth/…\`, and \`http://127.0.0.1/callback\`) with the issuer, exactly as written.`
            .value,
  },
  {
    id: 'wrongClientId',
    title: () => ui`The issuer does not know this client ID (or secret)`.value,
    matches: (evidence) =>
      evidence.oauthError === 'invalid_client' ||
      evidence.oauthError === 'unauthorized_client' ||
      evidence.errorCode === 'InvalidClient' ||
      said(evidence, /AADSTS700016|AADSTS7000215|OAuth client was not found/i),
    fix: (evidence) => {
      switch (evidence.provider) {
        case 'google':
          return ui`Copy the client ID of your "Desktop app" OAuth client (it ends in \`.apps.googleusercontent.com\`) into \`mailroom.google.clientId\`, and its client secret with "Mailroom: Set Google Client Secret…".`
            .value;
        case 'microsoft':
          return ui`Copy the Application (client) ID of your Entra app registration into \`mailroom.microsoft.clientId\`, and check that the registration lives in the tenant you sign in to and allows public client flows.`
            .value;
        case 'oidc':
          return ui`Put the ID of a public client registered at your issuer into \`mailroom.oidc.clientId\` (no client secret; authorization code, refresh token and PKCE allowed).`
            .value;
      }
    },
  },
  {
    id: 'googleTestingExpiry',
    title: () => ui`Google app in Testing: refresh tokens end after 7 days`.value,
    matches: (evidence) =>
      evidence.provider === 'google' &&
      (evidence.oauthError === 'invalid_grant' || evidence.errorCode === 'SignInRequired') &&
      evidence.grantAgeMs !== undefined &&
      evidence.grantAgeMs >= GOOGLE_TESTING_GRANT_LIMIT_MS,
    fix: () =>
      ui`Sign in again now. To stop this every week, open Google Cloud console → APIs & Services → OAuth consent screen and choose "Publish app" (In production); for personal use it can stay unverified.`
        .value,
  },
];

/** The known mistake the evidence points to, or undefined when it points to none. */
export function recognizeMistake(evidence: FailureEvidence): KnownMistake | undefined {
  const rule = RULES.find((candidate) => candidate.matches(evidence));
  return rule ? { id: rule.id, title: rule.title(), fix: rule.fix(evidence) } : undefined;
}
