// A virtualized message list: only the rows in view (plus a small margin) exist in the DOM,
// whatever the folder size; rows that are not loaded yet show a placeholder and are requested.
import type { MessageRow } from '../src/shared/protocol';
import { codicon, element } from './dom';
import { t } from './strings';

interface ListSource {
  total(): number;
  row(index: number): MessageRow | undefined;
  /** Asks for rows [start, end) to be loaded; called on scroll for missing rows. */
  request(start: number, end: number): void;
}

interface ListCallbacks {
  open(index: number): void;
  /** Escape in the list. */
  escape(): void;
}

const ROW_HEIGHT = 62;
const OVERSCAN_ROWS = 8;

export class VirtualList {
  public readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rendered = new Map<number, HTMLElement>();
  private focusedIndex = 0;
  private frame = 0;
  /** j and k move the focus; off when `mailroom.keyboard.singleKeyShortcuts` is (WCAG 2.1.4). */
  public singleKeyShortcuts = true;

  public constructor(
    private readonly source: ListSource,
    private readonly callbacks: ListCallbacks,
  ) {
    this.element = element('div', { className: 'list', attributes: { role: 'listbox', 'aria-label': t('messages'), tabindex: '0' } });
    this.spacer = element('div', { className: 'list-spacer', attributes: { 'aria-hidden': 'true' } });
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('focus', () => this.updateFocus(false));
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  public get focused(): number {
    return this.focusedIndex;
  }

  /** Everything changed (new folder, search): drop rendered rows and go to the top unless told otherwise. */
  public reset(keepScroll = false): void {
    for (const row of this.rendered.values()) {
      row.remove();
    }
    this.rendered.clear();
    if (!keepScroll) {
      this.element.scrollTop = 0;
      this.focusedIndex = 0;
    }
    this.render();
  }

  /** Rows changed in place (loaded, flags): re-render what is visible. */
  public refresh(): void {
    this.schedule();
  }

  /** Keeps the same messages in view when `count` new ones arrived above. */
  public shiftBy(count: number): void {
    if (this.element.scrollTop > 0) {
      this.element.scrollTop += count * ROW_HEIGHT;
    }
    this.focusedIndex = Math.min(Math.max(0, this.source.total() - 1), Math.max(0, this.focusedIndex + count));
  }

  public focusRow(index: number): void {
    const total = this.source.total();
    if (total === 0) {
      return;
    }
    this.focusedIndex = Math.min(total - 1, Math.max(0, index));
    this.updateFocus(true);
  }

  private schedule(): void {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  private render(): void {
    const total = this.source.total();
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
    const last = Math.min(total, Math.ceil((this.element.scrollTop + this.element.clientHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);
    for (const [index, row] of this.rendered) {
      if (index < first || index >= last) {
        row.remove();
        this.rendered.delete(index);
      }
    }
    let missingFrom = -1;
    let missingTo = -1;
    for (let index = first; index < last; index++) {
      const data = this.source.row(index);
      if (!data) {
        missingFrom = missingFrom === -1 ? index : missingFrom;
        missingTo = index + 1;
      }
      const existing = this.rendered.get(index);
      const key = data ? rowKey(data) : 'placeholder';
      if (existing && existing.dataset.key === key) {
        continue;
      }
      const fresh = this.renderRow(index, total, data);
      fresh.dataset.key = key;
      if (existing) {
        existing.replaceWith(fresh);
      } else {
        this.element.append(fresh);
      }
      this.rendered.set(index, fresh);
    }
    if (missingFrom !== -1) {
      this.source.request(missingFrom, missingTo);
    }
    this.updateFocus(false);
  }

  private renderRow(index: number, total: number, data: MessageRow | undefined): HTMLElement {
    const row = element('div', {
      className: 'row',
      attributes: { role: 'option', id: `row-${index}`, 'aria-setsize': String(total), 'aria-posinset': String(index + 1), 'aria-selected': 'false' },
    });
    row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    row.style.height = `${ROW_HEIGHT}px`;
    if (!data) {
      row.classList.add('placeholder');
      row.setAttribute('aria-label', t('loading'));
      row.append(element('div', { className: 'line skeleton' }), element('div', { className: 'line skeleton short' }));
      return row;
    }
    row.classList.toggle('unread', data.unread);
    row.dataset.uid = String(data.uid);
    const top = element('div', { className: 'line top' });
    // A conversation's row names who wrote in it; a message's, its sender.
    const from = element('span', { className: 'from', text: data.conversation ? data.conversation.participants.join(', ') : data.from });
    from.title = data.fromAddress;
    const markers = element('span', { className: 'markers' });
    const threadCount = data.conversation?.count ?? data.threadCount;
    if (threadCount && threadCount > 1) {
      markers.append(
        element('span', { className: 'thread-count', text: String(threadCount), attributes: { title: t('messagesInConversation', threadCount) } }),
      );
    }
    if (data.hasAttachment) {
      markers.append(codicon('file', t('hasAttachments')));
    }
    if (data.flagged) {
      markers.append(codicon('star-full', t('flagged')));
    }
    if (data.answered) {
      markers.append(codicon('reply', t('answered')));
    }
    top.append(
      element('span', { className: 'unread-dot', attributes: { 'aria-hidden': 'true' } }),
      from,
      markers,
      element('span', { className: 'date', text: formatDate(data.date) }),
    );
    const subject = element('div', { className: 'line subject', text: data.subject });
    const preview = element('div', { className: 'line preview', text: data.preview });
    row.append(top, subject, preview);
    const label = [
      data.unread && t('rowUnread'),
      data.flagged && t('rowFlagged'),
      t('rowFrom', from.textContent ?? data.from),
      data.conversation !== undefined && t('messagesInConversation', data.conversation.count),
      data.subject,
      formatDate(data.date),
      data.hasAttachment && t('rowHasAttachments'),
    ];
    row.setAttribute('aria-label', label.filter((part) => part !== false).join(', '));
    row.addEventListener('click', () => {
      this.focusRow(index);
      this.callbacks.open(index);
    });
    return row;
  }

  private updateFocus(scroll: boolean): void {
    const total = this.source.total();
    if (total === 0) {
      this.element.removeAttribute('aria-activedescendant');
      return;
    }
    if (scroll) {
      const top = this.focusedIndex * ROW_HEIGHT;
      if (top < this.element.scrollTop) {
        this.element.scrollTop = top;
      } else if (top + ROW_HEIGHT > this.element.scrollTop + this.element.clientHeight) {
        this.element.scrollTop = top + ROW_HEIGHT - this.element.clientHeight;
      }
      this.render();
      return;
    }
    for (const [index, row] of this.rendered) {
      const selected = index === this.focusedIndex;
      row.classList.toggle('focused', selected);
      row.setAttribute('aria-selected', String(selected));
    }
    if (this.rendered.has(this.focusedIndex)) {
      this.element.setAttribute('aria-activedescendant', `row-${this.focusedIndex}`);
    }
  }

  private onKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey || (!this.singleKeyShortcuts && (event.key === 'j' || event.key === 'k'))) {
      return;
    }
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 1);
    const handled = ((): boolean => {
      switch (event.key) {
        case 'ArrowDown':
        case 'j':
          this.focusRow(this.focusedIndex + 1);
          return true;
        case 'ArrowUp':
        case 'k':
          this.focusRow(this.focusedIndex - 1);
          return true;
        case 'PageDown':
          this.focusRow(this.focusedIndex + page);
          return true;
        case 'PageUp':
          this.focusRow(this.focusedIndex - page);
          return true;
        case 'Home':
          this.focusRow(0);
          return true;
        case 'End':
          this.focusRow(this.source.total() - 1);
          return true;
        case 'Enter':
          this.callbacks.open(this.focusedIndex);
          return true;
        case 'Escape':
          this.callbacks.escape();
          return true;
        default:
          return false;
      }
    })();
    if (handled) {
      event.preventDefault();
    }
  }
}

/**
 * Everything a row shows: it is drawn again when any of it changed, flags or what follows the first
 * screen (preview, paperclip, a conversation's count and participants), not only its flags.
 */
function rowKey(row: MessageRow): string {
  const { uid, unread, flagged, answered, subject, from, date, preview, hasAttachment, threadCount, conversation } = row;
  return JSON.stringify([uid, unread, flagged, answered, subject, from, date, preview, hasAttachment, threadCount, conversation]);
}

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const FULL_FORMAT = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

function formatDate(time: number): string {
  if (!time) {
    return '';
  }
  const date = new Date(time);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) {
    return TIME_FORMAT.format(date);
  }
  return date.getFullYear() === now.getFullYear() ? DAY_FORMAT.format(date) : FULL_FORMAT.format(date);
}
