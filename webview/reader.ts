// The reader: headers, actions, the body (sanitized HTML in a sandboxed frame, or text),
// remote-content choice, links (opened only through the extension) and attachments.
import type { AddressView, MessageAction, MessageRef, MessageView, ReaderProtocol, SenderTrust } from '../src/shared/protocol';
import type { MessagesOf, NotificationToWebview } from '../src/shared/webviewProtocol';
import { opensAsText } from '../src/shared/protocol';
import { textLinkPattern } from '../src/shared/textLinks';
import { sanitizeMailHtml, themeVariables } from './sanitize';
import type { WebviewClient } from './webviewClient';
import { codicon, element, loadingIndicator } from './dom';
import { connect } from './vscodeApi';

/** The header's parts, made once and updated for each message. */
interface ReaderHeader {
  root: HTMLElement;
  title: HTMLHeadingElement;
  meta: HTMLDListElement;
  readToggle: HTMLElement;
  flagToggle: HTMLElement;
}

export class ReaderApp {
  private view: MessageView | undefined;
  private readonly header: ReaderHeader;
  /**
   * The sandboxed frame for HTML mail, loaded (empty and hidden) before the first message arrives
   * and kept for every later one: starting a sandboxed frame is most of the time a message takes
   * to show, and taking it out of the document would throw its browsing context away.
   */
  private readonly frame: HTMLIFrameElement;
  private readonly client: WebviewClient<ReaderProtocol>;

  public constructor(
    private readonly root: HTMLElement,
    private readonly nonce: string,
  ) {
    this.header = this.createHeader();
    this.frame = element('iframe', { className: 'mail-frame', attributes: { sandbox: '', title: 'Message body', referrerpolicy: 'no-referrer', srcdoc: '' } });
    this.frame.hidden = true;
    // Until the first message arrives (the extension may still be fetching it); the first render removes it.
    this.root.append(this.frame, loadingIndicator('Loading the message'));
    const receive = (message: NotificationToWebview<ReaderProtocol>): void => this.receive(message);
    this.client = connect<ReaderProtocol>({ message: receive, flags: receive });
    document.addEventListener('keydown', (event) => this.onKey(event));
    this.client.ready();
  }

  private send(message: MessagesOf<ReaderProtocol['toExtension']>): void {
    this.client.post(message);
  }

  /** An action on the message shown (which the extension checks is still the one it means). */
  private act(action: MessageAction): void {
    if (this.view) {
      this.send({ type: 'action', action, message: this.view.ref });
    }
  }

  private receive(message: NotificationToWebview<ReaderProtocol>): void {
    switch (message.type) {
      case 'message':
        this.view = message.view;
        this.render(message.view, message.allowRemoteContent, message.senderTrust);
        return;
      case 'flags':
        if (this.view) {
          this.view = { ...this.view, flagged: message.flagged, unread: message.unread };
          this.updateToggles();
        }
        return;
    }
  }

  private render(view: MessageView, allowRemote: boolean, senderTrust: SenderTrust): void {
    this.themeObserver?.disconnect();
    this.header.title.textContent = view.subject || '(no subject)';
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
    this.header.meta.replaceChildren(...rows);
    this.updateToggles();

    const banners: HTMLElement[] = [];
    if (view.malformed) {
      banners.push(malformedNote());
    }
    const after: HTMLElement[] = [];
    let body: HTMLElement;
    if (view.html !== undefined) {
      const sanitized = sanitizeMailHtml(view.html, { allowRemote, nonce: this.nonce, themeCss: themeVariables() });
      if (sanitized.blockedRemote > 0 && !allowRemote) {
        banners.push(this.remoteBanner(sanitized.blockedRemote, view.ref, senderTrust));
      }
      if (senderTrust.kind === 'applied') {
        banners.push(this.trustedSenderBanner(senderTrust.sender, view.ref));
      }
      this.frame.srcdoc = sanitized.document;
      body = this.frame;
      // The frame does not inherit the theme's variables: rebuild its document when the theme changes.
      this.followTheme(() => {
        this.frame.srcdoc = sanitizeMailHtml(view.html ?? '', { allowRemote, nonce: this.nonce, themeCss: themeVariables() }).document;
      });
      if (sanitized.links.length > 0) {
        after.push(this.linkList(sanitized.links));
      }
    } else {
      body = element('div', { className: 'mail-text', attributes: { role: 'document', 'aria-label': 'Message body' } });
      appendLinkifiedText(body, view.text, (url) => this.send({ type: 'openLink', url }));
    }
    if (view.truncated) {
      after.push(element('p', { className: 'note', text: 'This message is long; only its beginning is shown.' }));
    }
    if (view.attachments.length > 0) {
      after.push(this.attachmentList(view));
    }
    if (body !== this.frame && this.frame.srcdoc !== '') {
      // A text message: the last HTML one leaves the frame, and its memory.
      this.frame.srcdoc = '';
    }
    this.frame.hidden = body !== this.frame;
    // The header and the frame stay; the rest is replaced around them.
    for (const child of [...this.root.children]) {
      if (child !== this.header.root && child !== this.frame) {
        child.remove();
      }
    }
    if (this.header.root.parentElement !== this.root) {
      this.root.prepend(this.header.root);
    }
    this.frame.before(...banners);
    this.frame.after(...(body === this.frame ? after : [body, ...after]));
  }

  /** Subject, addresses and the actions' toolbar; its buttons act on whichever message is shown. */
  private createHeader(): ReaderHeader {
    const root = element('header', { className: 'reader-header' });
    const title = element('h1', { attributes: { tabindex: '-1' } });
    const meta = element('dl', { className: 'meta' });
    const toolbar = element('div', { className: 'actions', attributes: { role: 'toolbar', 'aria-label': 'Message actions' } });
    const button = (label: string, icon: string, action: () => MessageAction): HTMLElement => {
      const created = element('vscode-button', { text: label, attributes: { icon, secondary: '' } });
      created.addEventListener('click', () => this.act(action()));
      return created;
    };
    const readToggle = button('Mark Unread', 'mail', () => (this.view?.unread ? 'markRead' : 'markUnread'));
    const viewSource = element('vscode-button', { text: 'View Source', attributes: { icon: 'file-code', secondary: '' } });
    viewSource.addEventListener('click', () => {
      if (this.view) {
        this.send({ type: 'viewSource', message: this.view.ref });
      }
    });
    const flagToggle = button('Flag', 'star-empty', () => (this.view?.flagged ? 'unflag' : 'flag'));
    toolbar.append(
      button('Reply', 'reply', () => 'reply'),
      button('Reply All', 'mail-reply', () => 'replyAll'),
      button('Forward', 'forward', () => 'forward'),
      readToggle,
      flagToggle,
      button('Archive', 'archive', () => 'archive'),
      button('Delete', 'trash', () => 'delete'),
      button('Move…', 'folder', () => 'move'),
      viewSource,
    );
    root.append(title, meta, toolbar);
    return { root, title, meta, readToggle, flagToggle };
  }

  private updateToggles(): void {
    const view = this.view;
    if (!view) {
      return;
    }
    relabel(this.header.readToggle, view.unread ? { label: 'Mark Read', icon: 'mail-read' } : { label: 'Mark Unread', icon: 'mail' });
    relabel(this.header.flagToggle, view.flagged ? { label: 'Unflag', icon: 'star-full' } : { label: 'Flag', icon: 'star-empty' });
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

  private remoteBanner(count: number, message: MessageRef, senderTrust: SenderTrust): HTMLElement {
    const banner = element('div', { className: 'banner remote', attributes: { role: 'status' } });
    const load = element('vscode-button', { text: 'Load Remote Content', attributes: { secondary: '' } });
    load.addEventListener('click', () => this.send({ type: 'loadRemoteContent', message }));
    banner.append(codicon('shield'), element('span', { text: `Remote content (${count}) was blocked to protect your privacy.` }), load);
    if (senderTrust.kind === 'offered') {
      const always = element('vscode-button', { text: 'Always for This Sender', attributes: { secondary: '' } });
      always.addEventListener('click', () => this.send({ type: 'alwaysLoadRemoteContentFromSender', message }));
      banner.append(always);
    } else if (senderTrust.kind === 'withheld') {
      // Why a trusted sender's mail is blocked after all, or why trusting is not offered: the
      // headers say someone other than From sent it.
      const note = senderTrust.trusted
        ? `You trust mail from ${senderTrust.sender}, but not this message: ${senderTrust.reason}.`
        : `Trusting ${senderTrust.sender} is not offered for this message: ${senderTrust.reason}.`;
      banner.append(element('span', { className: 'trust-note', text: note }));
      if (senderTrust.trusted) {
        banner.append(this.stopTrustingButton(message));
      }
    }
    return banner;
  }

  /** Trust made visible: whose mail loads remote content on its own, and the way back. */
  private trustedSenderBanner(sender: string, message: MessageRef): HTMLElement {
    const banner = element('div', { className: 'banner trusted-sender', attributes: { role: 'status' } });
    banner.append(codicon('unlock'), element('span', { text: `Remote content loads automatically in mail from ${sender}, because you chose to trust this sender.` }), this.stopTrustingButton(message));
    return banner;
  }

  private stopTrustingButton(message: MessageRef): HTMLElement {
    const stop = element('vscode-button', { text: 'Stop Trusting This Sender', attributes: { secondary: '' } });
    stop.addEventListener('click', () => this.send({ type: 'stopTrustingSender', message }));
    return stop;
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
      save.addEventListener('click', () => this.send({ type: 'saveAttachment', index: attachment.index, message: view.ref }));
      item.append(codicon('file'), element('span', { className: 'name', text: attachment.filename }), element('span', { className: 'size', text: formatSize(attachment.size) }), save);
      if (opensAsText(attachment.contentType)) {
        const open = element('vscode-button', { text: 'Open', attributes: { icon: 'go-to-file', secondary: '' } });
        open.addEventListener('click', () => this.send({ type: 'openAttachment', index: attachment.index, message: view.ref }));
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
      this.act(action === 'flag' && this.view?.flagged ? 'unflag' : action);
    } else if (event.key === 'Escape') {
      this.root.querySelector<HTMLElement>('h1')?.focus();
    }
  }
}

/** Said above the body when the MIME structure is broken and the body shows source text instead. */
function malformedNote(): HTMLElement {
  const note = element('div', { className: 'banner malformed', attributes: { role: 'status' } });
  note.append(codicon('warning'), element('span', { text: 'This message is malformed; showing its source text.' }));
  return note;
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
