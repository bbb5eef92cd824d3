import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDraft, serializeDraft } from '../mail/drafts';
import type { ClaimedSend, OutboxQueue, QueuedSend } from '../mail/outboxQueue';
import { MailroomError, isMailroomError } from '../util/errors';
import { writeFileAtomically } from '../util/atomicFile';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import type { HeldLock } from './fileLock';
import { FileLocks } from './fileLock';

/**
 * How long a window that stops renewing its claim on a send (frozen, or on another machine) keeps
 * it. A window that died on this machine loses its claims at once (its process is gone).
 */
const CLAIM_LEASE_MS = 30_000;
/** Adding a send claims a name nobody else knows yet: only a failing disk makes it wait. */
const ADD_WAIT_MS = 10_000;
const ITEM_FILE = /^([0-9a-f-]{36})\.json$/;

/** The file of a queued send: the message as a draft file holds it, and where the send stands. */
interface ItemFile {
  queuedAt: number;
  previousDraftId?: string;
  handedOverAt?: number;
  draft: string;
}

/**
 * The outbox of every window of the profile: a file per queued send in `directory` (global storage)
 * and a claim per send (a lock in `directory/claims`, see fileLock.ts) held by the one window that
 * may send it. The window that queues a send claims it before its file appears and sends it itself;
 * a send whose claim is free (its window was closed or killed) is claimed by the window that drains
 * the queue, one at a time (the `drain` lock), and sent from there.
 *
 * At most once: a window marks a send "handed over" on disk before it opens the SMTP connection,
 * and removes the file (an unlink, atomic) once the server took it. A send found handed over by a
 * window that is gone may or may not have reached the server: it is not sent again but becomes a
 * "may already have been sent" draft (Sent is searched first), as a connection lost mid-send does
 * [SEC-32]. Sending twice would be worse for the user than asking them once.
 */
export class SharedOutboxQueue implements OutboxQueue {
  private readonly claims: FileLocks;

  public constructor(
    private readonly directory: string,
    private readonly logger: Logger,
  ) {
    this.claims = new FileLocks(path.join(directory, 'claims'), { leaseMs: CLAIM_LEASE_MS, pollMs: 50 });
  }

  public async add(send: Pick<QueuedSend, 'accountId' | 'messageId' | 'message' | 'previousDraftId'>): Promise<ClaimedSend> {
    const item: QueuedSend = { id: randomUUID(), queuedAt: Date.now(), ...send };
    const claim = await this.claims.acquire(claimName(item.id), { timeoutMs: ADD_WAIT_MS });
    try {
      await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
      await this.write(item);
    } catch (error) {
      await claim.release();
      throw error;
    }
    return this.claimed(item, claim);
  }

  public async claimOrphans(): Promise<ClaimedSend[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return [];
    }
    const claimed: ClaimedSend[] = [];
    for (const id of names.map((name) => ITEM_FILE.exec(name)?.[1]).filter((match): match is string => match !== undefined)) {
      const claim = await this.tryClaim(claimName(id));
      if (!claim) {
        continue;
      }
      // Read under the claim: a send listed a moment ago may have been sent and removed since.
      const item = await this.read(id);
      if (item) {
        claimed.push(this.claimed(item, claim));
      } else {
        await claim.release();
      }
    }
    return claimed;
  }

  public async whileDraining<T>(task: () => Promise<T>): Promise<T | undefined> {
    const drain = await this.tryClaim('drain');
    if (!drain) {
      return undefined;
    }
    try {
      return await task();
    } finally {
      await drain.release().catch(() => undefined);
    }
  }

  /** The claim if nobody live holds it, else undefined; never waits. */
  private async tryClaim(name: string): Promise<HeldLock | undefined> {
    try {
      return await this.claims.acquire(name, { timeoutMs: 0 });
    } catch (error) {
      if (isMailroomError(error, 'Timeout')) {
        return undefined;
      }
      throw error;
    }
  }

  private claimed(item: QueuedSend, claim: HeldLock): ClaimedSend {
    let current = item;
    return {
      item,
      markHandedOver: async () => {
        if (!(await claim.stillHeld())) {
          throw new MailroomError('Cancelled', 'Another Mailroom window took this send over while this one was not answering; it sends it.');
        }
        current = { ...current, handedOverAt: Date.now() };
        await this.write(current);
      },
      finish: async () => {
        try {
          // A claim taken over is the other window's to finish: its file stays.
          if (await claim.stillHeld()) {
            await fs.rm(this.fileOf(item.id), { force: true });
          }
        } catch (error) {
          // Left in the queue marked handed over (or not yet sent): the drain settles it without sending it twice.
          this.logger.warn(`Could not take a settled send out of the outbox: ${describeError(error)}`);
        } finally {
          await claim.release().catch(() => undefined);
        }
      },
      release: () => claim.release(),
    };
  }

  private fileOf(id: string): string {
    return path.join(this.directory, `${id}.json`);
  }

  private async write(item: QueuedSend): Promise<void> {
    const draft = serializeDraft({
      id: item.id,
      accountId: item.accountId,
      messageId: item.messageId,
      savedAt: item.queuedAt,
      message: item.message,
      savedToServer: false,
    });
    const file: ItemFile = {
      queuedAt: item.queuedAt,
      draft,
      ...(item.previousDraftId ? { previousDraftId: item.previousDraftId } : {}),
      ...(item.handedOverAt === undefined ? {} : { handedOverAt: item.handedOverAt }),
    };
    await writeFileAtomically(this.fileOf(item.id), JSON.stringify(file));
  }

  /** The queued send, or undefined when it is gone or its file is not one (never trusting its shape). */
  private async read(id: string): Promise<QueuedSend | undefined> {
    try {
      const file = JSON.parse(await fs.readFile(this.fileOf(id), 'utf8')) as Partial<ItemFile>;
      const draft = typeof file.draft === 'string' ? parseDraft(file.draft) : undefined;
      if (!draft) {
        this.logger.warn(`Skipping a queued send that is not one: ${id}`);
        return undefined;
      }
      return {
        id,
        accountId: draft.accountId,
        messageId: draft.messageId,
        message: draft.message,
        queuedAt: Number(file.queuedAt) || 0,
        ...(typeof file.previousDraftId === 'string' ? { previousDraftId: file.previousDraftId } : {}),
        ...(typeof file.handedOverAt === 'number' ? { handedOverAt: file.handedOverAt } : {}),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`Skipping an unreadable queued send ${id}: ${describeError(error)}`);
      }
      return undefined;
    }
  }
}

function claimName(id: string): string {
  return `send ${id}`;
}
