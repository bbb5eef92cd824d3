/**
 * Messages between the extension and its webviews (the Inbox view and the reader panel).
 * Imported by both sides. Never carries a token, code or secret: only what is on screen.
 * Each webview's messages are declared once, as maps (see webviewProtocol.ts).
 */
import type { FromWebview, NoPayload, RequestMessage, RequestShape, ToWebview } from './webviewProtocol';
import type { PatchTooLarge, PatchView } from './patchView';

/** One row of the message list: what the list shows, nothing more. */
export interface MessageRow {
  uid: number;
  /** Display name, or the address when there is none. */
  from: string;
  fromAddress: string;
  subject: string;
  /** Milliseconds since the epoch (sent date, else the server's arrival date). */
  date: number;
  /** A line of the text, where the server gave us one cheaply; may be empty. */
  preview: string;
  unread: boolean;
  flagged: boolean;
  answered: boolean;
  hasAttachment: boolean;
  /** Number of messages in the thread, where the server tells (Gmail); otherwise absent. */
  threadCount?: number;
  /**
   * Shown as conversations: the row stands for its conversation (this message is the newest of the
   * folder in it), with the number of messages (sent replies included) and who wrote them.
   */
  conversation?: { count: number; participants: string[] };
}

/** How the Inbox lists a folder: the `mailroom.inbox.view` setting. */
export type InboxViewMode = 'messages' | 'conversations';
export const inboxViewModes: readonly InboxViewMode[] = ['messages', 'conversations'];

export interface AccountSummary {
  id: string;
  email: string;
}

export interface FolderSummary {
  path: string;
  name: string;
  /** `\Sent`, `\Trash`, … or absent. */
  specialUse?: string;
  unread?: number;
  total?: number;
}

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'signInRequired';

/** A page of the list. `index` 0 is the newest message. */
export interface RowsPage {
  /** Number of messages in the list (folder or search result). */
  total: number;
  start: number;
  rows: MessageRow[];
  /** True when these rows come from the cache because the server cannot be reached. */
  fromCache: boolean;
  /** Cold start: the envelope cache's rows, shown before any IMAP command; `folderReconciled` follows. */
  reconciling?: boolean;
}

export interface OpenFolderResult extends RowsPage {
  accountId: string;
  folder: string;
}

export type MessageAction =
  'reply' | 'replyAll' | 'forward' | 'markUnread' | 'markRead' | 'flag' | 'unflag' | 'archive' | 'delete' | 'move' | 'applyPatch' | 'replyToPatch';

export const messageActions: readonly MessageAction[] = [
  'reply',
  'replyAll',
  'forward',
  'markUnread',
  'markRead',
  'flag',
  'unflag',
  'archive',
  'delete',
  'move',
  'applyPatch',
  'replyToPatch',
];

/**
 * The Inbox's and the reader's keyboard shortcuts: contributed keybindings (rebindable in Keyboard
 * Shortcuts) whose commands the extension passes on to the webview, which knows the focused row.
 */
export const INBOX_SHORTCUTS = ['reply', 'archive', 'delete', 'toggleRead', 'toggleFlag'] as const;
export type InboxShortcut = (typeof INBOX_SHORTCUTS)[number];
export const READER_SHORTCUTS = ['reply', 'replyAll', 'forward', 'archive', 'delete', 'markUnread', 'toggleFlag'] as const;
export type ReaderShortcut = (typeof READER_SHORTCUTS)[number];

/** Identifies one message of one account's folder. */
export interface MessageRef {
  accountId: string;
  folder: string;
  uid: number;
}

// ---------------------------------------------------------------- inbox

/** The Inbox view's messages, declared once (see webviewProtocol.ts). */
export interface InboxProtocol {
  toExtension: {
    openMessage: { message: MessageRef };
    /** A conversation's row: the reader shows all its messages (the row's message is the newest of the folder). */
    openConversation: { message: MessageRef };
    /** The view's toggle between messages and conversations (it sets `mailroom.inbox.view`). */
    setViewMode: { mode: InboxViewMode };
    action: { action: MessageAction; message: MessageRef };
    signIn: NoPayload;
    refresh: NoPayload;
    /** The document gained or lost the keyboard focus (the Inbox's shortcuts apply only while it has it). */
    focusChanged: { focused: boolean };
    /** "Check Account…" next to a failure to read: the account and what the failure said. */
    checkAccount: { accountId: string; failure: string };
  };
  toWebview: {
    /**
     * Who is signed in and what the view should show, with the rows per page (the
     * `mailroom.inbox.pageSize` setting); sent after `ready` and on every change.
     */
    accounts: {
      accounts: AccountSummary[];
      selectedAccountId?: string;
      selectedFolder?: string;
      pageSize: number;
      singleKeyShortcuts: boolean;
      viewMode: InboxViewMode;
    };
    folders: { accountId: string; folders: FolderSummary[] };
    connection: { accountId: string; status: ConnectionStatus; message?: string };
    /**
     * The folder changed on the server (new mail, expunge, flags) or may have (IDLE started watching
     * it, back online): reload visible rows. `total`, when given, is the folder's message count.
     */
    folderChanged: { accountId: string; folder: string; total?: number };
    /** One message's flags changed by our own action: update the row in place. */
    rowUpdated: { accountId: string; folder: string; row: MessageRow };
    /** The first screen's rows with what followed them: previews, paperclips, thread sizes; update in place. */
    rowsDetailed: { accountId: string; folder: string; rows: MessageRow[] };
    /** The server's first page after a cold start shown from the cache: new rows above, flags updated, gone ones out. */
    folderReconciled: { accountId: string; folder: string; page: RowsPage };
    rowsRemoved: { accountId: string; folder: string; uids: number[] };
    focusSearch: NoPayload;
    /** A contributed keybinding for the focused row was pressed. */
    shortcut: { command: InboxShortcut };
  };
  requests: {
    openFolder: RequestShape<{ accountId: string; folder: string }, OpenFolderResult>;
    loadRows: RequestShape<{ accountId: string; folder: string; start: number; count: number; search?: string }, RowsPage>;
    search: RequestShape<{ accountId: string; folder: string; query: string }, RowsPage>;
    /** `freshCounts`: the picker is about to open, so unread counts older than a few seconds are read again. */
    listFolders: RequestShape<{ accountId: string; freshCounts?: boolean }, FolderSummary[]>;
  };
}

export type InboxRequest = RequestMessage<InboxProtocol>;
export type InboxToExtension = FromWebview<InboxProtocol>;
export type ExtensionToInbox = ToWebview<InboxProtocol>;

// ---------------------------------------------------------------- reader

export interface AddressView {
  name: string;
  address: string;
}

export interface AttachmentView {
  /** Index into the message's attachment list; the extension maps it back to a MIME part. */
  index: number;
  /** Already sanitized for display and saving. */
  filename: string;
  contentType: string;
  size: number;
}

/** Attachments that open as text in an editor (never run); others can only be saved. */
export function opensAsText(contentType: string): boolean {
  return /^(text\/|message\/(rfc822|global|delivery-status)$|application\/(json|xml|javascript|x-sh|x-yaml|yaml|toml|x-patch|x-diff)$)/.test(contentType);
}

export type { PatchLineKind, PatchTooLarge, PatchView } from './patchView';

/** A parsed message as the reader shows it. `html` is NOT sanitized yet: the reader sanitizes it with DOMPurify before display. */
export interface MessageView {
  ref: MessageRef;
  subject: string;
  from: AddressView[];
  to: AddressView[];
  cc: AddressView[];
  date: number | undefined;
  text: string;
  html: string | undefined;
  attachments: AttachmentView[];
  /** The MIME structure is broken: the body shows (some of) the message's source text instead. */
  malformed: boolean;
  flagged: boolean;
  unread: boolean;
  /** The body was longer than what was fetched; the end is not shown. */
  truncated: boolean;
  /** The body, or a .patch/.diff attachment, carries a patch (shown coloured, with Apply Patch…). */
  patch?: PatchView;
  /** Instead of `patch`: an attached patch too large to show, with Apply Patch… and Reply to Patch all the same. */
  patchTooLarge?: PatchTooLarge;
}

/** Another message of a conversation in the reader: shown collapsed, as text, its quoted lines folded. */
export interface ConversationEntry {
  ref: MessageRef;
  from: string;
  date: number | undefined;
  text: string;
  /** The person's own reply, from the Sent folder. */
  sent: boolean;
}

/**
 * A code block or a file reference in the message, as the reader lists it (issue 15, part 3). The code
 * itself stays with the extension: the reader names a snippet by its index, and the extension acts on
 * its own copy of the message.
 */
export interface SnippetView {
  index: number;
  /** The fence's language word (`ts`, `typescript`); empty when it names none. */
  language: string;
  /** Lines of code in the block; 0 for a reference that has no block. */
  lines: number;
  /** The file and lines the mail says the code is from, already checked to be a plain relative path. */
  source?: { path: string; startLine: number; endLine: number };
}

export type SnippetAction = 'copy' | 'openInEditor' | 'openInWorkspace' | 'compareWithWorkspace';

export const snippetActions: readonly SnippetAction[] = ['copy', 'openInEditor', 'openInWorkspace', 'compareWithWorkspace'];

/** The most snippets the reader lists for one message (src/mail/codeBlocks.ts finds no more). */
export const MAX_SNIPPETS = 50;

/**
 * How "always load remote content from this sender" applies to the message shown. `sender` is the
 * From address; `reason` says which header contradicts it (shown to the person as text).
 */
export type SenderTrust =
  /** No usable From address: nothing to trust or offer. */
  | { kind: 'none' }
  /** Not trusted; nothing contradicts From, so trusting the sender can be offered. */
  | { kind: 'offered'; sender: string }
  /** Trusted: remote content loaded because of it. */
  | { kind: 'applied'; sender: string }
  /** The headers contradict From: trust is not applied (`trusted`) and not offered (otherwise). */
  | { kind: 'withheld'; sender: string; trusted: boolean; reason: string };

/**
 * The reader's messages. Requests that act on a message name the one the reader shows: the
 * extension may already have moved on to the next message.
 */
export interface ReaderProtocol {
  toExtension: {
    openLink: { url: string };
    loadRemoteContent: { message: MessageRef };
    alwaysLoadRemoteContentFromSender: { message: MessageRef };
    stopTrustingSender: { message: MessageRef };
    action: { action: MessageAction; message: MessageRef };
    saveAttachment: { index: number; message: MessageRef };
    openAttachment: { index: number; message: MessageRef };
    /** The message's source, read-only in an editor. */
    viewSource: { message: MessageRef };
    /** Copy, Open in Editor, Open in Workspace or Compare with Workspace on one of the message's snippets. */
    snippet: { action: SnippetAction; index: number; message: MessageRef };
    /** The document gained or lost the keyboard focus (the reader's shortcuts apply only while it has it). */
    focusChanged: { focused: boolean };
  };
  toWebview: {
    message: { view: MessageView; allowRemoteContent: boolean; senderTrust: SenderTrust; snippets?: SnippetView[] };
    /** The other messages of the conversation of the message shown (`ref`), oldest first; sent after `message`. */
    conversation: { ref: MessageRef; others: ConversationEntry[] };
    flags: { flagged: boolean; unread: boolean };
    /** A contributed keybinding for the message shown was pressed. */
    shortcut: { action: ReaderShortcut };
  };
  requests: NoPayload;
}

export type ExtensionToReader = ToWebview<ReaderProtocol>;
export type ReaderToExtension = FromWebview<ReaderProtocol>;
