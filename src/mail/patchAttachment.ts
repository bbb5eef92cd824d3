/**
 * Patches in, attached: a `.patch` or `.diff` file (what `git format-patch` writes, or a bare diff)
 * found among a message's parts, read as text in its declared charset, and shown and applied like a
 * patch in the body. A part is one only by its name and a type a patch is sent as (or, unnamed, by a
 * patch type of its own), and never when its bytes are binary: a file named `.patch` is not trusted to be text.
 */
import type { PatchTooLarge, PatchView } from '../shared/protocol';
import { sanitizeAttachmentName } from './attachmentName';
import type { BodyStructure } from './bodyStructure';
import type { MimeEntity } from './mimeTree';
import type { PartRole } from './partRoles';
import { fileNameOf, generatedFileName, partsInOrder } from './partRoles';
import { parsePatchText } from './patchText';
import type { CharsetDecoder } from './transferDecoding';
import { decodeTransfer } from './transferDecoding';

/** The reader shows an attached patch up to this size (decoded); a larger one gets only its actions, never its text. */
export const patchShowLimit = 1024 * 1024;

/** The types that say "patch" themselves: a part of one of these is a patch even without a name (`git format-patch --inline`). */
const ownPatchTypes = new Set(['text/x-patch', 'text/x-diff', 'application/x-patch', 'application/x-diff']);
/** The types mail clients and git send a patch file as (octet-stream: clients that know no better). */
const patchTypes = new Set([...ownPatchTypes, 'text/plain', 'application/octet-stream']);

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
  /** The part itself, its IMAP part number, and whether the body shows it as text too (an inline text part). */
  readonly node: MimeEntity;
  readonly part: string;
  readonly shownInBody: boolean;
}

/** A part's charset as a parameter git am may read; undefined for none or for one that is not a plain name. */
function charsetParameter(charset: string | undefined): string | undefined {
  const name = charset?.trim();
  return name && /^[A-Za-z0-9!#$%&'+^_`{}~.-]+$/.test(name) ? name : undefined;
}

/**
 * The file as the mail `git am` reads, byte for byte (its diff must match the files' bytes, whatever
 * the charset), without mbox's `From <commit> <date>` line; undefined for a bare diff. Its header is
 * found in a latin1 view, one character a byte. Without a Content-Type of its own, it gets one with
 * the part's charset, which git am converts the commit message from.
 */
function mailOf(file: Buffer, charset: string | undefined): Buffer | undefined {
  const message = file.toString('latin1').replace(/^From \S+ .*\r?\n/, '');
  const blank = /\r?\n\r?\n/.exec(message);
  const head = blank ? message.slice(0, blank.index) : message;
  if (!/^From:/im.test(head) || !/^Subject:/im.test(head)) {
    return undefined;
  }
  const body = file.subarray(file.length - message.length + (blank ? blank.index + blank[0].length : message.length));
  const fields = head.split(/\r?\n(?![ \t])/);
  const named = charsetParameter(charset);
  const type = fields.some((field) => /^content-type:/i.test(field)) ? [] : [`Content-Type: text/plain${named ? `; charset=${named}` : ''}`];
  if (head.includes('\r') || !body.includes(13)) {
    const lineEnd = head.includes('\r') ? '\r\n' : '\n';
    return named && type.length > 0 ? Buffer.concat([Buffer.from([head, ...type, '', ''].join(lineEnd), 'latin1'), body]) : Buffer.from(message, 'latin1');
  }
  // An mbox line ends in LF and git am takes a CR before it for part of the line end ("quoted CRLF"):
  // a CRLF file in the patch would lose its CRs. In base64 the body keeps every byte.
  const kept = fields.filter((field) => !/^(content-transfer-encoding|mime-version):/i.test(field));
  const encoded = body.toString('base64').replace(/.{76}/g, '$&\n');
  return Buffer.from([...kept, ...type, 'MIME-Version: 1.0', 'Content-Transfer-Encoding: base64', '', encoded, ''].join('\n'), 'latin1');
}

/** The name a part is a patch by: its own `.patch`/`.diff` name, or one made for an unnamed part of a patch type; else undefined. */
function patchNameOf(node: BodyStructure, role: PartRole, part: string): string | undefined {
  const type = node.type.toLowerCase();
  const filename = fileNameOf(node)?.trim();
  if (filename) {
    return (role === 'listed' || role === 'shownAndListed') && /\.(patch|diff)$/i.test(filename) && patchTypes.has(type) ? filename : undefined;
  }
  return (role === 'listed' || role === 'shown') && ownPatchTypes.has(type) ? generatedFileName(part, type) : undefined;
}

/** The file's line ends as sent: in 7bit, 8bit and quoted-printable the mail's CRLF line ends stand for the file's, which a diff has as LF. */
function fileLineEnds(content: Buffer, encoding: string | undefined): Buffer {
  const kept = ['base64', 'binary'].includes(encoding?.trim().toLowerCase() ?? '');
  return kept ? content : Buffer.from(content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

/** The file a part carries: base64 (and binary) carry its bytes exactly, the other encodings its lines. */
function fileBytes(node: MimeEntity): Buffer {
  return decodeTransfer(fileLineEnds(node.body, node.encoding), node.encoding);
}

type PatchFile = Pick<AttachedPatch, 'filename' | 'text' | 'bytes' | 'mail' | 'view'>;

/** The patch a file named `filename` carries; undefined when it is binary (git's test) or holds no diff. */
function patchOfFile(filename: string, bytes: Buffer, charset: string | undefined, decodeCharset: CharsetDecoder): PatchFile | undefined {
  if (bytes.subarray(0, binaryProbe).includes(0)) {
    return undefined;
  }
  const text = decodeCharset(bytes, charset);
  const patch = parsePatchText(text);
  if (!patch) {
    return undefined;
  }
  const mail = mailOf(bytes, charset);
  return { filename, text, bytes, mail, view: { ...patch, commit: mail !== undefined, attachment: sanitizeAttachmentName(filename) } };
}

/** The first attachment that is a patch; undefined when none is. */
export function attachedPatch(tree: MimeEntity, decodeCharset: CharsetDecoder): AttachedPatch | undefined {
  for (const { node, role, part } of partsInOrder(tree)) {
    const filename = patchNameOf(node, role, part);
    const patch = filename ? patchOfFile(filename, fileBytes(node), node.parameters?.charset, decodeCharset) : undefined;
    if (patch) {
      return { ...patch, node, part, shownInBody: role !== 'listed' };
    }
  }
  return undefined;
}

/** A part the server's structure names as a patch: its IMAP part number, name, encoding and charset, and its size decoded (estimated). */
export interface PatchPart {
  readonly part: string;
  readonly filename: string;
  readonly size: number;
  readonly encoding: string | undefined;
  readonly charset: string | undefined;
}

/** The first part of `structure` that is a patch by name and type; undefined when none is. */
export function patchPartInStructure(structure: BodyStructure): PatchPart | undefined {
  for (const { node, role, part } of partsInOrder(structure)) {
    const filename = patchNameOf(node, role, part);
    if (filename) {
      // The structure counts the part as sent: base64 lines of 76 characters and CRLF carry 57 bytes each.
      // Quoted-printable and 7bit/8bit count as sent too, which the file does not exceed (=XX and soft
      // line breaks only add): an estimate that may name a patch just under the cap too large to show.
      // A part longer than estimated (base64 in longer lines) stops its fetch at the cap (patchFileOf).
      const size = Math.floor((node.size ?? 0) * (node.encoding?.toLowerCase() === 'base64' ? 57 / 78 : 1));
      return { part, filename, size, encoding: node.encoding, charset: node.parameters?.charset };
    }
  }
  return undefined;
}

/** The patch a part fetched on its own carries (`content` with its transfer encoding undone, charset as sent). */
export function patchOfPart(part: PatchPart, content: Buffer, decodeCharset: CharsetDecoder): PatchFile | undefined {
  return patchOfFile(part.filename, fileLineEnds(content, part.encoding), part.charset, decodeCharset);
}

/**
 * In a message the reader could not load whole (its source was cut short), the first part that is a
 * patch by name and type, when it is larger than the reader shows, from the server's structure: its
 * bytes are not there to check, so Apply Patch… reads the message whole and checks them then. With
 * its part number, which the attachment list then lists. `fetched`: the part as fetched on its own,
 * whose size is known better than the structure's estimate.
 */
export function patchTooLargeInStructure(structure: BodyStructure, fetched?: PatchPart): { note: PatchTooLarge; part: string } | undefined {
  const found = fetched ?? patchPartInStructure(structure);
  return found && found.size > patchShowLimit
    ? { note: { attachment: sanitizeAttachmentName(found.filename), size: found.size }, part: found.part }
    : undefined;
}

/**
 * In a message cut short, the patch of the part fetched on its own, matched by its number to its
 * node in the source that was fetched, so that the body leaves it out as it does in a whole message;
 * without a node when the cut came before it.
 */
export function fetchedPatch(
  tree: MimeEntity,
  fetched: PatchPart,
  content: Buffer,
  decodeCharset: CharsetDecoder,
): (Omit<AttachedPatch, 'node'> & { node: MimeEntity | undefined }) | undefined {
  const patch = patchOfPart(fetched, content, decodeCharset);
  if (!patch) {
    return undefined;
  }
  const visit = partsInOrder(tree).find(({ part }) => part === fetched.part);
  const shownInBody = visit?.role === 'shown' || visit?.role === 'shownAndListed';
  return { ...patch, node: visit?.node, part: fetched.part, shownInBody };
}
