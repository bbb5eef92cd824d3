// The Inbox's account and folder pickers: they show the accounts and folders they are given and say
// when the person picks another one.
import type { AccountSummary, FolderSummary } from '../src/shared/protocol';
import { element } from './dom';
import { t } from './strings';

interface SelectElement extends HTMLElement {
  value: string;
}

interface PickerChoices {
  /** Another account was picked. */
  account(accountId: string): void;
  /** Another folder was picked. */
  folder(path: string): void;
  /** The folder picker is about to open (pointer over it, or focus on it): its counts should be current. */
  openingFolders(): void;
}

export class InboxPickers {
  public readonly toolbar = element('div', { className: 'toolbar' });
  private readonly accountSelect = element('vscode-single-select', {
    className: 'account-select',
    attributes: { 'aria-label': t('account') },
  }) as SelectElement;
  private readonly folderSelect = element('vscode-single-select', { className: 'folder-select', attributes: { 'aria-label': t('folder') } }) as SelectElement;
  /** The folders' labels as shown: the same list again is not rebuilt (an open drop-down keeps its place). */
  private shownFolders = '';

  /** `current` says which account and folder are shown: a pick of the same one is no change. */
  public constructor(current: () => { accountId: string | undefined; folder: string }, choices: PickerChoices) {
    this.toolbar.append(this.accountSelect, this.folderSelect);
    this.accountSelect.addEventListener('change', () => {
      if (this.accountSelect.value && this.accountSelect.value !== current().accountId) {
        choices.account(this.accountSelect.value);
      }
    });
    this.folderSelect.addEventListener('change', () => {
      if (this.folderSelect.value && this.folderSelect.value !== current().folder) {
        choices.folder(this.folderSelect.value);
      }
    });
    this.folderSelect.addEventListener('pointerenter', () => choices.openingFolders());
    this.folderSelect.addEventListener('focusin', () => choices.openingFolders());
  }

  /** The picker is shown only when there is more than one account to pick from. */
  public showAccounts(accounts: AccountSummary[], selectedId: string | undefined): void {
    this.accountSelect.replaceChildren(
      ...accounts.map((account) => {
        const option = element('vscode-option', { text: account.email, attributes: { value: account.id } });
        if (account.id === selectedId) {
          option.setAttribute('selected', '');
        }
        return option;
      }),
    );
    this.accountSelect.hidden = accounts.length <= 1;
    if (selectedId) {
      this.accountSelect.value = selectedId;
    }
  }

  /** Each folder with its unread count, if any. */
  public showFolders(folders: FolderSummary[], selectedPath: string): void {
    const labels = folders.map((folder) => ({ path: folder.path, label: folder.unread ? `${folder.name} (${folder.unread})` : folder.name }));
    const shown = JSON.stringify([selectedPath, labels]);
    if (shown === this.shownFolders) {
      this.folderSelect.value = selectedPath;
      return;
    }
    this.shownFolders = shown;
    this.folderSelect.replaceChildren(
      ...labels.map(({ path, label }) => {
        const option = element('vscode-option', { text: label, attributes: { value: path } });
        if (path === selectedPath) {
          option.setAttribute('selected', '');
        }
        return option;
      }),
    );
    this.folderSelect.value = selectedPath;
  }
}
