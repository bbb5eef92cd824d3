import * as vscode from 'vscode';
import type { AccountChecking } from '../services/accountChecking';

/** "Mailroom: Check Account…" from the palette: the person picks what to check. */
export function registerCheckAccountCommand(checking: AccountChecking): vscode.Disposable {
  return vscode.commands.registerCommand('mailroom.checkAccount', () => checking.check());
}
