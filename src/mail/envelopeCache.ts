import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MessageRow } from '../shared/protocol';
import { writeFileAtomically } from '../util/atomicFile';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { FolderStatus, RowsResult } from './mailbox';
import { ensureSelected, sequenceRangeForIndexes, statusOf } from './mailbox';
import { fetchFirstScreenRows, fetchRowDetails } from './firstScreen';
import type { MailSession } from './connection';
import { relayedOperation } from './connection';

/** The newest rows of a folder kept on disk: envelopes only, never bodies. */
const cachedRowLimit = 500;

export interface CachedFolder {
  version: 1;
  uidValidity: string;
  uidNext?: number;
  highestModseq?: string;
  total: number;
  /** Rows from index 0 (newest), contiguous. */
  rows: MessageRow[];
}

/**
 * Envelope cache per (account, folder, UIDVALIDITY) in the extension's global storage. One file
 * per account and folder (names hashed, so no folder name becomes a path); a file whose
 * UIDVALIDITY no longer matches is replaced. Deleted per account at sign-out.
 */
export class EnvelopeCache {
  /** The last pending merge per cache file (merge never rejects: write and read catch). */
  private readonly merges = new Map<string, Promise<void>>();

  public constructor(
    private readonly directory: string,
    private readonly enabled: () => boolean,
    private readonly logger: Logger,
  ) {}

  private accountDirectory(accountId: string): string {
    return path.join(this.directory, hash(accountId));
  }

  private fileFor(accountId: string, folder: string): string {
    return path.join(this.accountDirectory(accountId), `${hash(folder)}.json`);
  }

  public async read(accountId: string, folder: string): Promise<CachedFolder | undefined> {
    if (!this.enabled()) {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.fileFor(accountId, folder), 'utf8'));
      return isCachedFolder(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  public async write(accountId: string, folder: string, entry: CachedFolder): Promise<void> {
    if (!this.enabled()) {
      return;
    }
    const file = this.fileFor(accountId, folder);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomically(file, JSON.stringify({ ...entry, rows: entry.rows.slice(0, cachedRowLimit) }));
    } catch (error) {
      this.logger.warn(`Could not write the envelope cache: ${describeError(error)}`);
    }
  }

  /**
   * Merges freshly loaded rows [start, start + rows.length) into the cached head of the folder.
   * Merges into one file run one after another: each reads what the one before it wrote.
   */
  public remember(accountId: string, folder: string, status: FolderStatus & { uidNext?: number }, start: number, rows: readonly MessageRow[]): Promise<void> {
    if (!this.enabled() || start >= cachedRowLimit) {
      return Promise.resolve();
    }
    const file = this.fileFor(accountId, folder);
    const merged = (this.merges.get(file) ?? Promise.resolve()).then(() => this.merge(accountId, folder, status, start, rows));
    this.merges.set(file, merged);
    void merged.then(() => {
      if (this.merges.get(file) === merged) {
        this.merges.delete(file);
      }
    });
    return merged;
  }

  private async merge(
    accountId: string,
    folder: string,
    status: FolderStatus & { uidNext?: number },
    start: number,
    rows: readonly MessageRow[],
  ): Promise<void> {
    const cached = await this.read(accountId, folder);
    const sameFolder = cached && cached.uidValidity === status.uidValidity && cached.total === status.total && cached.uidNext === status.uidNext;
    const head = sameFolder ? cached.rows : [];
    if (start > head.length) {
      return; // Would leave a gap: only a contiguous head is kept.
    }
    const merged = [...head.slice(0, start), ...rows, ...head.slice(start + rows.length)];
    await this.write(accountId, folder, {
      version: 1,
      uidValidity: status.uidValidity,
      ...(status.uidNext === undefined ? {} : { uidNext: status.uidNext }),
      ...(status.highestModseq === undefined ? {} : { highestModseq: status.highestModseq }),
      total: status.total,
      rows: merged,
    });
  }

  /** Sign-out: every cached envelope of the account goes (after merges already under way, which would write it again). */
  public async deleteAccount(accountId: string): Promise<void> {
    await this.mergesSettled();
    await fs.rm(this.accountDirectory(accountId), { recursive: true, force: true });
  }

  /** The setting was turned off: nothing stays on disk. */
  public async clear(): Promise<void> {
    await this.mergesSettled();
    await fs.rm(this.directory, { recursive: true, force: true });
  }

  private async mergesSettled(): Promise<void> {
    await Promise.all(this.merges.values());
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

function isCachedFolder(value: unknown): value is CachedFolder {
  if (!value || typeof value !== 'object') {
    return false;
  }
  const entry = value as Partial<CachedFolder>;
  return entry.version === 1 && typeof entry.uidValidity === 'string' && typeof entry.total === 'number' && Array.isArray(entry.rows);
}

/** A folder's first screen; rows fetched from the cheap items still wait for {@link completeFirstScreen}. */
export interface FirstScreenResult extends RowsResult {
  detailsPending: boolean;
}

/**
 * Opens a folder using the cache where it is still valid: after SELECT, if UIDVALIDITY, UIDNEXT,
 * the message count and HIGHESTMODSEQ are unchanged, the cached first page is shown without a
 * FETCH; if only HIGHESTMODSEQ moved (CONDSTORE), only the flags that changed since are fetched.
 * Otherwise the newest page is fetched from the cheap items (envelope, flags, dates), and its
 * previews and paperclips follow from {@link completeFirstScreen}. Never more than two round trips.
 */
export async function openFolderWithCache(session: MailSession, cache: EnvelopeCache, folder: string, pageSize: number): Promise<FirstScreenResult> {
  const accountId = session.account.id;
  const cached = await cache.read(accountId, folder);
  const result = await selectWithCache(session, folder, pageSize, cached);
  if (!result.detailsPending) {
    await cache.remember(accountId, folder, result.status, 0, result.rows);
  }
  return result;
}

/**
 * SELECT, then the newest page: from `cached` where it is still valid, else from the cheap items
 * (the cache stays in the asking window; only the check and the FETCH run where the connection is).
 */
const selectWithCache = relayedOperation(
  'selectWithCache',
  ['string', 'count', 'plain'],
  async (session: MailSession, folder: string, pageSize: number, cached: CachedFolder | undefined): Promise<FirstScreenResult> =>
    session.run(async (client) => {
      const mailbox = await ensureSelected(client, folder, true, true);
      const status = { ...statusOf(mailbox), uidNext: mailbox.uidNext };
      const wanted = Math.min(pageSize, status.total);
      const reusable =
        cached &&
        cached.uidValidity === status.uidValidity &&
        cached.uidNext === status.uidNext &&
        cached.total === status.total &&
        cached.rows.length >= wanted &&
        cached.highestModseq !== undefined &&
        status.highestModseq !== undefined;
      if (!reusable) {
        const rows = await fetchFirstScreenRows(client, status.total, 0, pageSize);
        const known = cached?.uidValidity === status.uidValidity ? cached.rows : [];
        return { status, start: 0, rows: withKnownDetails(rows, known), detailsPending: true };
      }
      const rows = cached.rows.slice(0, wanted);
      if (cached.highestModseq !== status.highestModseq) {
        const range = sequenceRangeForIndexes(status.total, 0, wanted);
        const changed = range
          ? await client.fetchAll(`${range.from}:${range.to}`, { uid: true, flags: true }, { changedSince: BigInt(cached.highestModseq ?? '0') })
          : [];
        applyFlagChanges(rows, changed);
      }
      return { status, start: 0, rows, detailsPending: false };
    }),
);

/**
 * The second FETCH of a first screen: the rows with their previews, paperclips and thread sizes,
 * kept in the cache only now (rows without them would be shown from it for good). Undefined when
 * another folder was opened first.
 */
export async function completeFirstScreen(
  session: MailSession,
  cache: EnvelopeCache,
  folder: string,
  first: FirstScreenResult,
): Promise<MessageRow[] | undefined> {
  const rows = await fetchRowDetails(session, folder, first.rows);
  if (rows) {
    await cache.remember(session.account.id, folder, first.status, 0, rows);
  }
  return rows;
}

/**
 * Fresh rows with the previews, paperclips and thread sizes the cache already knows for their UIDs
 * (same UIDVALIDITY), so rows shown from the cache keep them until the second FETCH brings them again.
 */
function withKnownDetails(rows: MessageRow[], known: readonly MessageRow[]): MessageRow[] {
  const byUid = new Map(known.map((row) => [row.uid, row]));
  return rows.map((row) => {
    const cached = byUid.get(row.uid);
    return cached
      ? {
          ...row,
          preview: cached.preview,
          hasAttachment: cached.hasAttachment,
          ...(cached.threadCount === undefined ? {} : { threadCount: cached.threadCount }),
        }
      : row;
  });
}

/** Updates unread/flagged/answered of rows from FETCH FLAGS results (CONDSTORE resync). */
export function applyFlagChanges(rows: MessageRow[], changes: readonly { uid: number; flags?: Set<string> }[]): void {
  const byUid = new Map(changes.map((change) => [change.uid, change.flags]));
  rows.forEach((row, index) => {
    const flags = byUid.get(row.uid);
    if (flags) {
      rows[index] = { ...row, unread: !flags.has('\\Seen'), flagged: flags.has('\\Flagged'), answered: flags.has('\\Answered') };
    }
  });
}
