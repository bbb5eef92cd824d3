import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../util/atomicFile';
import type { MailroomErrorCode } from '../util/errors';
import { isMailroomError } from '../util/errors';
import type { Logger } from '../util/log';
import { describeError } from '../util/log';
import { Emitter } from '../util/event';
import type { Subscription } from '../util/event';
import { composeMessage } from './mime';
import type { MailAddress, OutgoingAttachment, OutgoingMessage } from './outgoing';
import { ui } from '../ui/text';
import type { UiText } from '../ui/text';

/**
 * Nothing the user wrote is lost: a message that could not be sent is kept as a draft, first in
 * the extension's global storage (a file per draft, so drafts survive a window reload and a crash),
 * then, where IMAP is reachable, in the account's Drafts folder. Drafts hold message content only,
 * never a token.
 */

export interface DraftFailure {
  readonly code: MailroomErrorCode | 'Unknown';
  readonly message: string;
}

export interface StoredDraft {
  readonly id: string;
  readonly accountId: string;
  /** Kept across retries so the sent message, the Drafts copy and replies agree on one identity. */
  readonly messageId: string;
  readonly savedAt: number;
  readonly message: OutgoingMessage;
  /** Why the last send failed; absent for a draft saved on purpose. */
  readonly failure?: DraftFailure;
  /** Whether a copy is in the account's Drafts folder. */
  readonly savedToServer: boolean;
}

/** Stores and removes the server copy; implemented over IMAP (see draftsFolder.ts). */
export interface DraftsFolder {
  /** Stores `raw`, replacing an earlier copy with the same Message-ID. */
  save(accountId: string, messageId: string, raw: Buffer): Promise<void>;
  remove(accountId: string, messageId: string): Promise<void>;
}

interface SerializedAttachment {
  filename: string;
  contentType?: string;
  base64: string;
}

interface SerializedDraft extends Omit<StoredDraft, 'message'> {
  message: Omit<OutgoingMessage, 'attachments'> & { attachments: SerializedAttachment[] };
}

const DRAFT_FILE = /^[0-9a-f-]{36}\.json$/;
/** The server copy is a bonus: a Drafts folder that does not answer must not hold the user up. */
const SERVER_SAVE_TIMEOUT_MS = 15_000;

/** A draft as the text of its file (also the message inside a queued send, src/mail/outboxQueue.ts). */
export function serializeDraft(draft: StoredDraft): string {
  const serialized: SerializedDraft = {
    ...draft,
    message: {
      ...draft.message,
      attachments: draft.message.attachments.map((attachment) => ({
        filename: attachment.filename,
        contentType: attachment.contentType,
        base64: Buffer.from(attachment.content).toString('base64'),
      })),
    },
  };
  return JSON.stringify(serialized);
}

function addressList(value: unknown): MailAddress[] {
  return Array.isArray(value)
    ? value.filter((entry): entry is MailAddress => typeof entry === 'object' && entry !== null && typeof (entry as MailAddress).address === 'string')
    : [];
}

/** Reads a stored draft back, rejecting files that are not one (never trusting their shape). */
export function parseDraft(text: string): StoredDraft | undefined {
  const data = JSON.parse(text) as Partial<SerializedDraft>;
  const message = data.message;
  if (
    typeof data.id !== 'string' ||
    typeof data.accountId !== 'string' ||
    typeof data.messageId !== 'string' ||
    !message ||
    typeof message.from?.address !== 'string'
  ) {
    return undefined;
  }
  const attachments: OutgoingAttachment[] = (Array.isArray(message.attachments) ? message.attachments : []).map((attachment) => ({
    filename: String(attachment.filename),
    ...(typeof attachment.contentType === 'string' ? { contentType: attachment.contentType } : {}),
    content: new Uint8Array(Buffer.from(String(attachment.base64), 'base64')),
  }));
  return {
    id: data.id,
    accountId: data.accountId,
    messageId: data.messageId,
    savedAt: Number(data.savedAt) || 0,
    savedToServer: data.savedToServer === true,
    ...(data.failure ? { failure: { code: data.failure.code, message: String(data.failure.message) } } : {}),
    message: {
      from: message.from,
      to: addressList(message.to),
      cc: addressList(message.cc),
      bcc: addressList(message.bcc),
      subject: String(message.subject ?? ''),
      text: String(message.text ?? ''),
      html: String(message.html ?? ''),
      attachments,
      ...(typeof message.inReplyTo === 'string' ? { inReplyTo: message.inReplyTo } : {}),
      ...(Array.isArray(message.references) ? { references: message.references.map(String) } : {}),
      ...(message.verbatimText === true ? { verbatimText: true } : {}),
    },
  };
}

export interface KeepOptions {
  /** The Message-ID the message keeps across retries. */
  readonly messageId: string;
  /** Why sending failed, when it did. */
  readonly failure?: unknown;
  /** Updates this draft instead of adding one. */
  readonly existingId?: string;
  /** Disk only: an autosave while the user is typing, not worth an IMAP round trip. */
  readonly localOnly?: boolean;
}

/** Tells the user where a draft that was not sent is kept. */
export function whereDraftIsKept(draft: StoredDraft): UiText {
  return draft.savedToServer ? ui`It is kept in Drafts.` : ui`It is kept as a draft on this machine (Mailroom: Unsent Drafts…).`;
}

function describeFailure(error: unknown): DraftFailure {
  return isMailroomError(error) ? { code: error.code, message: error.message } : { code: 'Unknown', message: describeError(error) };
}

export class DraftStore {
  private readonly changes = new Emitter<void>();

  /**
   * @param directory a folder of its own inside the extension's global storage
   * @param draftsFolder the IMAP side; absent where no session can be had
   */
  public constructor(
    private readonly directory: string,
    private readonly logger: Logger,
    private readonly draftsFolder?: DraftsFolder,
  ) {}

  /** Fires after a draft was kept or discarded (the unsent-drafts indicator follows it). */
  public onDidChange(listener: () => void): Subscription {
    return this.changes.event(listener);
  }

  /**
   * Keeps a message: on disk first (must succeed), then in the Drafts folder if it can be reached
   * (not for `localOnly` autosaves while the user is still typing).
   */
  public async keep(accountId: string, message: OutgoingMessage, options: KeepOptions): Promise<StoredDraft> {
    const local: StoredDraft = {
      id: options.existingId ?? randomUUID(),
      accountId,
      messageId: options.messageId,
      savedAt: Date.now(),
      message,
      savedToServer: false,
      ...(options.failure === undefined ? {} : { failure: describeFailure(options.failure) }),
    };
    await this.write(local);
    this.changes.fire();
    const savedToServer = options.localOnly ? false : await this.saveToServer(local);
    if (!savedToServer) {
      return local;
    }
    const stored = { ...local, savedToServer };
    await this.write(stored);
    return stored;
  }

  public async list(): Promise<StoredDraft[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return [];
    }
    const drafts: StoredDraft[] = [];
    for (const name of names.filter((entry) => DRAFT_FILE.test(entry))) {
      const draft = await this.read(name);
      if (draft) {
        drafts.push(draft);
      }
    }
    return drafts.sort((a, b) => b.savedAt - a.savedAt);
  }

  public async get(id: string): Promise<StoredDraft | undefined> {
    const name = `${id}.json`;
    return DRAFT_FILE.test(name) ? this.read(name) : undefined;
  }

  /** Forgets a draft once it was sent or the user discarded it, including the server copy. */
  public async discard(draft: StoredDraft): Promise<void> {
    await rm(join(this.directory, `${draft.id}.json`), { force: true });
    this.changes.fire();
    if (draft.savedToServer && this.draftsFolder) {
      try {
        await this.draftsFolder.remove(draft.accountId, draft.messageId);
      } catch (error) {
        this.logger.warn(`Could not remove the draft from the Drafts folder: ${describeError(error)}`);
      }
    }
  }

  private async read(name: string): Promise<StoredDraft | undefined> {
    try {
      return parseDraft(await readFile(join(this.directory, name), 'utf8'));
    } catch (error) {
      this.logger.warn(`Skipping unreadable draft ${name}: ${describeError(error)}`);
      return undefined;
    }
  }

  /** Write-then-rename, so a crash mid-write never leaves half a draft. Readable by the user only. */
  private async write(draft: StoredDraft): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await writeFileAtomically(join(this.directory, `${draft.id}.json`), serializeDraft(draft));
  }

  private async saveToServer(draft: StoredDraft): Promise<boolean> {
    if (!this.draftsFolder) {
      return false;
    }
    const folder = this.draftsFolder;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const { raw } = await composeMessage(draft.message, { keepBcc: true, messageId: draft.messageId });
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('the Drafts folder did not answer in time')), SERVER_SAVE_TIMEOUT_MS);
      });
      await Promise.race([folder.save(draft.accountId, draft.messageId, raw), timeout]);
      return true;
    } catch (error) {
      this.logger.info(`Draft kept on this machine only; the Drafts folder was not reachable: ${describeError(error)}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
