import * as vscode from 'vscode';
import { PROVIDER_KINDS } from '../auth/providerConfig';
import type { CheckTarget } from '../diagnostics/accountCheck';
import type { AccountChecking } from '../services/accountChecking';

/** An argument a keybinding or a test may pass: `{ accountId }` or `{ provider }`, with an optional failure text. */
function isCheckTarget(value: unknown): value is CheckTarget {
  const target = value as Partial<Record<'accountId' | 'provider' | 'earlierFailure', unknown>> | undefined;
  if (typeof target !== 'object' || target === null || (target.earlierFailure !== undefined && typeof target.earlierFailure !== 'string')) {
    return false;
  }
  return typeof target.accountId === 'string' || (PROVIDER_KINDS as readonly unknown[]).includes(target.provider);
}

/** "Mailroom: Check Account…": from the palette the person picks what to check. */
export function registerCheckAccountCommand(checking: AccountChecking): vscode.Disposable {
  return vscode.commands.registerCommand('mailroom.checkAccount', (argument?: unknown) => checking.check(isCheckTarget(argument) ? argument : undefined));
}
