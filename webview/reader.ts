// The reader: puts a message's header, notes, body (sanitized HTML in a sandboxed frame, or text),
// links and attachments on the page, and turns what the person does (buttons, keyboard shortcuts)
// into messages to the extension.
import type { MessageAction, MessageRef, MessageView, ReaderProtocol, SenderTrust, SnippetView } from '../src/shared/protocol';
import type { NotificationToWebview } from '../src/shared/webviewProtocol';
import { element, loadingIndicator } from './dom';
import { attachmentList } from './readerAttachments';
import type { RemoteContentChoices } from './readerBanners';
import { malformedNote, remoteContentBanner, trustedSenderBanner } from './readerBanners';
import { conversationSection } from './readerConversation';
import { MailFrame } from './readerFrame';
import { ReaderHeader } from './readerHeader';
import { linkList, textBody } from './readerLinks';
import { snippetList } from './readerSnippets';
import { patchBody, patchTooLargeNote } from './readerPatch';
import type { WebviewClient } from './webviewClient';
import { connect } from './vscodeApi';
import { reportFocusChanges } from './focusReport';
import { t } from './strings';

export class ReaderApp {
  private view: MessageView | undefined;
  private readonly client: WebviewClient<ReaderProtocol>;
  private readonly header: ReaderHeader;
  private readonly frame: MailFrame;

  public constructor(
    private readonly root: HTMLElement,
    nonce: string,
  ) {
    const receive = (message: NotificationToWebview<ReaderProtocol>): void => this.receive(message);
    this.client = connect<ReaderProtocol>({ message: receive, conversation: receive, flags: receive, shortcut: receive });
    this.header = new ReaderHeader(() => this.view, {
      act: (action) => this.act(action),
      viewSource: () => {
        if (this.view) {
          this.client.post({ type: 'viewSource', message: this.view.ref });
        }
      },
    });
    this.frame = new MailFrame(nonce);
    // Until the first message arrives (the extension may still be fetching it); the first render removes it.
    this.root.append(this.frame.element, loadingIndicator(t('loadingMessage')));
    document.addEventListener('keydown', (event) => this.onKey(event));
    this.client.ready();
    reportFocusChanges((focused) => this.client.post({ type: 'focusChanged', focused }));
  }

  /** An action on the message shown (which the extension checks is still the one it means). */
  private act(action: MessageAction): void {
    if (this.view) {
      this.client.post({ type: 'action', action, message: this.view.ref });
    }
  }

  private receive(message: NotificationToWebview<ReaderProtocol>): void {
    switch (message.type) {
      case 'message':
        this.view = message.view;
        this.render(message.view, message.allowRemoteContent, message.senderTrust, message.snippets ?? []);
        return;
      case 'conversation':
        if (this.view && sameRef(this.view.ref, message.ref) && message.others.length > 0) {
          this.root.querySelector('.conversation')?.remove();
          this.root.prepend(conversationSection(message.others, (url) => this.client.post({ type: 'openLink', url })));
        }
        return;
      case 'flags':
        if (this.view) {
          this.view = { ...this.view, flagged: message.flagged, unread: message.unread };
          this.header.showFlags(this.view);
        }
        return;
      case 'shortcut':
        this.act(message.action === 'toggleFlag' ? (this.view?.flagged ? 'unflag' : 'flag') : message.action);
        return;
    }
  }

  private render(view: MessageView, allowRemote: boolean, senderTrust: SenderTrust, snippets: readonly SnippetView[]): void {
    this.header.show(view);
    const openLink = (url: string): void => this.client.post({ type: 'openLink', url });
    const banners: HTMLElement[] = [];
    if (view.malformed) {
      banners.push(malformedNote());
    }
    const after: HTMLElement[] = [];
    let body: HTMLElement | undefined;
    const patchActions = { apply: () => this.act('applyPatch'), reply: () => this.act('replyToPatch') };
    const patch = view.patch ? patchBody(view.patch, view.subject, patchActions) : undefined;
    if (view.patchTooLarge) {
      after.push(patchTooLargeNote(view.patchTooLarge, view.subject, patchActions));
    }
    if (patch && view.patch?.attachment !== undefined) {
      // An attached patch follows the message's own text (or HTML), which says what it is.
      after.push(patch);
    }
    if (view.html !== undefined) {
      const sanitized = this.frame.show(view.html, allowRemote);
      const choices = this.remoteContentChoices(view.ref);
      if (sanitized.blockedRemote > 0 && !allowRemote) {
        banners.push(remoteContentBanner(sanitized.blockedRemote, senderTrust, choices));
      }
      if (senderTrust.kind === 'applied') {
        banners.push(trustedSenderBanner(senderTrust.sender, choices));
      }
      if (sanitized.links.length > 0) {
        after.push(linkList(sanitized.links, openLink));
      }
    } else {
      this.frame.hide();
      body = patch && view.patch?.attachment === undefined ? patch : textBody(view.text, openLink);
    }
    if (view.truncated) {
      after.push(element('p', { className: 'note', text: t('truncated') }));
    }
    if (snippets.length > 0) {
      after.push(snippetList(snippets, (action, index) => this.client.post({ type: 'snippet', action, index, message: view.ref })));
    }
    if (view.attachments.length > 0) {
      const message = view.ref;
      after.push(
        attachmentList(view.attachments, {
          save: (index) => this.client.post({ type: 'saveAttachment', index, message }),
          open: (index) => this.client.post({ type: 'openAttachment', index, message }),
        }),
      );
    }
    // The header and the frame stay; the rest is replaced around them.
    for (const child of [...this.root.children]) {
      if (child !== this.header.root && child !== this.frame.element) {
        child.remove();
      }
    }
    if (this.header.root.parentElement !== this.root) {
      this.root.prepend(this.header.root);
    }
    this.frame.element.before(...banners);
    this.frame.element.after(...(body ? [body, ...after] : after));
  }

  /** The remote-content banners' buttons, for the message they stand above. */
  private remoteContentChoices(message: MessageRef): RemoteContentChoices {
    return {
      load: () => this.client.post({ type: 'loadRemoteContent', message }),
      alwaysForSender: () => this.client.post({ type: 'alwaysLoadRemoteContentFromSender', message }),
      stopTrustingSender: () => this.client.post({ type: 'stopTrustingSender', message }),
    };
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (event.altKey || event.ctrlKey || event.metaKey || (target && /^(INPUT|TEXTAREA|VSCODE-TEXTFIELD)$/.test(target.tagName))) {
      return;
    }
    // The letter shortcuts are contributed keybindings (Keyboard Shortcuts); they arrive as `shortcut`.
    if (event.key === 'Escape') {
      this.header.focusTitle();
    }
  }
}

function sameRef(a: MessageRef, b: MessageRef): boolean {
  return a.accountId === b.accountId && a.folder === b.folder && a.uid === b.uid;
}
