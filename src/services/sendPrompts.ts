import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { formatAddress, formatAddressList, loadAddressParser, parseAddressList, recipientProblem, rememberRecipients } from '../mail/addresses';
import type { MailAddress, OutgoingMessage } from '../mail/outgoing';
import { previewText } from '../mail/preview';
import type { PickItem } from '../ui/surfaces';
import { LivePicker, askText, notify, pickOne } from '../ui/surfaces';
import { ui } from '../ui/text';

/** The steps of the Send Selection / Send File flow that ask the user something. */

const RECENT_RECIPIENTS_KEY = 'mailroom.send.recentRecipients';

/** Recent recipients live in globalState: addresses only, never anything secret. */
export class RecentRecipients {
  public constructor(private readonly memento: vscode.Memento) {}

  public async list(): Promise<MailAddress[]> {
    const stored = this.memento.get<unknown>(RECENT_RECIPIENTS_KEY);
    return parseAddressList(
      Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string').join(', ') : '',
      await loadAddressParser(),
    ).valid;
  }

  public async remember(used: readonly MailAddress[]): Promise<void> {
    await this.memento.update(RECENT_RECIPIENTS_KEY, rememberRecipients(await this.list(), used).map(formatAddress));
  }
}

/** The only account, or the one the user picks; offers sign-in when there is none. */
export async function pickAccount(accounts: MailAccounts): Promise<MailAccount | undefined> {
  const all = accounts.list();
  if (all.length === 0) {
    const signIn = ui`Sign In…`;
    return (await notify('info', ui`Sign in to a mail account to send mail.`, signIn)) === signIn ? accounts.signIn() : undefined;
  }
  if (all.length === 1) {
    return all[0];
  }
  const picked = await pickOne(
    all.map((account) => ({ label: ui`${account.email}`, description: ui`${account.provider}`, account })),
    { title: ui`Send from which account?`, placeHolder: ui`Account`, ignoreFocusOut: true },
  );
  return picked?.account;
}

interface RecipientItem extends PickItem {
  readonly addresses: MailAddress[];
}

/**
 * Recent recipients to tick, plus free entry: typing a valid address (or a comma-separated list)
 * adds it as an item; an invalid entry is named and cannot be accepted.
 */
export async function pickRecipients(recent: readonly MailAddress[]): Promise<MailAddress[] | undefined> {
  const parser = await loadAddressParser();
  const quickPick = new LivePicker<RecipientItem>({
    title: ui`Send to`,
    placeHolder: ui`Type addresses (comma-separated) or pick recent recipients`,
    canSelectMany: true,
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  const recentItems: RecipientItem[] = recent.map((address) => ({ label: ui`${formatAddress(address)}`, addresses: [address] }));
  quickPick.items = recentItems;
  const typedItem = (value: string): RecipientItem | undefined => {
    if (!value.trim()) {
      return undefined;
    }
    const problem = recipientProblem(value, parser);
    if (problem) {
      return { icon: 'error', label: ui`${problem}`, alwaysShow: true, addresses: [] };
    }
    const { valid } = parseAddressList(value, parser);
    return { label: ui`${formatAddressList(valid)}`, description: ui`typed`, alwaysShow: true, addresses: valid };
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
      const addresses = parseAddressList(
        chosen
          .flatMap((item) => item.addresses)
          .map(formatAddress)
          .join(', '),
        parser,
      ).valid;
      if (addresses.length > 0) {
        finish(addresses);
      }
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

export async function askSubject(prefill: string): Promise<string | undefined> {
  return askText({
    title: ui`Subject`,
    value: prefill,
    ignoreFocusOut: true,
    validate: (value) => (value.trim() ? undefined : ui`A subject helps the reader`),
  });
}

export async function askNote(): Promise<string | undefined> {
  return askText({ title: ui`Note (optional)`, placeHolder: ui`A few words to go with it; leave empty for none`, ignoreFocusOut: true });
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
      const choice = await pickOne(
        [
          { icon: 'send', label: ui`Send`, decision: 'send' as const, detail: ui`To ${formatAddressList(message.to)}` },
          { icon: 'edit', label: ui`Edit in Composer…`, decision: 'edit' as const },
          { icon: 'close', label: ui`Cancel`, decision: undefined },
        ],
        { title: ui`Preview: this is exactly what will be sent`, ignoreFocusOut: true },
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
