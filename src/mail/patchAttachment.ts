/**
 * Patches in, attached: a `.patch` or `.diff` file (what `git format-patch` writes, or a bare diff)
 * found among a message's parts, read as text in its declared charset, and shown and applied like a
 * patch in the body. A part is one only by its name and a type a patch is sent as, and never when its
 * bytes are binary: a file named `.patch` is not trusted to be text.
 */
import type { PatchView } from '../shared/protocol';
import { sanitizeAttachmentName } from './attachmentName';
import type { MimeEntity } from './mimeTree';
import { fileNameOf, partsInOrder } from './partRoles';
import { parsePatchText } from './patchText';
import type { CharsetDecoder } from './transferDecoding';
import { decodeTransfer } from './transferDecoding';

/** The reader shows an attached patch up to this size (decoded); a larger one stays an attachment to open or save. */
export const patchShowLimit = 1024 * 1024;

/** The types mail clients and git send a patch file as (octet-stream: clients that know no better). */
const patchTypes = new Set(['text/x-patch', 'text/x-diff', 'text/plain', 'application/octet-stream', 'application/x-patch', 'application/x-diff']);

/** git's own test for binary content: a NUL byte in the first 8000 bytes. */
const binaryProbe = 8000;

export interface AttachedPatch {
  readonly filename: string;
  readonly text: string;
  /** The file as sent (transfer encoding undone), which `git apply` applies byte for byte. */
  readonly bytes: Buffer;
  /** A format-patch file (mail headers From and Subject): the mail `git am` applies. Otherwise a bare diff for `git apply`. */
  readonly mail: Buffer | undefined;
  readonly view: PatchView;
}

/** The text as the mail `git am` reads, without mbox's `From <commit> <date>` line; undefined for a bare diff. */
function mailOf(text: string): Buffer | undefined {
  const message = text.replace(/^From \S+ .*\r?\n/, '');
  const head = message.split(/\r?\n\r?\n/)[0] ?? '';
  return /^From:/im.test(head) && /^Subject:/im.test(head) ? Buffer.from(message) : undefined;
}

/** The first attachment that is a patch, up to `maxBytes` decoded; undefined when none is. */
export function attachedPatch(tree: MimeEntity, decodeCharset: CharsetDecoder, maxBytes = Number.POSITIVE_INFINITY): AttachedPatch | undefined {
  for (const { node, role } of partsInOrder(tree)) {
    const filename = fileNameOf(node)?.trim();
    if ((role !== 'listed' && role !== 'shownAndListed') || !filename || !/\.(patch|diff)$/i.test(filename) || !patchTypes.has(node.type.toLowerCase())) {
      continue;
    }
    const bytes = decodeTransfer(node.body, node.encoding);
    if (bytes.length > maxBytes || bytes.subarray(0, binaryProbe).includes(0)) {
      continue;
    }
    const text = decodeCharset(bytes, node.parameters?.charset);
    const patch = parsePatchText(text);
    if (patch) {
      const mail = mailOf(text);
      return { filename, text, bytes, mail, view: { ...patch, commit: mail !== undefined, attachment: sanitizeAttachmentName(filename) } };
    }
  }
  return undefined;
}
