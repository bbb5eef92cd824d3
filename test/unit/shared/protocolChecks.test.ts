import * as assert from 'node:assert/strict';
import { isInboxToExtension, isReaderToExtension } from '../../../src/shared/protocolChecks';

describe('webview protocol guards', () => {
  const message = { accountId: 'a', folder: 'INBOX', uid: 7 };

  it('accepts every well-formed inbox message', () => {
    for (const value of [
      { type: 'ready' },
      { type: 'signIn' },
      { type: 'refresh' },
      { type: 'openFolder', requestId: 1, accountId: 'a', folder: 'INBOX' },
      { type: 'listFolders', requestId: 2, accountId: 'a' },
      { type: 'loadRows', requestId: 3, accountId: 'a', folder: 'INBOX', start: 50, count: 50 },
      { type: 'loadRows', requestId: 3, accountId: 'a', folder: 'INBOX', start: 0, count: 50, search: 'x' },
      { type: 'search', requestId: 4, accountId: 'a', folder: 'INBOX', query: 'invoice' },
      { type: 'openMessage', message },
      { type: 'openConversation', message },
      { type: 'setViewMode', mode: 'conversations' },
      { type: 'setViewMode', mode: 'messages' },
      { type: 'action', action: 'archive', message },
      { type: 'checkAccount', accountId: 'a', failure: 'The server cannot be reached.' },
    ]) {
      assert.equal(isInboxToExtension(value), true, JSON.stringify(value));
    }
  });

  it('rejects malformed or unknown inbox messages', () => {
    for (const value of [
      null,
      'ready',
      [],
      {},
      { type: 'nope' },
      { type: 'openFolder', requestId: -1, accountId: 'a', folder: 'INBOX' },
      { type: 'openFolder', requestId: 1, accountId: 5, folder: 'INBOX' },
      { type: 'loadRows', requestId: 1, accountId: 'a', folder: 'INBOX', start: 0, count: 100_000 },
      { type: 'loadRows', requestId: 1, accountId: 'a', folder: 'INBOX', start: 1.5, count: 5 },
      { type: 'openMessage', message: { ...message, uid: 0 } },
      { type: 'openMessage', message: { ...message, uid: '7' } },
      { type: 'openConversation', message: { ...message, uid: 0 } },
      { type: 'setViewMode', mode: 'threads' },
      { type: 'setViewMode' },
      { type: 'action', action: 'runCommand', message },
      { type: 'action', action: '__proto__', message },
      { type: 'search', requestId: 1, accountId: 'a', folder: 'INBOX', query: 'x'.repeat(5000) },
      { type: 'checkAccount', accountId: 'a' },
      { type: 'checkAccount', accountId: 7, failure: 'x' },
    ]) {
      assert.equal(isInboxToExtension(value), false, JSON.stringify(value));
    }
  });

  it('validates reader messages ([SEC-29c] a snippet action is one of four, its index bounded)', () => {
    assert.equal(isReaderToExtension({ type: 'openLink', url: 'https://example.com' }), true);
    const message = { accountId: 'acc', folder: 'INBOX', uid: 7 };
    assert.equal(isReaderToExtension({ type: 'viewSource', message }), true);
    assert.equal(isReaderToExtension({ type: 'viewSource' }), false);
    assert.equal(isReaderToExtension({ type: 'viewSource', message: { accountId: 'a', folder: 'INBOX', uid: -1 } }), false);
    assert.equal(isReaderToExtension({ type: 'saveAttachment', index: 0, message }), true);
    assert.equal(isReaderToExtension({ type: 'action', action: 'reply', message }), true);
    assert.equal(isReaderToExtension({ type: 'loadRemoteContent', message }), true);
    assert.equal(isReaderToExtension({ type: 'stopTrustingSender', message }), true);
    assert.equal(isReaderToExtension({ type: 'openLink', url: 42 }), false);
    assert.equal(isReaderToExtension({ type: 'saveAttachment', index: -1, message }), false);
    assert.equal(isReaderToExtension({ type: 'action', action: 'eval', message }), false);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'openInWorkspace', index: 0, message }), true);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'compareWithWorkspace', index: 49, message }), true);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'runInTerminal', index: 0, message }), false);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'copy', index: 50, message }), false);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'copy', index: 1.5, message }), false);
    assert.equal(isReaderToExtension({ type: 'snippet', action: 'copy', index: 0 }), false);
    assert.equal(
      isReaderToExtension({ type: 'snippet', action: 'openInWorkspace', index: 0, path: '/etc/passwd', message }),
      true,
      'extra fields are ignored: the extension reads only the index',
    );
    // Acting on a message means naming it: the extension may already show another one.
    assert.equal(isReaderToExtension({ type: 'action', action: 'reply' }), false);
    assert.equal(isReaderToExtension({ type: 'loadRemoteContent' }), false);
    assert.equal(isReaderToExtension({ type: 'alwaysLoadRemoteContentFromSender', message: { uid: 7 } }), false);
    assert.equal(isReaderToExtension({ type: 'stopTrustingSender' }), false);
    assert.equal(isReaderToExtension({ type: 'command', command: 'workbench.action.terminal.new' }), false);
  });
});
