import type { MailAccount, MailAccounts } from '../auth/accountApi';
import { requireAccount } from '../auth/accountApi';
import { formatAddressList } from '../mail/addresses';
import type { DraftStore, StoredDraft } from '../mail/drafts';
import { whereDraftIsKept } from '../mail/drafts';
import { describeSendFailure } from '../mail/outbox';
import type { Outbox, SendOutcome } from '../mail/outbox';
import type { LeftBehindSend } from '../mail/outboxDrain';
import type { OutgoingMessage } from '../mail/outgoing';
import { MailroomError } from '../util/errors';
import { abortSignalOf, askModal, notify, pickOne, withProgress } from '../ui/surfaces';
import { ui } from '../ui/text';
import type { AccountChecking } from './accountChecking';
import { checkAccountAction } from './accountChecking';
import type { Composing } from './composing';
import type { InboxNavigation } from './inboxNavigation';
import type { RecentRecipients } from './sendPrompts';

export interface SendingDependencies {
  readonly accounts: MailAccounts;
  readonly outbox: Outbox;
  readonly drafts: DraftStore;
  readonly recent: RecentRecipients;
  /** Where Edit reopens a draft. */
  readonly composing: Pick<Composing, 'editDraft'>;
  /** Where "Show in Sent" goes. */
  readonly inbox: Pick<InboxNavigation, 'showFolder' | 'reveal'>;
  /** Offered next to a failed send. */
  readonly checking: AccountChecking;
  /** The path of the account's `\Sent` folder, where it has one. */
  readonly sentFolderOf: (account: MailAccount) => Promise<string | undefined>;
}

/** Every send goes through {@link Sending.deliver}; unsent drafts are retried, edited or discarded here. */
export class Sending {
  public constructor(private readonly deps: SendingDependencies) {}

  /**
   * Sends `message` with a progress notification and tells the user the outcome: "Sent" with
   * Show in Sent, or what went wrong with Retry / Edit (the draft is kept either way). The
   * composer shows a failure in its own form, where Send is the retry.
   */
  public async deliver(
    account: MailAccount,
    message: OutgoingMessage,
    previous?: StoredDraft,
    /** `fromComposer`: the caller tells a failure itself; `announceSent: false`: and the success too (a series). */
    options: { fromComposer: boolean; announceSent?: boolean } = { fromComposer: false },
  ): Promise<SendOutcome> {
    const outcome: SendOutcome = await withProgress(
      { where: 'notification', title: ui`Sending to ${formatAddressList([...message.to, ...message.cc, ...message.bcc])}…`, cancellable: true },
      // Cancel stops a send that waits for the rate limit (the message is kept as a draft), not one under way.
      (cancellation) =>
        this.deps.outbox.send(account, message, previous, {
          confirmResend: ({ searchedSent }) => confirmResend(account, searchedSent),
          signal: abortSignalOf(cancellation),
        }),
    );
    if (outcome.status === 'failed') {
      if (!options.fromComposer) {
        void this.offerRecovery(account, outcome.error, outcome.draft);
      }
      return outcome;
    }
    await this.tellSent(account, message, outcome, { leftBehind: false, announce: options.announceSent !== false });
    return outcome;
  }

  /**
   * Tells the outcome of a send that a closed window had queued and this window sent (or settled as
   * a draft): the window that queued it is gone, so this one, the one that drained the outbox, says it.
   */
  public async reportLeftBehind({ account, message, outcome }: LeftBehindSend): Promise<void> {
    if (outcome.status === 'failed') {
      void this.offerRecovery(account, outcome.error, outcome.draft);
    } else {
      await this.tellSent(account, message, outcome, { leftBehind: true, announce: true });
    }
  }

  /**
   * Remembers the recipients, and says "Sent" (unless `announce` is false: a series says it once), or offers
   * the draft to the recipients the server refused.
   */
  private async tellSent(
    account: MailAccount,
    message: OutgoingMessage,
    outcome: SendOutcome & { status: 'sent' },
    how: { leftBehind: boolean; announce: boolean },
  ): Promise<void> {
    await this.deps.recent.remember([...message.to, ...message.cc, ...message.bcc].filter((address) => !outcome.refused.includes(address.address)));
    if (outcome.draft) {
      const error = new MailroomError('RecipientRefused', ui`Sent, but ${account.smtp.host} refused ${outcome.refused.join(', ')}.`);
      void this.offerRecovery(account, error, outcome.draft);
    } else if (how.announce) {
      void this.announceSent(account, message, outcome.alreadySent === true, how.leftBehind);
    }
  }

  /** Unsent drafts (kept after failures): retry, edit or discard. */
  public async showDrafts(): Promise<void> {
    const drafts = await this.deps.drafts.list();
    if (drafts.length === 0) {
      void notify('info', ui`No unsent drafts.`);
      return;
    }
    const picked = await pickOne(
      drafts.map((draft) => ({
        label: ui`${draft.message.subject || '(no subject)'}`,
        description: ui`to ${formatAddressList(draft.message.to)}`,
        detail: draft.failure ? ui`${describeSendFailure(draft.failure)}` : ui`Saved draft`,
        draft,
      })),
      { title: ui`Unsent drafts`, placeHolder: ui`Pick a draft to retry, edit or discard` },
    );
    if (!picked) {
      return;
    }
    const actions = { retry: { label: ui`Retry` }, edit: { label: ui`Edit` }, discard: { label: ui`Discard` } };
    const action = await pickOne([actions.retry, actions.edit, actions.discard], { title: picked.label });
    if (action === actions.retry) {
      await this.deliver(this.account(picked.draft.accountId), picked.draft.message, picked.draft);
    } else if (action === actions.edit) {
      this.deps.composing.editDraft(picked.draft);
    } else if (action === actions.discard) {
      await this.deps.drafts.discard(picked.draft);
    }
  }

  private async announceSent(account: MailAccount, message: OutgoingMessage, alreadySent: boolean, leftBehind = false): Promise<void> {
    const showInSent = ui`Show in Sent`;
    const sentText = leftBehind
      ? ui`Sent to ${formatAddressList(message.to)} (queued in a window that was closed).`
      : ui`Sent to ${formatAddressList(message.to)}.`;
    const text = alreadySent ? ui`This message had already been sent: it is in Sent, so it was not sent again.` : sentText;
    if ((await notify('info', text, showInSent)) === showInSent) {
      const folder = await this.deps.sentFolderOf(account);
      await (folder ? this.deps.inbox.showFolder(account.id, folder) : this.deps.inbox.reveal());
    }
  }

  private async offerRecovery(account: MailAccount, error: MailroomError, draft: StoredDraft): Promise<void> {
    const signIn = ui`Sign In…`;
    const retry = ui`Retry`;
    const edit = ui`Edit`;
    const checkAccount = checkAccountAction();
    const buttons = [...(error.code === 'SignInRequired' ? [signIn] : []), retry, edit, checkAccount];
    const choice = await notify('error', ui`${describeSendFailure(error)} ${whereDraftIsKept(draft)}`, ...buttons);
    if (choice === checkAccount) {
      await this.deps.checking.check({ accountId: account.id, earlierFailure: error.message });
    } else if (choice === signIn) {
      const signedIn = await this.deps.accounts.signIn(account.provider);
      if (signedIn) {
        await this.deliver(signedIn, draft.message, draft);
      }
    } else if (choice === retry) {
      await this.deliver(this.account(draft.accountId), draft.message, draft);
    } else if (choice === edit) {
      this.deps.composing.editDraft(draft);
    }
  }

  private account(accountId: string): MailAccount {
    return requireAccount(this.deps.accounts, accountId);
  }
}

/** A send that may have gone through and is not in Sent is sent again only when the user says so [SEC-32]. */
async function confirmResend(account: MailAccount, searchedSent: boolean): Promise<boolean> {
  const sendAgain = ui`Send Again`;
  const detail = searchedSent
    ? ui`The connection to ${account.smtp.host} was lost after the message was handed over, before the server confirmed it, and it is not in Sent. Sending it again may deliver it twice.`
    : ui`The connection to ${account.smtp.host} was lost after the message was handed over, before the server confirmed it, and Sent could not be searched. Sending it again may deliver it twice.`;
  return (await askModal('warning', ui`This message may already have been sent.`, detail, sendAgain)) === sendAgain;
}
