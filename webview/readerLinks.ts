// Links in a message, which open only through the extension (it confirms before opening): the list
// under an HTML body, and the links in a text body.
import { textLinkPattern } from '../src/shared/textLinks';
import { element } from './dom';
import { t } from './strings';

type OpenLink = (url: string) => void;

/** The HTML body's links as a list, folded until asked for. */
export function linkList(links: { href: string; text: string }[], open: OpenLink): HTMLElement {
  const details = element('details', { className: 'links' });
  details.append(element('summary', { text: t('linksInMessage', links.length) }));
  // Filled when first opened: a newsletter can hold hundreds of links, and the list is rarely opened.
  details.addEventListener('toggle', () => {
    if (details.open && !details.querySelector('ul')) {
      details.append(linkItems(links, open));
    }
  });
  return details;
}

/** A text body, its links made into links that ask the extension. */
export function textBody(text: string, open: OpenLink): HTMLElement {
  const body = element('div', { className: 'mail-text', attributes: { role: 'document', 'aria-label': t('messageBody') } });
  let last = 0;
  for (const match of text.matchAll(textLinkPattern)) {
    const index = match.index ?? 0;
    body.append(document.createTextNode(text.slice(last, index)));
    const url = match[0];
    const link = element('a', { className: 'text-link', text: url, attributes: { role: 'link', tabindex: '0' } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      open(url);
    });
    link.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        open(url);
      }
    });
    body.append(link);
    last = index + url.length;
  }
  body.append(document.createTextNode(text.slice(last)));
  return body;
}

function linkItems(links: { href: string; text: string }[], open: OpenLink): HTMLElement {
  const list = element('ul');
  for (const link of links) {
    const item = element('li');
    const button = element('button', { className: 'link-button', text: link.text || link.href, attributes: { type: 'button', title: link.href } });
    button.addEventListener('click', () => open(link.href));
    item.append(button, element('span', { className: 'link-target', text: hostOf(link.href) }));
    list.append(item);
  }
  return list;
}

function hostOf(href: string): string {
  try {
    const url = new URL(href);
    return url.protocol === 'mailto:' ? url.pathname : url.host;
  } catch {
    return '';
  }
}
