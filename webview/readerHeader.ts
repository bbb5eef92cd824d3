// The reader's header: subject, addresses, date, and the toolbar of actions on the message shown.
// Made once; each message updates it.
import type { AddressView, MessageAction, MessageView } from '../src/shared/protocol';
import { element, vscodeButton } from './dom';

interface HeaderActions {
  /** An action on the message shown. */
  act(action: MessageAction): void;
  viewSource(): void;
}

export class ReaderHeader {
  public readonly root = element('header', { className: 'reader-header' });
  private readonly title = element('h1', { attributes: { tabindex: '-1' } });
  private readonly meta = element('dl', { className: 'meta' });
  private readonly readToggle: HTMLElement;
  private readonly flagToggle: HTMLElement;

  /** `shown` is the message on screen: what a toggle does depends on its flags when it is pressed. */
  public constructor(shown: () => MessageView | undefined, actions: HeaderActions) {
    const toolbar = element('div', { className: 'actions', attributes: { role: 'toolbar', 'aria-label': 'Message actions' } });
    const button = (label: string, icon: string, action: () => MessageAction): HTMLElement =>
      vscodeButton(label, () => actions.act(action()), { icon, secondary: true });
    this.readToggle = button('Mark Unread', 'mail', () => (shown()?.unread ? 'markRead' : 'markUnread'));
    this.flagToggle = button('Flag', 'star-empty', () => (shown()?.flagged ? 'unflag' : 'flag'));
    toolbar.append(
      button('Reply', 'reply', () => 'reply'),
      button('Reply All', 'mail-reply', () => 'replyAll'),
      button('Forward', 'forward', () => 'forward'),
      this.readToggle,
      this.flagToggle,
      button('Archive', 'archive', () => 'archive'),
      button('Delete', 'trash', () => 'delete'),
      button('Move…', 'folder', () => 'move'),
      vscodeButton('View Source', () => actions.viewSource(), { icon: 'file-code', secondary: true }),
    );
    this.root.append(this.title, this.meta, toolbar);
  }

  public show(view: MessageView): void {
    this.title.textContent = view.subject || '(no subject)';
    const rows: HTMLElement[] = [];
    const addRow = (label: string, value: string): void => {
      if (value) {
        rows.push(element('dt', { text: label }), element('dd', { text: value }));
      }
    };
    addRow('From', formatAddresses(view.from));
    addRow('To', formatAddresses(view.to));
    addRow('Cc', formatAddresses(view.cc));
    addRow('Date', view.date === undefined ? '' : new Date(view.date).toLocaleString());
    this.meta.replaceChildren(...rows);
    this.showFlags(view);
  }

  /** The toggles say what pressing them does to the message's flags. */
  public showFlags(flags: { unread: boolean; flagged: boolean }): void {
    relabel(this.readToggle, flags.unread ? { label: 'Mark Read', icon: 'mail-read' } : { label: 'Mark Unread', icon: 'mail' });
    relabel(this.flagToggle, flags.flagged ? { label: 'Unflag', icon: 'star-full' } : { label: 'Flag', icon: 'star-empty' });
  }

  public focusTitle(): void {
    this.title.focus();
  }
}

/** Changes a button's label and icon only when they differ: each change re-renders the component. */
function relabel(button: HTMLElement, { label, icon }: { label: string; icon: string }): void {
  if (button.textContent !== label) {
    button.textContent = label;
  }
  if (button.getAttribute('icon') !== icon) {
    button.setAttribute('icon', icon);
  }
}

function formatAddresses(addresses: AddressView[]): string {
  return addresses.map((address) => (address.name && address.name !== address.address ? `${address.name} <${address.address}>` : address.address)).join(', ');
}
