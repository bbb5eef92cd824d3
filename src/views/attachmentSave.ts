import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { AttachmentPart } from '../mail/message';
import { attachmentSizeCap, streamAttachment } from '../mail/message';
import type { MailSession } from '../mail/connection';
import type { MessageRef } from '../shared/protocol';

/** Where a download's bytes go, and what makes them final or takes them back. */
export interface SaveDestination {
  readonly sink: Writable;
  /** The download is complete: make it the chosen file. */
  commit(): Promise<void>;
  /** The download failed or was capped: leave nothing of it behind. */
  discard(): Promise<void>;
}

/** What saving needs from the editor; injected so the whole path runs in plain Node tests. */
export interface AttachmentSaving<Target> {
  /** The save dialog, proposing `proposedName` (already sanitized); undefined when cancelled. */
  chooseTarget(proposedName: string): PromiseLike<Target | undefined>;
  open(target: Target): SaveDestination;
}

/**
 * Save As for one attachment [SEC-29]: the sanitized name is proposed in the save dialog, the
 * content is streamed (size-capped) to the target the person chose, and a download that fails or
 * exceeds the cap leaves no partial file behind. Resolves with the target, or undefined when the
 * person cancelled.
 */
export async function saveAttachmentAs<Target>(
  session: MailSession,
  ref: MessageRef,
  attachment: AttachmentPart,
  saving: AttachmentSaving<Target>,
  maxBytes = attachmentSizeCap,
): Promise<Target | undefined> {
  const target = await saving.chooseTarget(attachment.filename);
  if (target === undefined) {
    return undefined;
  }
  const destination = saving.open(target);
  try {
    await streamAttachment(session, ref, attachment, destination.sink, maxBytes);
    await destination.commit();
  } catch (error) {
    await destination.discard();
    throw error;
  }
  return target;
}

/**
 * A file on disk, written under a temporary name in the same folder and renamed over `file` only
 * when complete: a failed download removes its bytes and leaves a file the person already had as it was.
 */
export function fileDestination(file: string): SaveDestination {
  // A short name of its own: the chosen name may already be as long as the file system allows.
  const temporary = path.join(path.dirname(file), `.mailroom-${randomBytes(8).toString('hex')}.part`);
  const sink = fs.createWriteStream(temporary, { flags: 'wx' });
  // An open that fails before the download is piped in must not crash the extension host: the
  // pipeline still sees the stream's error and rejects with it.
  sink.on('error', () => undefined);
  const closed = (): Promise<void> => (sink.closed ? Promise.resolve() : new Promise((resolve) => sink.once('close', () => resolve())));
  return {
    sink,
    commit: async () => {
      await closed();
      await fs.promises.rename(temporary, file);
    },
    // The stream may still be opening (a download refused before its first byte): the file exists
    // only once it has, so remove it after the stream has closed.
    discard: async () => {
      const closing = closed();
      sink.destroy();
      await closing;
      await fs.promises.rm(temporary, { force: true });
    },
  };
}
