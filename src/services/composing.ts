import type { MailAccounts } from '../auth/accountApi';
import { requireAccount } from '../auth/accountApi';
import type { StoredDraft } from '../mail/drafts';
import type { MailAddress, OutgoingAttachment } from '../mail/outgoing';
import { readOriginalMessage } from '../mail/original';
import { readPatchOriginal } from '../mail/patchReply';
import type { ReplyKind } from '../mail/reply';
import { buildReplyDraft } from '../mail/reply';
import type { MessageRef } from '../shared/protocol';
import { withProgress } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { MailLayer } from './mailLayer';
import { pickAccount } from './sendPrompts';

/** What the composer opens with: a new message, a reply or forward, or a draft being edited. */
export interface ComposerInit {
  readonly accountId?: string;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  readonly subject: string;
  /** Markdown. */
  readonly body: string;
  readonly attachments: readonly OutgoingAttachment[];
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** The stored draft this edit continues; sending it removes the draft. */
  readonly draft?: StoredDraft;
  /** Called with the Message-ID once the message is sent (a cover letter: the patches follow it). */
  readonly onSent?: (messageId: string) => void;
}

/** Opens a composer tab (implemented by the composer view). */
export interface ComposerOpener {
  show(init: ComposerInit): void;
}

export interface ComposingDependencies {
  readonly accounts: MailAccounts;
  readonly composer: ComposerOpener;
  /** Where the message a reply or forward starts from is read. */
  readonly mail: Pick<MailLayer, 'session'>;
}

/** Starts a message in the composer: a new one, a reply or forward of a message, or a kept draft. */
export class Composing {
  public constructor(private readonly deps: ComposingDependencies) {}

  public open(init: ComposerInit): void {
    this.deps.composer.show(init);
  }

  public async newMessage(): Promise<void> {
    const account = await pickAccount(this.deps.accounts);
    if (account) {
      this.open({ accountId: account.id, to: [], cc: [], bcc: [], subject: '', body: '', attachments: [] });
    }
  }

  public respond(kind: ReplyKind, ref: MessageRef): Promise<void> {
    return this.respondTo(kind, ref, readOriginalMessage);
  }

  /** A review: answers everyone on the patch, the patch quoted with "> " (an attached one too), in its thread. */
  public respondToPatch(ref: MessageRef): Promise<void> {
    return this.respondTo('replyAll', ref, readPatchOriginal);
  }

  private async respondTo(kind: ReplyKind, ref: MessageRef, read: typeof readOriginalMessage): Promise<void> {
    const account = requireAccount(this.deps.accounts, ref.accountId);
    const original = await withProgress({ where: 'window', title: ui`Mailroom: loading the message` }, () =>
      read(this.deps.mail.session(ref.accountId), ref.folder, ref.uid),
    );
    const draft = buildReplyDraft(original, kind, account.email);
    this.open({
      accountId: account.id,
      to: draft.to,
      cc: draft.cc,
      bcc: [],
      subject: draft.subject,
      body: draft.body,
      attachments: draft.attachments,
      ...(draft.thread.inReplyTo ? { inReplyTo: draft.thread.inReplyTo } : {}),
      references: draft.thread.references,
    });
  }

  public editDraft(draft: StoredDraft): void {
    const { message } = draft;
    this.open({
      accountId: draft.accountId,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      subject: message.subject,
      body: message.text,
      attachments: message.attachments,
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
      ...(message.references ? { references: message.references } : {}),
      draft,
    });
  }
}
