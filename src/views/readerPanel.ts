import * as vscode from 'vscode';
import { openExternal } from '../auth/editorSurface';
import { snippetView } from '../mail/codeBlocks';
import type { ConversationMember } from '../mail/conversationGrouping';
import { loadConversationEntries } from '../mail/conversationEntries';
import type { LoadedMessage } from '../mail/message';
import { loadMessage, loadSource } from '../mail/message';
import { TrustedSenders } from '../mail/senderTrust';
import type { ConversationEntry, MessageRef, ReaderProtocol, SenderTrust } from '../shared/protocol';
import type { MessagesOf, NotificationToWebview } from '../shared/webviewProtocol';
import { isReaderToExtension } from '../shared/protocolChecks';
import type { Subscription } from '../util/event';
import type { Logger } from '../util/log';
import { MessageAttachment } from './messageAttachment';
import { openLinkFromMail } from './linkPolicy';
import type { MessageActions } from '../services/messageActions';
import type { MessageSourceDocuments } from './messageSource';
import type { SnippetActions } from './snippetActions';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { WebviewFocus } from './webviewFocus';
import { WebviewHost } from './webviewHost';
import { askModal, notify } from '../ui/surfaces';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';

export interface ReaderDependencies {
  actions: MessageActions;
  logger: Logger;
  extensionUri: vscode.Uri;
  /** Where "Always load remote content from this sender" is remembered (addresses only). */
  globalState: vscode.Memento;
  /** Where View Source opens a message's source. */
  sources: MessageSourceDocuments;
  /** What the buttons of the message's code blocks and file references do. */
  snippets: SnippetActions;
}

/**
 * The reader: one editor-area panel showing one message. Its webview sanitizes the HTML
 * (DOMPurify in the browser's own parser) into a sandboxed iframe. Remote content stays blocked
 * by the CSP until the person allows it for this message or this sender (where the headers do not
 * contradict From, see senderTrust.ts); allowing re-renders the panel with a new policy and nonce.
 * Otherwise one document shows message after message: loading the webview again would cost more
 * than showing the message.
 */
export class ReaderPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private host: WebviewHost<ReaderProtocol> | undefined;
  private current: LoadedMessage | undefined;
  private allowRemoteContent = false;
  /** How trusting the current message's sender applies to it (the reader's banner says so). */
  private senderTrust: SenderTrust = { kind: 'none' };
  /** Whether the panel's current document has the CSP that lets remote images load. */
  private documentAllowsRemoteContent: boolean | undefined;
  /** The other messages of the conversation of the message shown, once loaded. */
  private conversation: { ref: MessageRef; others: ConversationEntry[] } | undefined;
  /** Counts calls to show(): only the latest one shows its message. */
  private showRequests = 0;
  /** Follows flag changes and removals of the message on show, whichever view made them. */
  private readonly messageChanges: Subscription;
  private readonly trustedSenders: TrustedSenders;
  /** The reader's document has the keyboard focus (the `mailroom.readerFocused` context key). */
  public readonly focus = new WebviewFocus();

  public constructor(private readonly deps: ReaderDependencies) {
    this.trustedSenders = new TrustedSenders(deps.globalState);
    this.messageChanges = deps.actions.onDidChangeMessage((change) => {
      if (change.removed && this.current && sameMessage(change.ref, this.current.view.ref)) {
        this.panel?.dispose();
      } else if (!change.removed && this.current && sameMessage(change.ref, this.current.view.ref)) {
        this.post({ type: 'flags', flagged: change.row.flagged, unread: change.row.unread });
      }
    });
  }

  /**
   * Shows a conversation: its row's message as show() does, and the others (oldest first, the
   * person's sent replies among them) listed above it once they are loaded.
   */
  public async showConversation(ref: MessageRef, members: readonly ConversationMember[]): Promise<void> {
    const shown = this.show(ref);
    const request = this.showRequests;
    // Queued on the connection after the shown message's fetch, so that one comes first.
    const others = loadConversationEntries(this.deps.actions.session(ref.accountId), ref, members).catch((): ConversationEntry[] => []);
    await shown;
    const loaded = await others;
    if (request === this.showRequests && this.current && sameMessage(this.current.view.ref, ref)) {
      this.conversation = { ref, others: loaded };
      this.postConversation();
    }
  }

  public async show(ref: MessageRef): Promise<void> {
    const request = ++this.showRequests;
    this.conversation = undefined;
    const loading = loadMessage(this.deps.actions.session(ref.accountId), ref);
    // The first message: the panel's webview starts while the message is fetched.
    const openedForThis = !this.panel;
    if (openedForThis) {
      this.allowRemoteContent = false;
      this.render(ui`Mail`);
    }
    const panel = this.panel;
    let loaded: LoadedMessage;
    try {
      loaded = await loading;
    } catch (error) {
      if (request !== this.showRequests) {
        return; // The person has opened another message since; this one's failure is old news.
      }
      if (openedForThis && panel === this.panel) {
        panel?.dispose();
      }
      throw error;
    }
    if (request !== this.showRequests || panel !== this.panel) {
      // Another message was opened since, or the tab was closed while this one loaded.
      return;
    }
    const wasUnread = loaded.view.unread;
    // Opening marks it read (below): the reader shows it read from the start.
    loaded.view.unread = false;
    this.current = loaded;
    this.senderTrust = this.trustedSenders.decide(loaded.sender);
    this.allowRemoteContent = this.senderTrust.kind === 'applied';
    this.render(tabTitle(loaded));
    if (wasUnread) {
      try {
        await this.deps.actions.run(ref, 'markRead');
      } catch (error) {
        loaded.view.unread = true;
        if (this.current === loaded) {
          this.post({ type: 'flags', flagged: loaded.view.flagged, unread: true });
        }
        throw error;
      }
    }
  }

  public dispose(): void {
    this.panel?.dispose();
    this.messageChanges.dispose();
  }

  /** `title` is the tab's: a subject, so a stranger's words, neutralised like any other surface's. */
  private render(title: UiText): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'mailroom.reader',
        title.value,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        // Kept while another editor covers it: code-server would otherwise build a new webview when it shows
        // again, and a new webview waits about a second for its service worker (bench/serviceWorkerVersions.ts).
        { ...webviewOptions(this.deps.extensionUri, vscode.Uri.joinPath), retainContextWhenHidden: true },
      );
      this.panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'mail.svg');
      const panel = this.panel;
      const handle = (message: MessagesOf<ReaderProtocol['toExtension']>): Promise<void> => this.handle(message);
      this.host = new WebviewHost<ReaderProtocol>(panel, {
        name: 'reader',
        isMessage: isReaderToExtension,
        logger: this.deps.logger,
        // While the first message is still being fetched there is nothing to show yet; show() posts it.
        onReady: () => this.postCurrent(),
        notifications: {
          focusChanged: (message) => this.focus.set(message.focused),
          openLink: handle,
          loadRemoteContent: handle,
          alwaysLoadRemoteContentFromSender: handle,
          stopTrustingSender: handle,
          action: handle,
          saveAttachment: handle,
          openAttachment: handle,
          viewSource: handle,
          snippet: handle,
        },
        requests: {},
      });
      const subscription = panel.onDidDispose(() => {
        subscription.dispose();
        this.focus.set(false);
        if (this.panel === panel) {
          this.panel = undefined;
          this.host = undefined;
          this.current = undefined;
          this.documentAllowsRemoteContent = undefined;
        }
      });
    }
    this.panel.title = title.value;
    if (this.documentAllowsRemoteContent === this.allowRemoteContent) {
      // The document's policy fits this message: show it there (or, while the document is still
      // loading, when it says `ready`).
      this.postCurrent();
    } else {
      // A new document with a new nonce and a CSP that allows remote images only when chosen.
      this.host?.expectReady();
      this.documentAllowsRemoteContent = this.allowRemoteContent;
      this.panel.webview.html = renderWebviewHtml(this.panel.webview, this.deps.extensionUri, vscode.Uri.joinPath, {
        view: 'reader',
        title: title.value,
        allowRemoteImages: this.allowRemoteContent,
        language: vscode.env.language,
      });
    }
    this.panel.reveal(undefined, false);
  }

  /** The message being shown, with the remote-content choice made for it. */
  private postCurrent(): void {
    if (this.current) {
      const snippets = this.current.snippets.map(snippetView);
      this.post({ type: 'message', view: this.current.view, allowRemoteContent: this.allowRemoteContent, senderTrust: this.senderTrust, snippets });
      this.postConversation();
    }
  }

  private postConversation(): void {
    if (this.conversation && this.current && sameMessage(this.conversation.ref, this.current.view.ref)) {
      this.post({ type: 'conversation', ref: this.conversation.ref, others: this.conversation.others });
    }
  }

  public post(message: NotificationToWebview<ReaderProtocol>): void {
    this.host?.post(message);
  }

  private async handle(message: MessagesOf<ReaderProtocol['toExtension']>): Promise<void> {
    const current = this.current;
    if (!current || ('message' in message && !sameMessage(message.message, current.view.ref))) {
      // A click on the message the reader was still showing while the next one was being sent to it.
      return;
    }
    switch (message.type) {
      case 'openLink':
        await this.openLink(message.url);
        return;
      case 'loadRemoteContent':
        this.allowRemoteContent = true;
        this.render(tabTitle(current));
        return;
      case 'alwaysLoadRemoteContentFromSender':
        this.senderTrust = await this.trustedSenders.trust(this.senderTrust);
        this.allowRemoteContent ||= this.senderTrust.kind === 'applied';
        this.render(tabTitle(current));
        return;
      case 'stopTrustingSender':
        this.senderTrust = await this.trustedSenders.stopTrusting(this.senderTrust, current.sender);
        this.allowRemoteContent = false;
        this.render(tabTitle(current));
        return;
      case 'action':
        await this.deps.actions.run(current.view.ref, message.action);
        return;
      case 'saveAttachment':
        await this.attachments(current, message.index)?.save();
        return;
      case 'openAttachment':
        await this.attachments(current, message.index)?.open();
        return;
      case 'viewSource': {
        const { source, truncated } = await loadSource(this.deps.actions.session(current.view.ref.accountId), current.view.ref);
        await this.deps.sources.show(current.view.ref.uid, source, truncated);
        return;
      }
      case 'snippet': {
        const snippet = current.snippets[message.index];
        if (snippet) {
          await this.deps.snippets.run(message.action, snippet);
        }
        return;
      }
    }
  }

  /** Links open only after a confirmation naming the real destination [SEC-28]. */
  private attachments(current: LoadedMessage, index: number): MessageAttachment | undefined {
    const attachment = current.attachments.find((candidate) => candidate.index === index);
    return attachment && new MessageAttachment(this.deps.actions.session(current.view.ref.accountId), current.view.ref, attachment);
  }

  private async openLink(url: string): Promise<void> {
    await openLinkFromMail(url, {
      refuse: (message) => void notify('warning', message),
      confirm: async (question, detail, action) => (await askModal('warning', question, detail, action)) === action,
      openExternal,
    });
  }
}

function sameMessage(a: MessageRef, b: MessageRef): boolean {
  return a.accountId === b.accountId && a.folder === b.folder && a.uid === b.uid;
}

/** The reader tab's title: the subject, a stranger's words, shown as plain text like on any other surface. */
function tabTitle(message: LoadedMessage): UiText {
  return ui`${message.view.subject || '(no subject)'}`;
}
