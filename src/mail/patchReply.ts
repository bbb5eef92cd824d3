/**
 * Reply to Patch on a mail whose patch is an attachment: the review quotes the patch with `> ` below
 * the mail's own text, as it quotes a patch in the body. A patch larger than the reader shows is
 * quoted in part, whole files first, and the quote says what it left out.
 */
import { relayedOperation } from './connection';
import { parseMime } from './mimeTree';
import { fetchOriginalSource, parseOriginalMessage } from './original';
import type { AttachedPatch } from './patchAttachment';
import { attachedPatch, patchShowLimit } from './patchAttachment';
import { classifyDiff, parsePatchText } from './patchText';
import type { OriginalMessage } from './reply';
import { loadCharsetDecoder } from './transferDecoding';

/** How much of a patch above the reader's cap is quoted (characters): a review answers a few files, not megabytes. */
export const quotedPatchLimit = 256 * 1024;
/** How many of the files left out the note names. */
const namedLeftOut = 10;

/** A git diff starts each file with `diff --git`; a plain one with `--- ` and `+++ `. */
function fileStartTest(lines: readonly string[]): (index: number) => boolean {
  return lines.some((line) => line.startsWith('diff --git '))
    ? (index) => (lines[index] ?? '').startsWith('diff --git ')
    : (index) => (lines[index] ?? '').startsWith('--- ') && (lines[index + 1] ?? '').startsWith('+++ ');
}

/** Where to cut `lines` so the quote stays under the limit: before the last file (else hunk) that starts past the first one, else at the limit. */
function cutIndex(lines: readonly string[]): number {
  let size = 0;
  let end = 0;
  while (end < lines.length && size + (lines[end]?.length ?? 0) + 1 <= quotedPatchLimit) {
    size += (lines[end]?.length ?? 0) + 1;
    end += 1;
  }
  const starts = (test: (index: number) => boolean): number[] => lines.slice(0, end + 1).flatMap((_, index) => (test(index) ? [index] : []));
  const files = starts(fileStartTest(lines));
  if (files.length > 1) {
    return files[files.length - 1] ?? end;
  }
  const hunks = starts((index) => (lines[index] ?? '').startsWith('@@ '));
  return hunks.length > 1 ? (hunks[hunks.length - 1] ?? end) : end;
}

/** The patch's text as a reply quotes it: whole up to the reader's cap, above it cut with a note naming what is left out. */
export function quotablePatch(patch: Pick<AttachedPatch, 'filename' | 'text' | 'bytes'>): string {
  const text = patch.text.replace(/^From \S+ .*\r?\n/, '').replace(/\r\n/g, '\n');
  if (patch.bytes.length <= patchShowLimit) {
    return text;
  }
  const lines = text.split('\n');
  const cut = cutIndex(lines);
  const rest = lines.slice(cut);
  // The text ends in a line end, which split leaves as an empty last line: not a line left out.
  const restCount = rest.length - (rest.at(-1) === '' ? 1 : 0);
  // A cut inside a file (at a hunk, or at a line) leaves out the rest of that file too.
  const quoted = classifyDiff(lines.slice(0, cut + 1));
  const inFile = ['hunk', 'added', 'removed', 'context'].includes(quoted.lines.at(-1)?.kind ?? '');
  const cutFile = inFile ? quoted.files.at(-1) : undefined;
  const files = [...new Set([...(cutFile ? [cutFile] : []), ...classifyDiff(rest).files])];
  const named = files.length > namedLeftOut ? `${files.slice(0, namedLeftOut).join(', ')} and ${files.length - namedLeftOut} more` : files.join(', ');
  const where = files.length > 0 ? `, in ${named}` : '';
  return `${lines.slice(0, cut).join('\n')}\n[Not quoted: the rest of ${patch.filename}, ${restCount} more lines${where}.]\n`;
}

/** `original` with the attached patch quoted below its text; as it is when its text carries the patch already. */
export function withAttachedPatch(original: OriginalMessage, patch: AttachedPatch | undefined): OriginalMessage {
  if (!patch || parsePatchText(original.text)) {
    return original;
  }
  const own = original.text.replace(/\s+$/, '');
  return { ...original, text: own ? `${own}\n\n${quotablePatch(patch)}` : quotablePatch(patch) };
}

/** Message `uid` of `folder` as Reply to Patch quotes it: its text and the patch attached to it. */
export const readPatchOriginal = relayedOperation(
  'readPatchOriginal',
  ['string', 'uid'],
  async (session, folder: string, uid: number): Promise<OriginalMessage> => {
    const source = await fetchOriginalSource(session, folder, uid);
    const decodeCharset = await loadCharsetDecoder();
    return withAttachedPatch(await parseOriginalMessage(source), attachedPatch(parseMime(source, decodeCharset), decodeCharset));
  },
);
