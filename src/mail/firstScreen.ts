import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { MessageRow } from '../shared/protocol';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';
import { ensureSelected, sequenceRangeForIndexes, threadSizes } from './mailbox';
import type { RowDetails } from './rowModel';
import { firstScreenRow, loadPreviewDecoders, previewBytes, previewPartKey, rowDetails } from './rowModel';

/**
 * The first screen of a folder: only what the server answers from its index (envelope, flags,
 * dates), so it opens no message. Mailroom's full row query made Dovecot open and parse every
 * message of the page and cost 1.6-3 times the envelope-only floor's time (issue 12). No size
 * either: no row shows it, and on a Maildir Dovecot takes RFC822.SIZE from the file name, so it
 * reads the folder's whole dovecot-uidlist on each open (~46 ms at 100,000 messages, the rest
 * of the page 1 ms; `npm run bench -- select`).
 */
const firstScreenQuery: FetchQueryObject = { uid: true, flags: true, envelope: true, internalDate: true };

/** What the rows add a moment later: the structure (paperclip), the thread id and the first bytes of part 1 (preview). */
const rowDetailsQuery: FetchQueryObject = {
  uid: true,
  bodyStructure: true,
  threadId: true,
  bodyParts: [{ key: previewPartKey, start: 0, maxLength: previewBytes }],
};

/** The newest rows [start, start + count) from the cheap items alone; previews and paperclips follow from {@link fetchRowDetails}. */
export async function fetchFirstScreenRows(client: ImapFlow, total: number, start: number, count: number): Promise<MessageRow[]> {
  const range = sequenceRangeForIndexes(total, start, count);
  if (!range) {
    return [];
  }
  const messages = await client.fetchAll(`${range.from}:${range.to}`, firstScreenQuery);
  return messages.sort((a, b) => b.seq - a.seq).map((message) => firstScreenRow(message));
}

/**
 * The second FETCH, after the first screen is shown: previews, paperclips and thread sizes of
 * `rows`, by UID, in the order given. Undefined when another folder has been opened on the
 * connection since (selecting this one again would delay that one).
 */
export async function fetchRowDetails(session: MailSession, path: string, rows: readonly MessageRow[]): Promise<MessageRow[] | undefined> {
  if (rows.length === 0) {
    return [];
  }
  const details = await detailsByUid(
    session,
    path,
    rows.map((row) => row.uid),
  );
  return details && withRowDetails(rows, details);
}

/** `rows` with the details fetched for them (a row without any stays as it is). */
export function withRowDetails(rows: readonly MessageRow[], details: readonly (RowDetails & { uid: number })[]): MessageRow[] {
  const byUid = new Map(details.map(({ uid, ...found }) => [uid, found]));
  return rows.map((row) => {
    const found = byUid.get(row.uid);
    return found ? { ...row, ...found } : row;
  });
}

/** The details of the messages `uids` of the folder selected on `client`. */
export async function fetchDetailsByUid(client: ImapFlow, uids: readonly number[]): Promise<(RowDetails & { uid: number })[]> {
  if (uids.length === 0) {
    return [];
  }
  const messages = await client.fetchAll(uids.join(','), rowDetailsQuery, { uid: true });
  const threads = threadSizes(messages);
  const decoders = await loadPreviewDecoders();
  return messages.map((message) => ({ uid: message.uid, ...rowDetails(message, decoders, threads) }));
}

/** The details of the messages `uids` of `path`, run where the account's connection is (only the UIDs cross windows). */
const detailsByUid = relayedOperation(
  'rowDetails',
  ['string', 'uids'],
  async (session: MailSession, path: string, uids: number[]): Promise<(RowDetails & { uid: number })[] | undefined> =>
    session.run(async (client) => {
      if (!client.mailbox || client.mailbox.path !== path) {
        return undefined;
      }
      await ensureSelected(client, path, false, true);
      return fetchDetailsByUid(client, uids);
    }),
);
