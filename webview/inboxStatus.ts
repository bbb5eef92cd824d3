// What the Inbox shows instead of, or above, the list: loading, empty, no results, an error, the
// sign-in prompt, and the connection banner (offline, connecting, sign-in required).
import type { ConnectionStatus } from '../src/shared/protocol';
import { codicon, element, loadingIndicator, vscodeButton } from './dom';
import { t } from './strings';

type ContentState = 'loading' | 'list' | 'empty' | 'noResults' | 'signIn';

/** The page's parts the status shows and hides. */
interface StatusParts {
  /** The account and folder pickers. */
  toolbar: HTMLElement;
  searchBar: HTMLElement;
  list: HTMLElement;
}

/** What the banner says about the list it stands above. */
interface ListFacts {
  readonly total: number;
  readonly fromCache: boolean;
}

interface StatusActions {
  signIn(): void;
  tryAgain(): void;
  /** "Check Account…" on the open account, with what went wrong. */
  checkAccount(failure: string): void;
}

export class InboxStatus {
  // Hidden until the first word on the connection: a search that overtakes the folder's first load drops that
  // load's answer, and with it the setConnection that would have hidden an empty banner.
  public readonly banner = element('div', { className: 'banner', attributes: { role: 'status', 'aria-live': 'polite', hidden: '' } });
  public readonly content = element('div', { className: 'content' });
  private connection: ConnectionStatus = 'connecting';

  public constructor(
    private readonly parts: StatusParts,
    private readonly facts: ListFacts,
    private readonly actions: StatusActions,
  ) {}

  /** The account's connection changed; `detail` is the extension's words for it, if any. */
  public setConnection(status: ConnectionStatus, detail?: string): void {
    this.connection = status;
    this.renderBanner(detail);
  }

  public showError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    if (code === 'SignInRequired') {
      this.setConnection('signInRequired', message);
    }
    const box = element('div', { className: 'state error', attributes: { role: 'alert' } });
    box.append(
      codicon('error'),
      element('p', { text: message }),
      vscodeButton(t('tryAgain'), () => this.actions.tryAgain(), { icon: 'refresh' }),
      vscodeButton(t('checkAccount'), () => this.actions.checkAccount(message), { icon: 'pass' }),
    );
    this.content.replaceChildren(box);
  }

  /** `query` is the search that found nothing, for 'noResults'. */
  public show(state: ContentState, query = ''): void {
    // Pickers and search mean nothing until someone is signed in.
    this.parts.toolbar.hidden = state === 'signIn';
    this.parts.searchBar.hidden = state === 'signIn';
    switch (state) {
      case 'list':
        if (this.parts.list.parentElement !== this.content) {
          this.content.replaceChildren(this.parts.list);
        }
        return;
      case 'loading':
        this.content.replaceChildren(loadingIndicator(t('loadingMessages')));
        return;
      case 'empty':
      case 'noResults': {
        const box = element('div', { className: 'state empty' });
        box.append(
          codicon(state === 'empty' ? 'inbox' : 'search'),
          element('p', { text: state === 'empty' ? t('noMessagesInFolder') : t('noMessagesMatch', query) }),
        );
        this.content.replaceChildren(box);
        return;
      }
      case 'signIn': {
        const box = element('div', { className: 'state sign-in' });
        box.append(codicon('mail'), element('p', { text: t('signInToRead') }), this.signInButton());
        this.content.replaceChildren(box);
        this.banner.hidden = true;
        return;
      }
    }
  }

  private renderBanner(detail?: string): void {
    let text = '';
    if (this.connection === 'offline') {
      text = this.facts.fromCache ? t('offlineFromCache') : t('offline');
    } else if (this.connection === 'signInRequired') {
      text = detail ?? t('signInRequired');
    } else if (this.connection === 'connecting' && this.facts.total > 0) {
      text = t('connecting');
    }
    this.banner.replaceChildren();
    this.banner.hidden = text === '';
    if (text) {
      this.banner.append(codicon(this.connection === 'signInRequired' ? 'account' : 'debug-disconnect'), element('span', { text }));
      if (this.connection === 'signInRequired') {
        this.banner.append(this.signInButton());
      }
    }
  }

  private signInButton(): HTMLElement {
    return vscodeButton(t('signIn'), () => this.actions.signIn(), { icon: 'sign-in' });
  }
}
