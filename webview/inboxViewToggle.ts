// The Inbox's toggle between one row per message and one row per conversation. It shows the mode the
// extension says (the `mailroom.inbox.view` setting) and asks the extension to change it.
import type { InboxViewMode } from '../src/shared/protocol';
import { codicon, element } from './dom';
import { t } from './strings';

export class InboxViewToggle {
  public readonly element = element('button', { className: 'view-toggle', attributes: { type: 'button' } });
  private shown: InboxViewMode = 'messages';

  public constructor(choose: (mode: InboxViewMode) => void) {
    this.element.replaceChildren(codicon('comment-discussion'));
    this.element.addEventListener('click', () => choose(this.shown === 'messages' ? 'conversations' : 'messages'));
    this.show('messages');
  }

  public get mode(): InboxViewMode {
    return this.shown;
  }

  /** Pressed while conversations are shown; the tooltip says what a press does. */
  public show(mode: InboxViewMode): void {
    this.shown = mode;
    const conversations = mode === 'conversations';
    const label = conversations ? t('showMessages') : t('showConversations');
    this.element.setAttribute('aria-pressed', String(conversations));
    this.element.setAttribute('aria-label', t('showConversations'));
    this.element.title = label;
  }
}
