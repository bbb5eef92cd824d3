/**
 * Tells the extension when this document gains or loses the keyboard focus: the editor has no context
 * key for focus inside a webview, and the Inbox's and the reader's shortcut keybindings need one. Only
 * changes are told, starting from "not focused" as the extension does; a click or a key pressed here
 * proves focus (a focus moved by script inside the frame may bring no focus event).
 */
export function reportFocusChanges(send: (focused: boolean) => void): void {
  let focused = false;
  const report = (now: boolean): void => {
    if (now !== focused) {
      focused = now;
      send(focused);
    }
  };
  window.addEventListener('focus', () => report(true));
  document.addEventListener('pointerdown', () => report(true));
  document.addEventListener('keydown', () => report(true), true);
  window.addEventListener('blur', () => report(false));
}
