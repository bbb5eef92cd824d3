import type { SendOutcome } from '../mail/outbox';

/** What a composer tab is doing when the person closes it. */
export interface ComposerAtClose {
  /** Sent or discarded already. */
  readonly finished: boolean;
  /** The fields differ from what the tab opened with. */
  readonly changed: boolean;
  /** The send started from this tab and not yet settled, if any. */
  readonly sending: Promise<SendOutcome> | undefined;
}

/**
 * Whether closing the tab must keep what it holds as a draft. A send in flight decides it: once
 * sent, a draft saved on close would be a stale copy of mail already gone; once failed, the outbox
 * has kept the draft itself. Only a send that ended without an outcome leaves the keeping to the tab.
 */
export async function keepDraftOnClose(state: ComposerAtClose): Promise<boolean> {
  if (state.sending) {
    try {
      await state.sending;
      return false;
    } catch {
      return state.changed;
    }
  }
  return !state.finished && state.changed;
}
