/**
 * Checks of what a webview posts: the extension trusts nothing that comes from a webview, so every
 * message is validated against the protocol (protocol.ts) before it is handled.
 */
import type { InboxToExtension, MessageAction, MessageRef, ReaderToExtension, SnippetAction } from './protocol';
import { MAX_SNIPPETS, inboxViewModes, messageActions, snippetActions } from './protocol';

export type Fields = Record<string, unknown>;

/** The value checks every wire shared by Mailroom's processes uses: webviews here, other windows in src/windows. */
export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown, maxLength = 1000): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isUid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= 0xffffffff;
}

export function isMessageRef(value: unknown): value is MessageRef {
  return isObject(value) && isString(value.accountId) && isString(value.folder) && isUid(value.uid);
}

function isMessageAction(value: unknown): value is MessageAction {
  return typeof value === 'string' && (messageActions as readonly string[]).includes(value);
}

function isSnippetAction(value: unknown): value is SnippetAction {
  return typeof value === 'string' && (snippetActions as readonly string[]).includes(value);
}

/** Validates a message posted by the inbox webview. */
export function isInboxToExtension(value: unknown): value is InboxToExtension {
  if (!isObject(value)) {
    return false;
  }
  switch (value.type) {
    case 'ready':
    case 'signIn':
    case 'refresh':
      return true;
    case 'focusChanged':
      return typeof value.focused === 'boolean';
    case 'openFolder':
      return isCount(value.requestId) && isString(value.accountId) && isString(value.folder);
    case 'listFolders':
      return isCount(value.requestId) && isString(value.accountId) && (value.freshCounts === undefined || typeof value.freshCounts === 'boolean');
    case 'loadRows':
      return (
        isCount(value.requestId) &&
        isString(value.accountId) &&
        isString(value.folder) &&
        isCount(value.start) &&
        isCount(value.count) &&
        value.count <= 500 &&
        (value.search === undefined || isString(value.search))
      );
    case 'search':
      return isCount(value.requestId) && isString(value.accountId) && isString(value.folder) && isString(value.query);
    case 'openMessage':
    case 'openConversation':
      return isMessageRef(value.message);
    case 'setViewMode':
      return typeof value.mode === 'string' && (inboxViewModes as readonly string[]).includes(value.mode);
    case 'checkAccount':
      return isString(value.accountId) && isString(value.failure);
    case 'action':
      return isMessageAction(value.action) && isMessageRef(value.message);
    default:
      return false;
  }
}

/** Validates a message posted by the reader webview. */
export function isReaderToExtension(value: unknown): value is ReaderToExtension {
  if (!isObject(value)) {
    return false;
  }
  switch (value.type) {
    case 'ready':
      return true;
    case 'loadRemoteContent':
    case 'alwaysLoadRemoteContentFromSender':
    case 'stopTrustingSender':
    case 'viewSource':
      return isMessageRef(value.message);
    case 'openLink':
      return isString(value.url, 8192);
    case 'focusChanged':
      return typeof value.focused === 'boolean';
    case 'action':
      return isMessageAction(value.action) && isMessageRef(value.message);
    case 'saveAttachment':
    case 'openAttachment':
      return isCount(value.index) && isMessageRef(value.message);
    case 'snippet':
      return isSnippetAction(value.action) && isCount(value.index) && value.index < MAX_SNIPPETS && isMessageRef(value.message);
    default:
      return false;
  }
}
