// The one handle the webview has on the extension: postMessage, reached only through a typed client.
import type { WebviewProtocol } from '../src/shared/webviewProtocol';
import type { WebviewHandlers } from './webviewClient';
import { WebviewClient } from './webviewClient';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** This page's client for protocol P; messages from the extension arrive as window `message` events. */
export function connect<P extends WebviewProtocol>(handlers: WebviewHandlers<P>): WebviewClient<P> {
  const api = acquireVsCodeApi();
  return new WebviewClient<P>(
    {
      postMessage: (message) => api.postMessage(message),
      onMessage: (listener) => window.addEventListener('message', (event: MessageEvent<unknown>) => listener(event.data)),
    },
    handlers,
  );
}

/** Creates an element with text (never HTML) and classes. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: { className?: string; text?: string; attributes?: Record<string, string> } = {}): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (options.className) {
    created.className = options.className;
  }
  if (options.text !== undefined) {
    created.textContent = options.text;
  }
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    created.setAttribute(name, value);
  }
  return created;
}

export function codicon(name: string, label?: string): HTMLElement {
  const icon = element('span', { className: `codicon codicon-${name}` });
  if (label) {
    icon.setAttribute('aria-label', label);
    icon.setAttribute('role', 'img');
  } else {
    icon.setAttribute('aria-hidden', 'true');
  }
  return icon;
}

/** The busy state shown while something loads (it fades in only if the wait is long enough to notice). */
export function loadingIndicator(label: string): HTMLElement {
  const box = element('div', { className: 'state loading', attributes: { 'aria-busy': 'true' } });
  box.append(element('vscode-progress-ring', { attributes: { 'aria-label': label } }));
  return box;
}
