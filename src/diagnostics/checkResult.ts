import type { ProviderKind } from '../auth/accountApi';
import { ui } from '../ui/text';
import type { KnownMistake } from './knownMistakes';

/** The steps of Check Account, in the order they run. */
export type CheckStepId = 'discovery' | 'tokenEndpoint' | 'grant' | 'scopes' | 'imap' | 'folders' | 'smtp';

export const CHECK_STEPS: readonly CheckStepId[] = ['discovery', 'tokenEndpoint', 'grant', 'scopes', 'imap', 'folders', 'smtp'];

/** Each step's title, in the user's language (so made when asked for, after the translator is installed). */
export function stepTitle(step: CheckStepId): string {
  const titles: Readonly<Record<CheckStepId, string>> = {
    discovery: ui`Issuer discovery document (https, issuer match)`.value,
    tokenEndpoint: ui`Token endpoint reachable, client ID known`.value,
    grant: ui`Stored sign-in still valid (a refresh)`.value,
    scopes: ui`Granted permissions cover mail`.value,
    imap: ui`IMAP: TLS, certificate and AUTHENTICATE`.value,
    folders: ui`Sent and Drafts folders found`.value,
    smtp: ui`SMTP: TLS and AUTH (no mail sent)`.value,
  };
  return titles[step];
}

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface CheckStepResult {
  readonly step: CheckStepId;
  readonly status: CheckStatus;
  /** What was found, in Mailroom's words; server and issuer text only quoted, never a credential. */
  readonly detail: string;
  /** The named provider mistake the answers point to; its fix comes first. */
  readonly mistake?: KnownMistake;
  /** What to do when the step failed and no named mistake applies. */
  readonly fix?: string;
}

/** What was checked: a signed-in account, or a provider that has no account yet. */
export interface CheckSubject {
  readonly provider: ProviderKind;
  readonly providerName: string;
  readonly email: string | undefined;
}

export interface CheckReport {
  readonly subject: CheckSubject;
  readonly checkedAtMs: number;
  readonly steps: readonly CheckStepResult[];
  /** A failure shown before the check (sign-in, reading, sending) and the mistake it points to, if any. */
  readonly earlierFailure?: { readonly text: string; readonly mistake: KnownMistake | undefined };
}

export function passed(step: CheckStepId, detail: string): CheckStepResult {
  return { step, status: 'pass', detail };
}

export function skipped(step: CheckStepId, detail: string): CheckStepResult {
  return { step, status: 'skipped', detail };
}

export function failed(step: CheckStepId, detail: string, fix: string, mistake?: KnownMistake): CheckStepResult {
  return { step, status: 'fail', detail, fix, ...(mistake ? { mistake } : {}) };
}
