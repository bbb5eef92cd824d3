// The host (extension side) and client (webview side) of every webview, over fakes: the handshake,
// checked input with a log line for each drop, request/response pairing, timeouts, a disposed webview.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { InboxProtocol } from '../../../src/shared/protocol';
import { isInboxToExtension } from '../../../src/shared/protocolChecks';
import type * as Host from '../../../src/views/webviewHost';
import { useTranslator } from '../../../src/ui/text';
import { MailroomError } from '../../../src/util/errors';
import { RequestFailed, WebviewClient } from '../../../webview/webviewClient';
import type { RecordingSink } from '../../support/logging';
import { recordingLogger } from '../../support/logging';
import { FakeEditor, installFakeVscode } from '../../support/fakeVscode';
import { pseudoLocalise, pseudoTranslator } from '../../support/pseudoLocale';

/** A webview panel whose document the test plays: what the extension posts, and posting to it. */
class FakeSurface {
  public readonly posted: unknown[] = [];
  public receive: (message: unknown) => unknown = () => undefined;
  private disposeListener: () => unknown = () => undefined;
  public readonly webview = {
    postMessage: (message: unknown): Thenable<boolean> => {
      this.posted.push(message);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: (listener: (message: unknown) => unknown) => {
      this.receive = listener;
      return { dispose: () => (this.receive = () => undefined) };
    },
  };
  public onDidDispose(listener: () => unknown): { dispose(): void } {
    this.disposeListener = listener;
    return { dispose: () => undefined };
  }
  public dispose(): void {
    this.disposeListener();
  }
  /** Posts as the webview would, resolving once the host has handled it. */
  public async send(message: unknown): Promise<void> {
    await this.receive(message);
  }
}

const page = { total: 1, start: 0, rows: [], fromCache: false };

describe('webview host', () => {
  const editor = new FakeEditor();
  let restore: () => void;
  let WebviewHost: typeof Host.WebviewHost;

  before(() => {
    restore = installFakeVscode(editor);
    ({ WebviewHost } = createRequire(__filename)('../../../src/views/webviewHost') as typeof Host);
  });
  after(() => restore());

  function inboxHost(overrides: Partial<Host.WebviewHostOptions<InboxProtocol>> = {}): {
    surface: FakeSurface;
    host: Host.WebviewHost<InboxProtocol>;
    sink: RecordingSink;
    seen: unknown[];
  } {
    const surface = new FakeSurface();
    const { logger, sink } = recordingLogger();
    const seen: unknown[] = [];
    const host: Host.WebviewHost<InboxProtocol> = new WebviewHost<InboxProtocol>(surface, {
      name: 'Inbox view',
      isMessage: isInboxToExtension,
      logger,
      onReady: (): void => host.post({ type: 'focusSearch' }),
      notifications: {
        signIn: (message) => void seen.push(message),
        refresh: () => undefined,
        openMessage: () => undefined,
        openConversation: () => undefined,
        setViewMode: () => undefined,
        action: () => undefined,
        focusChanged: () => undefined,
        checkAccount: () => undefined,
      },
      requests: {
        listFolders: () => Promise.resolve([]),
        openFolder: ({ accountId, folder }) => Promise.resolve({ accountId, folder, ...page }),
        loadRows: () => Promise.reject(new MailroomError('NetworkError', 'The server cannot be reached.')),
        search: () => Promise.resolve(page),
      },
      ...overrides,
    });
    return { surface, host, sink, seen };
  }

  it('posts nothing before ready, then what onReady posts, and nothing again once a new document loads', async () => {
    const { surface, host } = inboxHost();
    host.post({ type: 'folderChanged', accountId: 'a', folder: 'INBOX' });
    assert.deepEqual(surface.posted, []);
    await surface.send({ type: 'ready' });
    host.post({ type: 'folderChanged', accountId: 'a', folder: 'INBOX' });
    assert.deepEqual(surface.posted, [{ type: 'focusSearch' }, { type: 'folderChanged', accountId: 'a', folder: 'INBOX' }]);
    host.expectReady();
    host.post({ type: 'focusSearch' });
    assert.equal(surface.posted.length, 2);
  });

  it('hands a checked notification to its handler', async () => {
    const { surface, seen } = inboxHost();
    await surface.send({ type: 'signIn' });
    assert.deepEqual(seen, [{ type: 'signIn' }]);
  });

  it('drops a malformed message with a log line naming the webview and the type, never the content', async () => {
    const { surface, seen, sink } = inboxHost();
    await surface.send({ type: 'signIn', extra: 'secret-looking-content' });
    assert.deepEqual(seen, [{ type: 'signIn', extra: 'secret-looking-content' }], 'positive control: extra fields are not what is checked');
    await surface.send({ type: 'openMessage', message: { accountId: 'a', folder: 'INBOX', uid: -1, note: 'secret-looking-content' } });
    await surface.send('not an object');
    assert.deepEqual(sink.lines, [
      'warn Ignored a malformed message from the Inbox view (type "openMessage")',
      'warn Ignored a malformed message from the Inbox view',
    ]);
  });

  it('answers each request once with its id: the result, or the error code and message', async () => {
    const { surface, sink } = inboxHost();
    await surface.send({ type: 'ready' });
    await surface.send({ type: 'openFolder', requestId: 7, accountId: 'a', folder: 'Sent' });
    await surface.send({ type: 'loadRows', requestId: 8, accountId: 'a', folder: 'Sent', start: 0, count: 50 });
    assert.deepEqual(surface.posted.slice(1), [
      { type: 'response', requestId: 7, ok: true, result: { accountId: 'a', folder: 'Sent', ...page } },
      { type: 'response', requestId: 8, ok: false, error: { code: 'NetworkError', message: 'The server cannot be reached.' } },
    ]);
    assert.ok(sink.lines.some((line) => line.startsWith('warn Inbox view request loadRows failed')));
  });

  it('answers a failed request with the error’s message in the user’s language', async () => {
    useTranslator(pseudoTranslator());
    try {
      const signedOut = (): Promise<never> => Promise.reject(new MailroomError('SignInRequired', 'This account is signed out.'));
      const { surface } = inboxHost({ requests: { listFolders: signedOut, openFolder: signedOut, loadRows: signedOut, search: signedOut } });
      await surface.send({ type: 'ready' });
      await surface.send({ type: 'listFolders', requestId: 3, accountId: 'a' });
      assert.deepEqual(surface.posted.slice(1), [
        { type: 'response', requestId: 3, ok: false, error: { code: 'SignInRequired', message: pseudoLocalise('This account is signed out.') } },
      ]);
    } finally {
      useTranslator(undefined);
    }
  });

  it('reports a failed handler to the log and as an error notification', async () => {
    const { surface, sink } = inboxHost({
      notifications: {
        signIn: () => Promise.reject(new MailroomError('SignInRequired', 'Sign in again.')),
        refresh: () => undefined,
        openMessage: () => undefined,
        openConversation: () => undefined,
        setViewMode: () => undefined,
        action: () => undefined,
        focusChanged: () => undefined,
        checkAccount: () => undefined,
      },
    });
    editor.rendered.length = 0;
    await surface.send({ type: 'signIn' });
    assert.ok(sink.lines.some((line) => line.startsWith('error Action in the Inbox view failed')));
    assert.deepEqual(editor.rendered.filter((rendered) => rendered.surface === 'error message').length, 1);
  });

  it('never posts to a disposed webview and ignores what it still delivers', async () => {
    const { surface, host, seen } = inboxHost();
    await surface.send({ type: 'ready' });
    host.post({ type: 'focusSearch' });
    const before = surface.posted.length;
    surface.dispose();
    host.post({ type: 'focusSearch' });
    await surface.send({ type: 'signIn' });
    assert.equal(surface.posted.length, before);
    assert.deepEqual(seen, []);
  });
});

describe('webview client', () => {
  function inboxClient(timeoutMs = 1_000): {
    client: WebviewClient<InboxProtocol>;
    posted: Record<string, unknown>[];
    received: unknown[];
    deliver: (data: unknown) => void;
  } {
    const posted: Record<string, unknown>[] = [];
    let deliver: (data: unknown) => void = () => undefined;
    const received: unknown[] = [];
    const record = (message: unknown): void => void received.push(message);
    const client = new WebviewClient<InboxProtocol>(
      { postMessage: (message) => posted.push(message as Record<string, unknown>), onMessage: (listener) => (deliver = listener) },
      {
        accounts: record,
        folders: record,
        connection: record,
        folderChanged: record,
        rowUpdated: record,
        rowsDetailed: record,
        folderReconciled: record,
        rowsRemoved: record,
        focusSearch: record,
        shortcut: record,
      },
      timeoutMs,
    );
    return { client, posted, received, deliver: (data: unknown) => deliver(data) };
  }

  it('pairs answers with requests by id, whatever order they come in', async () => {
    const { client, posted, deliver } = inboxClient();
    const folders = client.request('listFolders', { accountId: 'a' });
    const rows = client.request('search', { accountId: 'a', folder: 'INBOX', query: 'x' });
    assert.deepEqual(posted, [
      { type: 'listFolders', requestId: 1, accountId: 'a' },
      { type: 'search', requestId: 2, accountId: 'a', folder: 'INBOX', query: 'x' },
    ]);
    assert.ok(
      posted.every((message) => isInboxToExtension(message)),
      'what the client posts passes the host check',
    );
    deliver({ type: 'response', requestId: 2, ok: true, result: page });
    deliver({ type: 'response', requestId: 1, ok: false, error: { code: 'SignInRequired', message: 'Sign in again.' } });
    assert.deepEqual(await rows, page);
    await assert.rejects(folders, (error: unknown) => error instanceof RequestFailed && error.code === 'SignInRequired' && error.message === 'Sign in again.');
  });

  it('gives up on a request that gets no answer in time, and ignores the late answer', async () => {
    const { client, deliver } = inboxClient(30);
    const answered = client.request('listFolders', { accountId: 'a' });
    deliver({ type: 'response', requestId: 1, ok: true, result: [] });
    assert.deepEqual(await answered, [], 'positive control: an answer within the timeout resolves');
    const started = Date.now();
    const unanswered = client.request('listFolders', { accountId: 'a' });
    await assert.rejects(unanswered, (error: unknown) => error instanceof RequestFailed && error.code === 'Timeout');
    assert.ok(Date.now() - started < 1_000);
    deliver({ type: 'response', requestId: 2, ok: true, result: [] });
  });

  it('hands notifications to their handlers and ignores anything else posted to the page', () => {
    const { client, received, deliver } = inboxClient();
    deliver({ type: 'focusSearch' });
    deliver({ type: 'constructor' });
    deliver({ type: 'toString' });
    deliver('text');
    deliver(null);
    assert.deepEqual(received, [{ type: 'focusSearch' }]);
    client.ready();
  });
});
