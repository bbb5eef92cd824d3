// Compile-time test, checked by `tsc -p .` in the static layer (never run): every `@ts-expect-error`
// below must meet a type error, so a protocol that let a misspelt message type or a wrong payload
// through on either side would fail the build.
import type { ComposerProtocol } from '../../src/shared/composerProtocol';
import type { InboxProtocol, ReaderProtocol } from '../../src/shared/protocol';
import type { WebviewHost } from '../../src/views/webviewHost';
import type { WebviewClient } from '../../webview/webviewClient';

export function extensionSide(inbox: WebviewHost<InboxProtocol>, reader: WebviewHost<ReaderProtocol>, composer: WebviewHost<ComposerProtocol>): void {
  inbox.post({ type: 'folderChanged', accountId: 'a', folder: 'INBOX' });
  // @ts-expect-error -- a misspelt message type
  inbox.post({ type: 'folderChange', accountId: 'a', folder: 'INBOX' });
  // @ts-expect-error -- the accounts message without the page size
  inbox.post({ type: 'accounts', accounts: [] });
  // @ts-expect-error -- a wrong payload: flags are booleans
  reader.post({ type: 'flags', flagged: 'yes', unread: false });
  // @ts-expect-error -- the inbox's message posted to the composer
  composer.post({ type: 'focusSearch' });
}

export async function webviewSide(
  inbox: WebviewClient<InboxProtocol>,
  reader: WebviewClient<ReaderProtocol>,
  composer: WebviewClient<ComposerProtocol>,
): Promise<void> {
  reader.post({ type: 'openLink', url: 'https://example.com/' });
  // @ts-expect-error -- a misspelt message type
  reader.post({ type: 'openLinks', url: 'https://example.com/' });
  // @ts-expect-error -- a wrong payload: the index is a number
  reader.post({ type: 'saveAttachment', index: '1', message: { accountId: 'a', folder: 'INBOX', uid: 1 } });
  // @ts-expect-error -- the composer's message posted by the reader
  reader.post({ type: 'discard' });
  composer.post({ type: 'discard' });
  const page = await inbox.request('loadRows', { accountId: 'a', folder: 'INBOX', start: 0, count: 50 });
  const total: number = page.total;
  // @ts-expect-error -- a request's result has the request's type
  const folders: string[] = await inbox.request('listFolders', { accountId: 'a' });
  // @ts-expect-error -- a misspelt request type
  await inbox.request('listFolder', { accountId: 'a' });
  // @ts-expect-error -- a wrong request payload: no folder
  await inbox.request('openFolder', { accountId: 'a' });
  void total;
  void folders;
}
