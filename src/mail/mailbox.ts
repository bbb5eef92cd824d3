import type { FetchQueryObject, ImapFlow, ListResponse, MailboxObject, SearchObject } from 'imapflow';
import type { FolderSummary, MessageRow } from '../shared/protocol';
import { MailroomError } from '../util/errors';
import { findSpecialUse, sortFoldersForDisplay } from './folders';
import type { SpecialUse } from './folders';
import { envelopeToRow, loadPreviewDecoders, previewBytes, previewPartKey } from './rowModel';
import type { MailSession } from './connection';
import { relayedOperation, selectWithoutLookup } from './connection';
import { ui } from '../ui/text';

/** Everything a list row needs, in one FETCH: envelope, flags, structure and the first bytes of part 1. */
const rowFetchQuery: FetchQueryObject = {
  uid: true,
  flags: true,
  envelope: true,
  internalDate: true,
  bodyStructure: true,
  threadId: true,
  bodyParts: [{ key: previewPartKey, start: 0, maxLength: previewBytes }],
};

/** The state of a folder when it was selected: what the cache is keyed and resynced by. */
export interface FolderStatus {
  path: string;
  total: number;
  uidValidity: string;
  highestModseq?: string;
}

export interface RowsResult {
  status: FolderStatus;
  start: number;
  rows: MessageRow[];
}

export function summarizeFolders(folders: readonly ListResponse[]): FolderSummary[] {
  return sortFoldersForDisplay(folders).map((folder) => ({
    path: folder.path,
    name: folder.path.toUpperCase() === 'INBOX' ? 'Inbox' : folder.name,
    ...(folder.specialUse ? { specialUse: folder.specialUse } : {}),
    ...(folder.status?.unseen === undefined ? {} : { unread: folder.status.unseen }),
    ...(folder.status?.messages === undefined ? {} : { total: folder.status.messages }),
  }));
}

export function statusOf(mailbox: MailboxObject): FolderStatus {
  return {
    path: mailbox.path,
    total: mailbox.exists,
    uidValidity: String(mailbox.uidValidity),
    ...(mailbox.highestModseq === undefined ? {} : { highestModseq: String(mailbox.highestModseq) }),
  };
}

/**
 * Opens `path` on the command connection unless it is open already: SELECT or EXAMINE alone, no LIST
 * first. Reads (`readOnly`) take the folder as it is open and open it with EXAMINE: a read-write
 * SELECT costs Dovecot time in proportion to the folder (~60 ms at 100,000 messages, 1 ms read-only;
 * `npm run bench -- select`). Changes (flags, move, delete) reopen a folder that is read-only.
 */
export async function ensureSelected(client: ImapFlow, path: string, fresh: boolean, readOnly = false): Promise<MailboxObject> {
  if (!fresh && client.mailbox && client.mailbox.path === path && (readOnly || !client.mailbox.readOnly)) {
    return client.mailbox;
  }
  selectWithoutLookup(client, path);
  return client.mailboxOpen(path, { readOnly });
}

/**
 * UIDs of the messages in `path` with this Message-ID (normally one or none); inside {@link MailSession.run}.
 * Selected read-write: a draft's earlier copies found here are deleted on the same selection.
 */
export async function findByMessageId(client: ImapFlow, path: string, messageId: string): Promise<number[]> {
  await ensureSelected(client, path, false);
  return (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
}

/**
 * Whether the account's folder of this special use holds a message with this Message-ID (a send
 * whose outcome was unknown is looked for in Sent). An account without such a folder has none.
 */
export const specialUseHoldsMessageId = relayedOperation(
  'specialUseHoldsMessageId',
  ['string', 'string'],
  async (session: MailSession, use: SpecialUse, messageId: string): Promise<boolean> => {
    const folder = findSpecialUse(await session.folders(), use);
    if (!folder) {
      return false;
    }
    return session.run(async (client) => (await findByMessageId(client, folder.path, messageId)).length > 0);
  },
);

/** The sequence range of list indexes [start, start + count), where index 0 is the newest message. */
export function sequenceRangeForIndexes(total: number, start: number, count: number): { from: number; to: number } | undefined {
  const to = total - start;
  if (to < 1 || count < 1) {
    return undefined;
  }
  return { from: Math.max(1, to - count + 1), to };
}

export async function fetchRowsBySequence(client: ImapFlow, total: number, start: number, count: number): Promise<MessageRow[]> {
  const range = sequenceRangeForIndexes(total, start, count);
  if (!range) {
    return [];
  }
  // fetchAll, not `for await` over fetch(): no other command may run while a fetch streams.
  const messages = await client.fetchAll(`${range.from}:${range.to}`, rowFetchQuery);
  const threads = threadSizes(messages);
  const decoders = await loadPreviewDecoders();
  return messages.sort((a, b) => b.seq - a.seq).map((message) => envelopeToRow(message, decoders, threads));
}

/**
 * Thread sizes "where known": servers with OBJECTID or Gmail's extension give each message a thread
 * id; counting them within the loaded page costs no extra command (a thread reaching beyond the
 * page is undercounted, never overcounted).
 */
export function threadSizes(messages: readonly { threadId?: string }[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { threadId } of messages) {
    if (threadId) {
      sizes.set(threadId, (sizes.get(threadId) ?? 0) + 1);
    }
  }
  return sizes;
}

/**
 * Selects a folder afresh and fetches its newest `pageSize` rows: SELECT + one FETCH by sequence
 * range, two round trips on a connection that already knows its folders, whatever the size of the folder.
 */
export const fetchNewestRows = relayedOperation(
  'fetchNewestRows',
  ['string', 'count'],
  async (session: MailSession, path: string, pageSize: number): Promise<RowsResult> => {
    return session.run(async (client) => {
      const mailbox = await ensureSelected(client, path, true, true);
      const rows = await fetchRowsBySequence(client, mailbox.exists, 0, pageSize);
      return { status: statusOf(mailbox), start: 0, rows };
    });
  },
);

/** Rows [start, start + count) of the folder as it is now (one FETCH when it is still selected). */
export const loadRows = relayedOperation(
  'loadRows',
  ['string', 'count', 'count'],
  async (session: MailSession, path: string, start: number, count: number): Promise<RowsResult> => {
    return session.run(async (client) => {
      const mailbox = await ensureSelected(client, path, false, true);
      const rows = await fetchRowsBySequence(client, mailbox.exists, start, count);
      return { status: statusOf(mailbox), start, rows };
    });
  },
);

/** Builds the server-side search: Gmail's own syntax where offered (X-GM-RAW), else IMAP TEXT. */
function searchQueryFor(query: string, capabilities: ReadonlyMap<string, unknown>): SearchObject {
  return capabilities.has('X-GM-EXT-1') ? { gmraw: query } : { text: query };
}

/** Searches a folder on the server; UIDs newest first. */
export const searchFolder = relayedOperation(
  'searchFolder',
  ['string', 'string'],
  async (session: MailSession, path: string, query: string): Promise<{ status: FolderStatus; uids: number[] }> => {
    return session.run(async (client) => {
      const alreadySelected = client.mailbox !== false && client.mailbox.path === path;
      const mailbox = await ensureSelected(client, path, false, true);
      if (alreadySelected) {
        // A server searches only the messages it has announced on this connection: mail that arrived
        // since its last command (seen by IDLE on the other one) is announced by a NOOP first.
        await client.noop();
      }
      const found = await client.search(searchQueryFor(query, client.capabilities), { uid: true });
      const uids = Array.isArray(found) ? [...found].sort((a, b) => b - a) : [];
      return { status: statusOf(mailbox), uids };
    });
  },
);

/** Rows for the given UIDs (a page of search results), in the order given. */
export const loadRowsByUid = relayedOperation(
  'loadRowsByUid',
  ['string', 'uids'],
  async (session: MailSession, path: string, uids: readonly number[]): Promise<MessageRow[]> => {
    if (uids.length === 0) {
      return [];
    }
    return session.run(async (client) => {
      await ensureSelected(client, path, false, true);
      const messages = await client.fetchAll(uids.join(','), rowFetchQuery, { uid: true });
      const threads = threadSizes(messages);
      const decoders = await loadPreviewDecoders();
      const byUid = new Map(messages.map((message) => [message.uid, envelopeToRow(message, decoders, threads)]));
      return uids.map((uid) => byUid.get(uid)).filter((row): row is MessageRow => row !== undefined);
    });
  },
);

/** One row, fresh from the server (after a flag change). */
export const loadRow = relayedOperation(
  'loadRow',
  ['string', 'uid'],
  async (session: MailSession, path: string, uid: number): Promise<MessageRow | undefined> => {
    const [row] = await loadRowsByUid(session, path, [uid]);
    return row;
  },
);

export type FlagName = '\\Seen' | '\\Flagged' | '\\Answered';

export const setFlag = relayedOperation(
  'setFlag',
  ['string', 'uids', 'string', 'boolean'],
  async (session: MailSession, path: string, uids: readonly number[], flag: FlagName, value: boolean): Promise<void> => {
    await session.run(async (client) => {
      await ensureSelected(client, path, false);
      const range = uids.join(',');
      const done = value ? await client.messageFlagsAdd(range, [flag], { uid: true }) : await client.messageFlagsRemove(range, [flag], { uid: true });
      if (!done) {
        throw new MailroomError('InvalidResponse', 'The mail server did not change the message flags.', { accountId: session.account.id });
      }
    });
    if (flag === '\\Seen') {
      session.countsChanged([path]);
    }
  },
);

async function specialUseFolder(session: MailSession, use: SpecialUse): Promise<ListResponse | undefined> {
  return findSpecialUse(await session.folders(), use);
}

export const moveMessages = relayedOperation(
  'moveMessages',
  ['string', 'uids', 'string'],
  async (session: MailSession, path: string, uids: readonly number[], destination: string): Promise<void> => {
    await session.run(async (client) => {
      await ensureSelected(client, path, false);
      const moved = await client.messageMove(uids.join(','), destination, { uid: true });
      if (!moved) {
        throw new MailroomError('InvalidResponse', ui`The mail server did not move the message to ${destination}.`, { accountId: session.account.id });
      }
    });
    session.countsChanged([path, destination]);
  },
);

/** Moves to Trash; in Trash itself (or without one) deletes for good. */
export const deleteMessages = relayedOperation(
  'deleteMessages',
  ['string', 'uids'],
  async (session: MailSession, path: string, uids: readonly number[]): Promise<'trash' | 'expunged'> => {
    const trash = await specialUseFolder(session, '\\Trash');
    if (trash && trash.path !== path) {
      await moveMessages(session, path, uids, trash.path);
      return 'trash';
    }
    await session.run(async (client) => {
      await ensureSelected(client, path, false);
      await client.messageDelete(uids.join(','), { uid: true });
    });
    session.countsChanged([path]);
    return 'expunged';
  },
);

/** Moves to the Archive folder (Gmail: All Mail, which removes the Inbox label). */
export const archiveMessages = relayedOperation(
  'archiveMessages',
  ['string', 'uids'],
  async (session: MailSession, path: string, uids: readonly number[]): Promise<string> => {
    const archive = (await specialUseFolder(session, '\\Archive')) ?? (await specialUseFolder(session, '\\All'));
    if (!archive) {
      throw new MailroomError('NotFound', 'This account has no Archive folder.', { accountId: session.account.id });
    }
    if (archive.path !== path) {
      await moveMessages(session, path, uids, archive.path);
    }
    return archive.path;
  },
);

/** Unread count of one folder (STATUS), for the badge; the folder list of the connection holding window shows it too. */
export const unreadCount = relayedOperation('unreadCount', ['string'], (session: MailSession, path: string): Promise<number> => session.unseen(path));
