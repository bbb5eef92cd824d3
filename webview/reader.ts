// The reader: headers, actions, the body (sanitized HTML in a sandboxed frame, or text),
// remote-content choice, links (opened only through the extension) and attachments.
import type { AddressView, ExtensionToReader, MessageAction, MessageView, ReaderToExtension } from '../src/shared/protocol';
import { sanitizeMailHtml, themeVariables } from './sanitize';
import { codicon, element, onMessage, post } from './vscodeApi';

const textLinkPattern = /\b(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]|mailto:[^\s<>"']+[^\s<>"'.,;:!?)\]])/gi;

export class ReaderApp {
  private view: MessageView | undefined;

  public constructor(
    private readonly root: HTMLElement,
    private readonly nonce: string,
  ) {
    onMessage((data) => this.receive(data as ExtensionToReader));
    document.addEventListener('keydown', (event) => this.onKey(event));
    this.send({ type: 'ready' });
  }

  private send(message: ReaderToExtension): void {
    post(message);
  }

  private receive(message: ExtensionToReader): void {
    switch (message.type) {
      case 'message':
        this.view = message.view;
        this.render(message.view, message.allowRemoteContent);
        return;
      case 'flags':
        if (this.view) {
          this.view = { ...this.view, flagged: message.flagged, unread: message.unread };
          this.renderActions();
        }
        return;
    }
  }

  private render(view: MessageView, allowRemote: boolean): void {
    this.themeObserver?.disconnect();
    const header = element('header', { className: 'reader-header' });
    header.append(element('h1', { text: view.subject || '(no subject)', attributes: { tabindex: '-1' } }));
    const meta = element('dl', { className: 'meta' });
    const addRow = (label: string, value: string): void => {
      if (value) {
        meta.append(element('dt', { text: label }), element('dd', { text: value }));
      }
    };
    addRow('From', formatAddresses(view.from));
    addRow('To', formatAddresses(view.to));
    addRow('Cc', formatAddresses(view.cc));
    addRow('Date', view.date === undefined ? '' : new Date(view.date).toLocaleString());
    header.append(meta, element('div', { className: 'actions', attributes: { role: 'toolbar', 'aria-label': 'Message actions' } }));
    this.root.replaceChildren(header);
    this.renderActions();

    if (view.html !== undefined) {
      const sanitized = sanitizeMailHtml(view.html, { allowRemote, nonce: this.nonce, themeCss: themeVariables() });
      if (sanitized.blockedRemote > 0 && !allowRemote) {
        this.root.append(this.remoteBanner(sanitized.blockedRemote));
      }
      const frame = element('iframe', { className: 'mail-frame', attributes: { sandbox: '', title: 'Message body', referrerpolicy: 'no-referrer' } });
      frame.srcdoc = sanitized.document;
      this.root.append(frame);
      // The frame does not inherit the theme's variables: rebuild its document when the theme changes.
      this.followTheme(() => {
        frame.srcdoc = sanitizeMailHtml(view.html ?? '', { allowRemote, nonce: this.nonce, themeCss: themeVariables() }).document;
      });
      if (sanitized.links.length > 0) {
        this.root.append(this.linkList(sanitized.links));
      }
    } else {
      const text = element('div', { className: 'mail-text', attributes: { role: 'document', 'aria-label': 'Message body' } });
      appendLinkifiedText(text, view.text, (url) => this.send({ type: 'openLink', url }));
      this.root.append(text);
    }
    if (view.truncated) {
      this.root.append(element('p', { className: 'note', text: 'This message is long; only its beginning is shown.' }));
    }
    if (view.attachments.length > 0) {
      this.root.append(this.attachmentList(view));
    }
  }

  private themeObserver: MutationObserver | undefined;

  /** Calls `refresh` whenever the editor switches theme (it restyles <html> and re-classes <body>). */
  private followTheme(refresh: () => void): void {
    let last = themeVariables();
    this.themeObserver = new MutationObserver(() => {
      const current = themeVariables();
      if (current !== last) {
        last = current;
        refresh();
      }
    });
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  private renderActions(): void {
    const view = this.view;
    const toolbar = this.root.querySelector('.actions');
    if (!view || !toolbar) {
      return;
    }
    const actions: [MessageAction, string, string][] = [
      ['reply', 'Reply', 'reply'],
      ['replyAll', 'Reply All', 'mail-reply'],
      ['forward', 'Forward', 'forward'],
      view.unread ? ['markRead', 'Mark Read', 'mail-read'] : ['markUnread', 'Mark Unread', 'mail'],
      view.flagged ? ['unflag', 'Unflag', 'star-full'] : ['flag', 'Flag', 'star-empty'],
      ['archive', 'Archive', 'archive'],
      ['delete', 'Delete', 'trash'],
      ['move', 'Move…', 'folder'],
    ];
    toolbar.replaceChildren(...actions.map(([action, label, icon]) => {
      const button = element('vscode-button', { text: label, attributes: { icon, secondary: '' } });
      button.addEventListener('click', () => this.send({ type: 'action', action }));
      return button;
    }));
  }

  private remoteBanner(count: number): HTMLElement {
    const banner = element('div', { className: 'banner remote', attributes: { role: 'status' } });
    const load = element('vscode-button', { text: 'Load Remote Content', attributes: { secondary: '' } });
    load.addEventListener('click', () => this.send({ type: 'loadRemoteContent' }));
    const always = element('vscode-button', { text: 'Always for This Sender', attributes: { secondary: '' } });
    always.addEventListener('click', () => this.send({ type: 'alwaysLoadRemoteContentFromSender' }));
    banner.append(codicon('shield'), element('span', { text: `Remote content (${count}) was blocked to protect your privacy.` }), load, always);
    return banner;
  }

  private linkList(links: { href: string; text: string }[]): HTMLElement {
    const details = element('details', { className: 'links' });
    details.append(element('summary', { text: `Links in this message (${links.length})` }));
    // Filled when first opened: a newsletter can hold hundreds of links, and the list is rarely opened.
    details.addEventListener('toggle', () => {
      if (details.open && !details.querySelector('ul')) {
        details.append(this.linkItems(links));
      }
    });
    return details;
  }

  private linkItems(links: { href: string; text: string }[]): HTMLElement {
    const list = element('ul');
    for (const link of links) {
      const item = element('li');
      const button = element('button', { className: 'link-button', text: link.text || link.href, attributes: { type: 'button', title: link.href } });
      button.addEventListener('click', () => this.send({ type: 'openLink', url: link.href }));
      item.append(button, element('span', { className: 'link-target', text: hostOf(link.href) }));
      list.append(item);
    }
    return list;
  }

  private attachmentList(view: MessageView): HTMLElement {
    const section = element('section', { className: 'attachments', attributes: { 'aria-label': 'Attachments' } });
    section.append(element('h2', { text: `Attachments (${view.attachments.length})` }));
    const list = element('ul');
    for (const attachment of view.attachments) {
      const item = element('li');
      const save = element('vscode-button', { text: 'Save As…', attributes: { icon: 'save', secondary: '' } });
      save.addEventListener('click', () => this.send({ type: 'saveAttachment', index: attachment.index }));
      item.append(codicon('file'), element('span', { className: 'name', text: attachment.filename }), element('span', { className: 'size', text: formatSize(attachment.size) }), save);
      if (attachment.contentType.startsWith('text/')) {
        const open = element('vscode-button', { text: 'Open', attributes: { icon: 'go-to-file', secondary: '' } });
        open.addEventListener('click', () => this.send({ type: 'openAttachment', index: attachment.index }));
        item.append(open);
      }
      list.append(item);
    }
    section.append(list);
    return section;
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (event.altKey || event.ctrlKey || event.metaKey || (target && /^(INPUT|TEXTAREA|VSCODE-TEXTFIELD)$/.test(target.tagName))) {
      return;
    }
    const shortcuts: Record<string, MessageAction> = { r: 'reply', R: 'replyAll', f: 'forward', a: 'archive', e: 'archive', Delete: 'delete', '#': 'delete', u: 'markUnread', s: 'flag' };
    const action = shortcuts[event.key];
    if (action) {
      event.preventDefault();
      this.send({ type: 'action', action: action === 'flag' && this.view?.flagged ? 'unflag' : action });
    } else if (event.key === 'Escape') {
      this.root.querySelector<HTMLElement>('h1')?.focus();
    }
  }
}

function formatAddresses(addresses: AddressView[]): string {
  return addresses.map((address) => (address.name && address.name !== address.address ? `${address.name} <${address.address}>` : address.address)).join(', ');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function hostOf(href: string): string {
  try {
    const url = new URL(href);
    return url.protocol === 'mailto:' ? url.pathname : url.host;
  } catch {
    return '';
  }
}

/** Plain text with its links as buttons that ask the extension (which confirms before opening). */
function appendLinkifiedText(container: HTMLElement, text: string, open: (url: string) => void): void {
  let last = 0;
  for (const match of text.matchAll(textLinkPattern)) {
    const index = match.index ?? 0;
    container.append(document.createTextNode(text.slice(last, index)));
    const url = match[0];
    const link = element('a', { className: 'text-link', text: url, attributes: { role: 'link', tabindex: '0' } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      open(url);
    });
    link.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        open(url);
      }
    });
    container.append(link);
    last = index + url.length;
  }
  container.append(document.createTextNode(text.slice(last)));
}
