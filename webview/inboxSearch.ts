// The Inbox's search box: Enter searches (or, empty, goes back to the folder), Escape goes back to the
// folder, and the down arrow moves into the list.
import { element } from './dom';

interface TextField extends HTMLElement {
  value: string;
}

interface SearchActions {
  search(query: string): void;
  clear(): void;
  /** The down arrow: on to the list. */
  leave(): void;
}

export class InboxSearchBox {
  public readonly bar = element('div', { className: 'searchbar', attributes: { role: 'search' } });
  private readonly field = element('vscode-textfield', {
    attributes: { placeholder: 'Search mail (Enter)', 'aria-label': 'Search mail', type: 'search' },
  }) as TextField;

  public constructor(actions: SearchActions) {
    this.bar.append(this.field);
    this.field.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        const query = this.field.value.trim();
        if (query) {
          actions.search(query);
        } else {
          actions.clear();
        }
      } else if (event.key === 'Escape') {
        actions.clear();
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        actions.leave();
      } else if (!event.ctrlKey && !event.metaKey && !event.altKey && (event.key.length === 1 || event.key === 'Delete' || event.key === 'Backspace')) {
        // Typed text is not for the editor's keybindings (the Inbox's shortcuts are letters).
        event.stopPropagation();
      }
    });
  }

  /** Empties the box (the list went back to the whole folder). */
  public empty(): void {
    this.field.value = '';
  }

  public focus(): void {
    this.field.focus();
  }
}
