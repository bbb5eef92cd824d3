// Mail HTML → a sandboxed, inert document [SEC-26, SEC-27]. Runs in the reader webview, so
// DOMPurify uses the browser's own HTML parser (the one that will render the result): no
// parser differential, which is where mutation-XSS comes from. The result goes into an
// <iframe sandbox srcdoc> without scripts or same-origin, under the webview's CSP.
import DOMPurify from 'dompurify';
import { STYLE_ATTRIBUTE_STANDIN, renameStyleAttributes } from '../src/shared/styleAttributes';
import { screenDeclarations, screenStyleSheet } from './cssFilter';
import type { CssScreen, UrlVerdict } from './cssFilter';

export interface SanitizedMail {
  /** A complete document for `iframe.srcdoc`. */
  document: string;
  /** Remote resources (images, backgrounds, anything CSS would fetch) left out because remote content is blocked. */
  blockedRemote: number;
  /** Links found in the message, for the reader's link list (opened only through the extension). */
  links: { href: string; text: string }[];
}

interface SanitizeOptions {
  allowRemote: boolean;
  /** The nonce of this render; the iframe inherits the CSP, so its one stylesheet needs it. */
  nonce: string;
  /** CSS custom properties of the current theme, copied in (the iframe does not inherit them). */
  themeCss: string;
}

const LINK_SCHEMES = /^(https?|mailto):/i;
/** Resolves relative URLs, only to tell them from remote ones. */
const RELATIVE_HOST = 'relative.mailroom.invalid';
const RELATIVE_BASE = `https://${RELATIVE_HOST}/`;

const FORBIDDEN_TAGS = [
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'optgroup',
  'datalist',
  'dialog',
  'template',
  'slot',
  'meta',
  'base',
  'link',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'portal',
  'noscript',
  'script',
];
const FORBIDDEN_ATTRIBUTES = ['style', 'action', 'formaction', 'ping', 'srcdoc', 'xmlns', 'autofocus', 'tabindex', 'contenteditable', 'popover'];

interface RunState {
  allowRemote: boolean;
  blocked: number;
  links: { href: string; text: string }[];
}

let state: RunState = { allowRemote: false, blocked: 0, links: [] };
let hooksInstalled = false;

/**
 * Whether a URL from the mail may load: inline images always, https only when remote content is
 * allowed. Remote means what the URL parser makes of it (`HTTP:\\host` and `//host` are remote too).
 */
function urlVerdict(url: string, allowRemote: boolean): UrlVerdict {
  const trimmed = url.trim();
  if (/^data:image\//i.test(trimmed)) {
    return 'keep';
  }
  const absolute = URL.parse(trimmed);
  const resolved = absolute ?? URL.parse(trimmed, RELATIVE_BASE);
  const web = resolved !== null && (resolved.protocol === 'http:' || resolved.protocol === 'https:');
  // A relative URL lands on the stand-in host; a protocol-relative one (`//host/x`) names its own.
  if (!web || (absolute === null && resolved.host === RELATIVE_HOST)) {
    return 'drop';
  }
  return allowRemote && absolute?.protocol === 'https:' ? 'keep' : 'blockRemote';
}

function cssScreen(): CssScreen {
  return { verdict: (url) => urlVerdict(url, state.allowRemote), onBlocked: () => state.blocked++ };
}

/** A stylesheet must never be able to close its own <style> element in the srcdoc. */
function escapeForStyleElement(css: string): string {
  return css.replace(/</g, '\\3c ');
}

function installHooks(): void {
  if (hooksInstalled) {
    return;
  }
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) {
      return;
    }
    const tag = node.tagName.toLowerCase();
    if (tag === 'a' || tag === 'area') {
      const href = node.getAttribute('href') ?? '';
      if (LINK_SCHEMES.test(href.trim())) {
        state.links.push({ href: href.trim(), text: (node.textContent ?? '').trim().slice(0, 200) });
        node.setAttribute('title', href.trim());
      }
      // Links never navigate inside the frame: they open through the extension's confirmation.
      node.removeAttribute('href');
      node.removeAttribute('target');
    }
    for (const attribute of ['src', 'background', 'poster', 'data', 'srcset']) {
      const value = node.getAttribute(attribute);
      if (value === null) {
        continue;
      }
      // A srcset is a list of remote candidates, allowed or blocked as a whole.
      const verdict =
        attribute === 'srcset' ? (state.allowRemote && /^\s*https:\/\//i.test(value) ? 'keep' : 'blockRemote') : urlVerdict(value, state.allowRemote);
      if (verdict === 'keep') {
        continue;
      }
      if (verdict === 'blockRemote') {
        state.blocked++;
      }
      node.removeAttribute(attribute);
    }
  });
}

/**
 * Moves the mail's inline styles (renamed before parsing, see styleAttributes.ts) into one stylesheet:
 * style attributes would need 'unsafe-inline'. The browser's CSS parser reads each one (through the
 * CSSOM, which the CSP allows), so only declarations it understood, re-serialized and screened for
 * URLs, reach the sheet.
 */
function hoistStyleAttributes(root: Element): string {
  // Newsletters repeat the same few styles on hundreds of elements: one class per distinct style
  // keeps the sheet (and the frame's style matching) small, and each distinct text is parsed once.
  const classes = new Map<string, string>();
  const classOfText = new Map<string, string | undefined>();
  const reader = document.createElement('span');
  const screen = cssScreen();
  const classFor = (styleText: string): string | undefined => {
    reader.style.cssText = styleText;
    const parts = screenDeclarations(reader.style, screen).kept.map((declaration) =>
      declaration.important ? declaration.text : `${declaration.text} !important`,
    );
    if (parts.length === 0) {
      return undefined;
    }
    const declarationsText = parts.join('; ');
    let className = classes.get(declarationsText);
    if (className === undefined) {
      className = `mr-s${classes.size}`;
      classes.set(declarationsText, className);
    }
    return className;
  };
  root.querySelectorAll(`[${STYLE_ATTRIBUTE_STANDIN}]`).forEach((element) => {
    const styleText = element.getAttribute(STYLE_ATTRIBUTE_STANDIN) ?? '';
    element.removeAttribute(STYLE_ATTRIBUTE_STANDIN);
    if (!classOfText.has(styleText)) {
      classOfText.set(styleText, classFor(styleText));
    }
    const className = classOfText.get(styleText);
    if (className !== undefined) {
      element.classList.add(className);
    }
  });
  return escapeForStyleElement([...classes].map(([declarationsText, className]) => `.${className} { ${declarationsText} }`).join('\n'));
}

export function sanitizeMailHtml(html: string, options: SanitizeOptions): SanitizedMail {
  installHooks();
  state = { allowRemote: options.allowRemote, blocked: 0, links: [] };
  const root = DOMPurify.sanitize(renameStyleAttributes(html), {
    USE_PROFILES: { html: true },
    WHOLE_DOCUMENT: true,
    RETURN_DOM: true,
    FORBID_TAGS: FORBIDDEN_TAGS,
    FORBID_ATTR: FORBIDDEN_ATTRIBUTES,
    // Kept as data (its value is CSS, not a URL), read and removed by hoistStyleAttributes.
    ADD_ATTR: [STYLE_ATTRIBUTE_STANDIN],
    ADD_URI_SAFE_ATTR: [STYLE_ATTRIBUTE_STANDIN],
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  }) as HTMLElement;
  const sheets: string[] = [];
  root.querySelectorAll('style').forEach((element: HTMLStyleElement) => {
    sheets.push(escapeForStyleElement(screenStyleSheet(element.textContent ?? '', cssScreen())));
    element.remove();
  });
  const body = root.querySelector('body') ?? root;
  const hoisted = hoistStyleAttributes(body);
  const baseCss = `${options.themeCss}
html, body { margin: 0; padding: 0; }
body { padding: 12px 16px; background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); overflow-wrap: anywhere; }
a { color: var(--vscode-textLink-foreground); text-decoration: underline; cursor: default; }
img { max-width: 100%; height: auto; }
blockquote { border-left: 3px solid var(--vscode-textBlockQuote-border); margin-left: 0; padding-left: 12px; }`;
  const document = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style nonce="${options.nonce}">${baseCss}\n${sheets.join('\n')}\n${hoisted}</style></head><body>${body.innerHTML}</body></html>`;
  return { document, blockedRemote: state.blocked, links: dedupeLinks(state.links) };
}

function dedupeLinks(links: { href: string; text: string }[]): { href: string; text: string }[] {
  const seen = new Set<string>();
  return links.filter((link) => (seen.has(link.href) ? false : (seen.add(link.href), true)));
}

/** The theme's colours and fonts as CSS custom properties, for the mail frame. */
export function themeVariables(): string {
  const computed = getComputedStyle(document.documentElement);
  const names = [
    '--vscode-editor-background',
    '--vscode-editor-foreground',
    '--vscode-font-family',
    '--vscode-font-size',
    '--vscode-textLink-foreground',
    '--vscode-textBlockQuote-border',
  ];
  const declarations = names.map((name) => `${name}: ${computed.getPropertyValue(name).replace(/[<;{}]/g, '')};`).join(' ');
  return `:root { ${declarations} }`;
}
