/**
 * Sending a patch series: the parts go one after the other, each threaded under the first mail, and a
 * failure stops the series where it is. Resuming sends the failed part again as the draft it was kept
 * as (same Message-ID, so an outcome that was unknown is never sent twice) and carries on from there.
 */
import type { OutgoingMessage } from './outgoing';
import { threadUnder } from './patchFormat';

export type PartOutcome<Draft> = { readonly status: 'sent'; readonly messageId: string } | { readonly status: 'failed'; readonly draft: Draft };

/** Sends one part; `retryOf` is the draft an earlier failed attempt of this part left. */
export type DeliverPart<Draft> = (message: OutgoingMessage, retryOf: Draft | undefined) => Promise<PartOutcome<Draft>>;

export class PatchSeriesSend<Draft> {
  /** Message-IDs of the parts sent so far, in order. */
  private readonly sentIds: string[] = [];
  private failedDraft: Draft | undefined;

  /**
   * @param parts the mails in order (the cover letter, when it was not sent from the composer, first)
   * @param rootMessageId the first mail's Message-ID when it was sent already (a cover letter from the composer)
   */
  public constructor(
    private readonly parts: readonly OutgoingMessage[],
    private readonly rootMessageId?: string,
  ) {}

  /** The mails of the series, a cover letter the composer sent before them included (it is one of them to the person). */
  public get total(): number {
    return this.parts.length + (this.rootMessageId === undefined ? 0 : 1);
  }

  /** The mails of the series sent so far, a cover letter the composer sent included. */
  public get sent(): number {
    return this.sentIds.length + (this.rootMessageId === undefined ? 0 : 1);
  }

  public get done(): boolean {
    return this.sentIds.length === this.parts.length;
  }

  /** The part that would go next (the one that failed, after a failure). */
  public get nextSubject(): string | undefined {
    return this.parts[this.sentIds.length]?.subject;
  }

  /** The Message-ID every part is threaded under. */
  public get root(): string | undefined {
    return this.rootMessageId ?? this.sentIds[0];
  }

  /** Sends the parts not sent yet, in order; stops at the first failure (resume by calling it again). */
  public async sendRemaining(deliver: DeliverPart<Draft>): Promise<{ readonly complete: boolean }> {
    while (!this.done) {
      const message = threadUnder(this.parts[this.sentIds.length] as OutgoingMessage, this.root);
      const outcome = await deliver(message, this.failedDraft);
      if (outcome.status === 'failed') {
        this.failedDraft = outcome.draft;
        return { complete: false };
      }
      this.failedDraft = undefined;
      this.sentIds.push(outcome.messageId);
    }
    return { complete: true };
  }
}
