import * as vscode from 'vscode';
import type { ProviderKind } from '../auth/accountApi';
import type { MailroomError } from '../util/errors';
import { CHECK_ACCOUNT_ACTION } from '../services/accountChecking';
import { notify } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { FailureFix } from './failureFixes';
import { failureNotice } from './failureFixes';
import { redirectUrisFor } from './redirectUris';

/** Puts text on the clipboard and says so: the person sees what they will paste. */
export async function copyToClipboard(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void notify('info', ui`Copied ${text} to the clipboard.`);
}

/** The setup steps a fix button runs (wired in extension.ts, where the account service exists). */
export interface SetupFixes {
  setUp(provider: ProviderKind | undefined): Promise<unknown>;
  setGoogleClientSecret(): Promise<unknown>;
  /** Check Account for the provider, naming the failure that led there. */
  checkAccount(provider: ProviderKind, earlierFailure: string): Promise<unknown>;
}

async function apply(fix: FailureFix, retry: () => void, fixes: SetupFixes): Promise<void> {
  switch (fix.kind) {
    case 'setUp':
      await fixes.setUp(fix.provider);
      return;
    case 'setClientSecret':
      await fixes.setGoogleClientSecret();
      return;
    case 'copy':
      await copyToClipboard(fix.text);
      return;
    case 'tryAgain':
      retry();
      return;
  }
}

/**
 * The one way a sign-in failure reaches the person: its message, plus a button for each fix it
 * has (see {@link failureNotice}); choosing one runs it.
 */
export async function showFailureNotice(
  failure: MailroomError,
  provider: ProviderKind | undefined,
  retry: () => void,
  fixes: SetupFixes,
  checkProvider: ProviderKind | undefined,
): Promise<void> {
  const notice = failureNotice(failure, { provider, redirectUris: provider ? redirectUrisFor(provider, vscode.env.uriScheme) : [] });
  const chosen = await notify('error', notice.message, ...notice.fixes.map((fix) => fix.label), ...(checkProvider ? [CHECK_ACCOUNT_ACTION] : []));
  const fix = notice.fixes.find((candidate) => candidate.label === chosen);
  if (fix) {
    await apply(fix, retry, fixes);
  } else if (checkProvider && chosen === CHECK_ACCOUNT_ACTION) {
    await fixes.checkAccount(checkProvider, notice.message.value);
  }
}
