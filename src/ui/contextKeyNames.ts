// The names alone, without `vscode`, so the manifest tests can check package.json against them.

/** The `when`-clause context keys Mailroom sets; package.json's menus and keybindings read them. */
export const CONTEXT_KEYS = {
  /** At least one account is signed in: Sign Out, Search and Refresh make sense. */
  signedIn: 'mailroom.signedIn',
  /** Messages wait unsent (kept after a failure or closed unsent): Unsent Drafts makes sense. */
  hasDrafts: 'mailroom.hasDrafts',
  /** The Inbox's document has the keyboard focus: its shortcuts apply. */
  inboxFocused: 'mailroom.inboxFocused',
  /** The reader's document has the keyboard focus: its shortcuts apply. */
  readerFocused: 'mailroom.readerFocused',
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;
