import type { OutgoingMessage } from './outgoing';

/**
 * A send on its way, kept on disk from the moment the user sends until the server took it (or it
 * failed and became a draft), so that it outlives the window that queued it. The queue of the
 * profile's windows is src/windows/sharedOutbox.ts.
 */
export interface QueuedSend {
  readonly id: string;
  readonly accountId: string;
  /** The Message-ID the message goes out with: the same whichever window sends it. */
  readonly messageId: string;
  readonly message: OutgoingMessage;
  readonly queuedAt: number;
  /** The unsent draft this send retries: discarded once the message is sent. */
  readonly previousDraftId?: string;
  /**
   * When a window started the SMTP exchange for it. A send found with this set and no window
   * holding it may have reached the server: it is never sent again unasked [SEC-32].
   */
  readonly handedOverAt?: number;
}

/** A queued send that this window alone may send (its claim is renewed while the window lives). */
export interface ClaimedSend {
  readonly item: QueuedSend;
  /** Records that the SMTP exchange starts; rejects (and nothing may be sent) when the claim was lost. */
  markHandedOver(): Promise<void>;
  /** The server took it, or it became a draft: removes it from the queue and gives the claim up. */
  finish(): Promise<void>;
  /** Gives the claim up and leaves the send queued, for a later pass. */
  release(): Promise<void>;
}

export interface OutboxQueue {
  /** Queues a send, already claimed by this window, so no other window picks it up while this one sends it. */
  add(send: Pick<QueuedSend, 'accountId' | 'messageId' | 'message' | 'previousDraftId'>): Promise<ClaimedSend>;
  /** Claims the queued sends that no live window holds: their window was closed or died. */
  claimOrphans(): Promise<ClaimedSend[]>;
  /** Runs `task` unless another window is draining the queue (then resolves with undefined). */
  whileDraining<T>(task: () => Promise<T>): Promise<T | undefined>;
}
