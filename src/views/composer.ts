import * as vscode from 'vscode';
import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { findAccount } from '../auth/accountApi';
import { formatAddressList } from '../mail/addresses';
import { messageFromComposer } from '../mail/composerMessage';
import type { DraftStore, StoredDraft } from '../mail/drafts';
import { whereDraftIsKept } from '../mail/drafts';
import { newMessageId } from '../mail/mime';
import { describeSendFailure } from '../mail/outbox';
import type { SendOutcome } from '../mail/outbox';
import { formatBytes } from '../mail/snippet';
import type { ComposerFields, ComposerProtocol } from '../shared/composerProtocol';
import type { NotificationToWebview } from '../shared/webviewProtocol';
import { isComposerToExtension } from '../shared/composerProtocol';
import type { Logger } from '../util/log';
import type { ComposerInit, ComposerOpener } from '../services/composing';
import type { Sending } from '../services/sending';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { WebviewHost } from './webviewHost';
import { keepDraftOnClose } from './composerClose';
import { notify } from '../ui/surfaces';
import { ui } from '../ui/text';

export interface ComposerDependencies {
  readonly accounts: MailAccounts;
  readonly drafts: DraftStore;
  readonly logger: Logger;
  readonly extensionUri: vscode.Uri;
  /** Sends with progress and tells the user the outcome. */
  readonly deliver: Sending['deliver'];
}

function headingOf(init: ComposerInit): string {
  if (init.draft) {
    return ui`Edit draft`.value;
  }
  if (init.inReplyTo) {
    return ui`Reply`.value;
  }
  return /^\s*fwd?:/i.test(init.subject) ? ui`Forward`.value : ui`New message`.value;
}

/** A composer tab per message; each keeps what the user typed until it is sent or discarded. */
export class ComposerPanels implements ComposerOpener, vscode.Disposable {
  private readonly open = new Set<ComposerPanel>();

  public constructor(private readonly dependencies: ComposerDependencies) {}

  public show(init: ComposerInit): void {
    const panel = new ComposerPanel(init, this.dependencies, () => this.open.delete(panel));
    this.open.add(panel);
  }

  public dispose(): void {
    for (const panel of [...this.open]) {
      panel.dispose();
    }
  }
}

class ComposerPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly host: WebviewHost<ComposerProtocol>;
  private fields: ComposerFields;
  private readonly initialFields: ComposerFields;
  private draft: StoredDraft | undefined;
  /** Sent or discarded: closing the tab then keeps nothing. */
  private finished = false;
  private busy = false;
  /** The send in flight from this tab: closing the tab waits for it before deciding what to keep. */
  private sending: Promise<SendOutcome> | undefined;
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Drafts are written one at a time, so an autosave never races the save on close. */
  private saving: Promise<unknown> = Promise.resolve();

  public constructor(
    private readonly init: ComposerInit,
    private readonly dependencies: ComposerDependencies,
    private readonly onClosed: () => void,
  ) {
    this.draft = init.draft;
    const accountId = init.accountId ?? dependencies.accounts.list()[0]?.id ?? '';
    this.fields = {
      accountId,
      to: formatAddressList(init.to),
      cc: formatAddressList(init.cc),
      bcc: formatAddressList(init.bcc),
      subject: init.subject,
      body: init.body,
      attachments: init.attachments.map((_attachment, index) => index),
    };
    this.initialFields = this.fields;
    // A reply's subject is the original sender's words: the tab shows it as plain text.
    const title = ui`${init.subject ? init.subject : headingOf(init)}`.value;
    this.panel = vscode.window.createWebviewPanel('mailroom.composer', title, vscode.ViewColumn.Active, {
      ...webviewOptions(dependencies.extensionUri, vscode.Uri.joinPath),
      // What the user typed must survive switching tabs.
      retainContextWhenHidden: true,
    });
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, dependencies.extensionUri, vscode.Uri.joinPath, {
      view: 'composer',
      title,
      language: vscode.env.language,
    });
    this.host = new WebviewHost<ComposerProtocol>(this.panel, {
      name: 'composer',
      isMessage: isComposerToExtension,
      logger: dependencies.logger,
      onReady: () =>
        this.post({
          type: 'init',
          heading: headingOf(init),
          accounts: dependencies.accounts.list().map((account) => ({ id: account.id, email: account.email })),
          fields: this.fields,
          attachments: init.attachments.map((attachment) => ({ name: attachment.filename, size: formatBytes(attachment.content.byteLength) })),
        }),
      notifications: {
        changed: (message) => {
          this.fields = message.fields;
          this.scheduleAutosave();
        },
        send: (message) => {
          this.fields = message.fields;
          clearTimeout(this.autosaveTimer);
          return this.send();
        },
        saveDraft: async (message) => {
          this.fields = message.fields;
          await this.saveDraft(false);
          void notify('info', this.draft?.savedToServer ? ui`Draft saved (also in Drafts).` : ui`Draft saved on this machine.`);
        },
        discard: () => this.discard(),
      },
      requests: {},
    });
    this.panel.onDidDispose(() => void this.closed());
  }

  public dispose(): void {
    this.panel.dispose();
  }

  private post(message: NotificationToWebview<ComposerProtocol>): void {
    this.host.post(message);
  }

  private async discard(): Promise<void> {
    this.finished = true;
    clearTimeout(this.autosaveTimer);
    await this.saving;
    if (this.draft) {
      await this.dependencies.drafts.discard(this.draft);
    }
    this.panel.dispose();
  }

  private account(): MailAccount | undefined {
    return findAccount(this.dependencies.accounts, this.fields.accountId);
  }

  private async send(): Promise<void> {
    if (this.busy) {
      return;
    }
    const account = this.account();
    if (!account) {
      this.post({ type: 'problem', message: ui`Choose an account that is signed in.`.value });
      return;
    }
    const checked = await messageFromComposer(this.fields, { ...this.init, from: { address: account.email } });
    if (!checked.ok) {
      this.post({ type: 'problem', field: checked.field, message: checked.problem });
      return;
    }
    this.busy = true;
    this.post({ type: 'busy', busy: true });
    const sending = this.saving.then(() => this.dependencies.deliver(account, checked.message, this.draft, { fromComposer: true }));
    this.sending = sending;
    try {
      const outcome = await sending;
      if (outcome.status === 'sent') {
        this.finished = true;
        this.panel.dispose();
        this.init.onSent?.(outcome.messageId);
        return;
      }
      // The outbox kept the message as a draft: further sends and saves continue that draft.
      this.draft = outcome.draft;
      this.post({ type: 'problem', message: ui`${describeSendFailure(outcome.error)} ${whereDraftIsKept(outcome.draft)}`.value });
    } finally {
      this.sending = undefined;
      this.busy = false;
      this.post({ type: 'busy', busy: false });
    }
  }

  /** While the user types, the draft is kept on disk every few seconds: a window reload loses nothing. */
  private scheduleAutosave(): void {
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => {
      if (!this.finished && !this.busy && this.hasChanges()) {
        void this.saveDraft(true).catch((error: unknown) => this.dependencies.logger.error('Autosave of the draft failed', error));
      }
    }, 2_000);
  }

  private hasChanges(): boolean {
    return JSON.stringify(this.fields) !== JSON.stringify(this.initialFields);
  }

  private saveDraft(localOnly: boolean): Promise<StoredDraft | undefined> {
    const next = this.saving.then(async () => {
      const account = this.account() ?? this.dependencies.accounts.list()[0];
      if (!account) {
        return undefined;
      }
      const checked = await messageFromComposer(this.fields, { ...this.init, from: { address: account.email } }, true);
      if (!checked.ok) {
        return undefined;
      }
      this.draft = await this.dependencies.drafts.keep(account.id, checked.message, {
        messageId: this.draft?.messageId ?? newMessageId(checked.message.from),
        localOnly,
        ...(this.draft ? { existingId: this.draft.id } : {}),
      });
      return this.draft;
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Closing a composer with unsent changes keeps them as a draft: nothing the user wrote is lost. */
  private async closed(): Promise<void> {
    this.onClosed();
    clearTimeout(this.autosaveTimer);
    try {
      if (!(await keepDraftOnClose({ finished: this.finished, changed: this.hasChanges(), sending: this.sending }))) {
        return;
      }
      const draft = await this.saveDraft(false);
      if (draft) {
        void notify('info', ui`Your unsent message was kept as a draft (Mailroom: Unsent Drafts…).`);
      }
    } catch (error) {
      this.dependencies.logger.error('Could not keep the closed message as a draft', error);
    }
  }
}
