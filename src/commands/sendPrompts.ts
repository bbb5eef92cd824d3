import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accounts';
import { formatAddress, formatAddressList, parseAddressList, recipientProblem, rememberRecipients } from '../mail/addresses';
import type { MailAddress, OutgoingMessage } from '../mail/outgoing';
import { previewText } from '../mail/preview';

/** The steps of the Send Selection / Send File flow that ask the user something. */

const RECENT_RECIPIENTS_KEY = 'mailroom.send.recentRecipients';

/** Recent recipients live in globalState: addresses only, never anything secret. */
export class RecentRecipients {
  public constructor(private readonly memento: vscode.Memento) {}

  public list(): MailAddress[] {
    const stored = this.memento.get<unknown>(RECENT_RECIPIENTS_KEY);
    return parseAddressList(Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string').join(', ') : '').valid;
  }

  public async remember(used: readonly MailAddress[]): Promise<void> {
    await this.memento.update(RECENT_RECIPIENTS_KEY, rememberRecipients(this.list(), used).map(formatAddress));
  }
}

/** The only account, or the one the user picks; offers sign-in when there is none. */
export async function pickAccount(accounts: MailAccounts): Promise<MailAccount | undefined> {
  const all = accounts.list();
  if (all.length === 0) {
    const choice = await vscode.window.showInformationMessage('Sign in to a mail account to send mail.', 'Sign In…');
    return choice ? accounts.signIn() : undefined;
  }
  if (all.length === 1) {
    return all[0];
  }
  const picked = await vscode.window.showQuickPick(
    all.map((account) => ({ label: account.email, description: account.provider, account })),
    { title: 'Send from which account?', placeHolder: 'Account', ignoreFocusOut: true },
  );
  return picked?.account;
}

interface RecipientItem extends vscode.QuickPickItem {
  readonly addresses: MailAddress[];
}

/**
 * Recent recipients to tick, plus free entry: typing a valid address (or a comma-separated list)
 * adds it as an item; an invalid entry is named and cannot be accepted.
 */
export async function pickRecipients(recent: readonly MailAddress[]): Promise<MailAddress[] | undefined> {
  const quickPick = vscode.window.createQuickPick<RecipientItem>();
  quickPick.title = 'Send to';
  quickPick.placeholder = 'Type addresses (comma-separated) or pick recent recipients';
  quickPick.canSelectMany = true;
  quickPick.ignoreFocusOut = true;
  quickPick.matchOnDescription = true;
  const recentItems: RecipientItem[] = recent.map((address) => ({ label: formatAddress(address), addresses: [address] }));
  quickPick.items = recentItems;
  const typedItem = (value: string): RecipientItem | undefined => {
    if (!value.trim()) {
      return undefined;
    }
    const problem = recipientProblem(value);
    if (problem) {
      return { label: `$(error) ${problem}`, alwaysShow: true, addresses: [] };
    }
    const { valid } = parseAddressList(value);
    return { label: formatAddressList(valid), description: 'typed', alwaysShow: true, addresses: valid };
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: MailAddress[] | undefined): void => {
      if (!settled) {
        settled = true;
        resolve(value);
        quickPick.dispose();
      }
    };
    quickPick.onDidChangeValue((value) => {
      const typed = typedItem(value);
      const kept = quickPick.selectedItems.filter((item) => recentItems.includes(item));
      quickPick.items = typed ? [typed, ...recentItems] : recentItems;
      quickPick.selectedItems = typed && typed.addresses.length > 0 ? [typed, ...kept] : kept;
    });
    quickPick.onDidAccept(() => {
      const typed = typedItem(quickPick.value);
      if (typed && typed.addresses.length === 0) {
        return; // The error item says what is wrong; the picker stays open.
      }
      const chosen = [...(typed ? [typed] : []), ...quickPick.selectedItems.filter((item) => recentItems.includes(item))];
      const addresses = parseAddressList(chosen.flatMap((item) => item.addresses).map(formatAddress).join(', ')).valid;
      if (addresses.length > 0) {
        finish(addresses);
      }
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

export async function askSubject(prefill: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: 'Subject', value: prefill, ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'A subject helps the reader') });
}

export async function askNote(): Promise<string | undefined> {
  return vscode.window.showInputBox({ title: 'Note (optional)', placeHolder: 'A few words to go with it; leave empty for none', ignoreFocusOut: true });
}

export type PreviewDecision = 'send' | 'edit' | undefined;

const PREVIEW_SCHEME = 'mailroom-preview';

/** Read-only documents with the preview text, keyed by a counter in the URI. */
export class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  public register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);
  }

  public provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  /** Shows the preview beside the editor and asks Send / Edit in Composer / Cancel. */
  public async confirm(account: MailAccount, message: OutgoingMessage): Promise<PreviewDecision> {
    this.counter += 1;
    const path = `/Message ${this.counter} to ${message.to[0]?.address ?? 'recipient'}.txt`;
    this.contents.set(path, previewText(account, message));
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path });
    await vscode.window.showTextDocument(uri, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    try {
      const choice = await vscode.window.showQuickPick(
        [
          { label: '$(send) Send', decision: 'send' as const, detail: `To ${formatAddressList(message.to)}` },
          { label: '$(edit) Edit in Composer…', decision: 'edit' as const },
          { label: '$(close) Cancel', decision: undefined },
        ],
        { title: 'Preview: this is exactly what will be sent', ignoreFocusOut: true },
      );
      return choice?.decision;
    } finally {
      this.contents.delete(path);
      await closePreview(uri);
    }
  }
}

async function closePreview(uri: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString()) {
        await vscode.window.tabGroups.close(tab);
      }
    }
  }
}
