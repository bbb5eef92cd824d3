// The sandboxed frame that shows HTML mail: sanitized, in the editor's theme, rebuilt when the theme
// changes. Loaded (empty and hidden) before the first message arrives and kept for every later one:
// starting a sandboxed frame is most of the time a message takes to show, and taking it out of the
// document would throw its browsing context away.
import { element } from './dom';
import type { SanitizedMail } from './sanitize';
import { sanitizeMailHtml, themeVariables } from './sanitize';

export class MailFrame {
  public readonly element = element('iframe', {
    className: 'mail-frame',
    attributes: { sandbox: '', title: 'Message body', referrerpolicy: 'no-referrer', srcdoc: '' },
  });
  private themeObserver: MutationObserver | undefined;

  public constructor(private readonly nonce: string) {
    this.element.hidden = true;
  }

  /** Shows the mail's HTML, remote content blocked unless allowed; returns what sanitizing found. */
  public show(html: string, allowRemote: boolean): SanitizedMail {
    this.themeObserver?.disconnect();
    const sanitized = sanitizeMailHtml(html, { allowRemote, nonce: this.nonce, themeCss: themeVariables() });
    this.element.srcdoc = sanitized.document;
    this.element.hidden = false;
    // The frame does not inherit the theme's variables: rebuild its document when the theme changes.
    this.followTheme(() => {
      this.element.srcdoc = sanitizeMailHtml(html, { allowRemote, nonce: this.nonce, themeCss: themeVariables() }).document;
    });
    return sanitized;
  }

  /** A text message is shown: the last HTML one leaves the frame, and its memory. */
  public hide(): void {
    this.themeObserver?.disconnect();
    if (this.element.srcdoc !== '') {
      this.element.srcdoc = '';
    }
    this.element.hidden = true;
  }

  /** Calls `refresh` whenever the editor switches theme (it restyles <html> and re-classes <body>). */
  private followTheme(refresh: () => void): void {
    let last = themeVariables();
    this.themeObserver = new MutationObserver(() => {
      const current = themeVariables();
      if (current !== last) {
        last = current;
        refresh();
      }
    });
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
}
