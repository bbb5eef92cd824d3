// Building blocks of the webviews' pages. Everything goes in as text or attributes, never as HTML.

/** Creates an element with text (never HTML) and classes. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string; attributes?: Record<string, string> } = {},
): HTMLElementTagNameMap[K] {
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

/** A `vscode-button` that calls `onClick`; `secondary` gives it the editor's secondary look. */
export function vscodeButton(label: string, onClick: () => void, options: { icon?: string; secondary?: boolean } = {}): HTMLElement {
  const attributes: Record<string, string> = {};
  if (options.icon) {
    attributes.icon = options.icon;
  }
  if (options.secondary) {
    attributes.secondary = '';
  }
  const button = element('vscode-button', { text: label, attributes });
  button.addEventListener('click', onClick);
  return button;
}

/** The busy state shown while something loads (it fades in only if the wait is long enough to notice). */
export function loadingIndicator(label: string): HTMLElement {
  const box = element('div', { className: 'state loading', attributes: { 'aria-busy': 'true' } });
  box.append(element('vscode-progress-ring', { attributes: { 'aria-label': label } }));
  return box;
}
