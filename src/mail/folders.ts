import type { ListResponse } from 'imapflow';
import { MailroomError } from '../util/errors';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { ui } from '../ui/text';

/** Special-use attributes (RFC 6154) Mailroom looks folders up by. */
export type SpecialUse = '\\Inbox' | '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive' | '\\All' | '\\Flagged';

/** Order of the folder picker: special-use folders first, in this order, then the rest by name. */
const specialUseOrder: readonly string[] = ['\\Inbox', '\\Flagged', '\\Drafts', '\\Sent', '\\Archive', '\\All', '\\Junk', '\\Trash'];

/** The folder with this special use, if the server has one (imapflow also recognises well-known names). */
export function findSpecialUse(folders: readonly ListResponse[], use: SpecialUse): ListResponse | undefined {
  if (use === '\\Inbox') {
    return folders.find((folder) => folder.specialUse === '\\Inbox' || folder.path.toUpperCase() === 'INBOX');
  }
  return folders.find((folder) => folder.specialUse === use);
}

/** Sorts folders for display: special-use first, then by path; `\Noselect` containers are left out. */
export function sortFoldersForDisplay(folders: readonly ListResponse[]): ListResponse[] {
  const rank = (folder: ListResponse): number => {
    const index = specialUseOrder.indexOf(folder.path.toUpperCase() === 'INBOX' ? '\\Inbox' : (folder.specialUse ?? ''));
    return index === -1 ? specialUseOrder.length : index;
  };
  return folders
    .filter((folder) => !folder.flags.has('\\Noselect') && !folder.flags.has('\\NonExistent'))
    .sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

export interface AppendResult {
  /** Path of the folder the message went into. */
  path: string;
  /** UID of the stored message when the server reports it (UIDPLUS). */
  uid?: number;
}

/**
 * Appends a raw RFC 5322 message to the account's `\Sent` or `\Drafts` folder, on the account's
 * command connection (no extra connection). For the composer: call it after sending unless
 * `account.serverSavesSent` says the provider files sent mail itself.
 *
 * @param session the account's session, from `MailSessions.get(account)`
 * @param use `'\\Sent'` or `'\\Drafts'`
 * @param raw the complete message as sent (headers and body)
 * @param flags defaults to `['\\Seen']`; pass `['\\Seen', '\\Draft']` for drafts
 * @throws MailroomError 'NotFound' when the server has no folder with that special use;
 *   connection errors as {@link MailSession.run} throws them.
 */
export const appendToSpecialUse = relayedOperation(
  'appendToSpecialUse',
  ['string', 'bytes', 'strings'],
  async (session: MailSession, use: '\\Sent' | '\\Drafts', raw: string | Buffer, flags: string[] = ['\\Seen']): Promise<AppendResult> => {
    const folders = await session.folders();
    const folder = findSpecialUse(folders, use);
    if (!folder) {
      throw new MailroomError('NotFound', ui`The mail server has no ${use.slice(1)} folder.`, { accountId: session.account.id });
    }
    return session.run(async (client) => {
      const response = await client.append(folder.path, raw, flags);
      if (!response) {
        throw new MailroomError('InvalidResponse', ui`The mail server did not store the message in ${folder.path}.`, { accountId: session.account.id });
      }
      return { path: folder.path, uid: response.uid };
    });
  },
);
