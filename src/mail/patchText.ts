/**
 * Patches in: finds a unified diff in a message's text and says what each line is (file header,
 * hunk header, added, removed, context), counting each hunk's lines so a removed line that looks
 * like a header (`--- x`) stays a removed line.
 */
import type { PatchLineKind, PatchView } from '../shared/protocol';

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Where the diff starts: a `diff --git` line, or `--- `, `+++ `, `@@ ` one after the other. */
function diffStart(lines: readonly string[]): number {
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('diff --git ')) {
      return index;
    }
    if (line.startsWith('--- ') && lines[index + 1]?.startsWith('+++ ') && hunkHeader.test(lines[index + 2] ?? '')) {
      return index;
    }
  }
  return -1;
}

function fileName(line: string): string | undefined {
  const match = /^\+\+\+ (?:b\/)?(.+?)(?:\t.*)?$/.exec(line);
  return match && match[1] !== '/dev/null' ? match[1] : undefined;
}

/** Classifies the diff's lines; `meta` for what is neither (index lines, modes, the signature). */
export function classifyDiff(lines: readonly string[]): { lines: PatchView['lines']; files: string[] } {
  const classified: PatchView['lines'] = [];
  const files: string[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  let ended = false;
  for (const text of lines) {
    let kind: PatchLineKind = 'meta';
    if (oldLeft > 0 || newLeft > 0) {
      const first = text[0] ?? ' ';
      kind = first === '+' ? 'added' : first === '-' ? 'removed' : first === '\\' ? 'meta' : 'context';
      oldLeft -= kind === 'removed' || kind === 'context' ? 1 : 0;
      newLeft -= kind === 'added' || kind === 'context' ? 1 : 0;
    } else if (text === '-- ') {
      // git's signature ("-- " then the version) ends the patch.
      ended = true;
    } else if (!ended && hunkHeader.test(text)) {
      const match = hunkHeader.exec(text) ?? [];
      oldLeft = match[2] === undefined ? 1 : Number(match[2]);
      newLeft = match[4] === undefined ? 1 : Number(match[4]);
      kind = 'hunk';
    } else if (!ended && /^(diff --git |--- |\+\+\+ )/.test(text)) {
      kind = 'file';
      const name = fileName(text);
      if (name && !files.includes(name)) {
        files.push(name);
      }
    }
    classified.push({ kind, text });
  }
  return { lines: classified, files };
}

/** The patch in `text`, or undefined when it carries no diff. */
export function parsePatchText(text: string): PatchView | undefined {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const start = diffStart(lines);
  if (start < 0) {
    return undefined;
  }
  // git puts the message above `---` and the diffstat between it and the diff.
  const separator = lines.lastIndexOf('---', start);
  const messageEnd = separator >= 0 ? separator : start;
  const { lines: classified, files } = classifyDiff(lines.slice(messageEnd));
  if (files.length === 0) {
    return undefined;
  }
  return { message: lines.slice(0, messageEnd).join('\n').trimEnd(), lines: classified, files, commit: separator >= 0 };
}

/** The hunk header of `file`'s hunk that starts at old line `line` (what git names when a patch fails). */
export function hunkAt(text: string, file: string, line: number): string | undefined {
  let inFile = false;
  for (const current of text.replace(/\r\n/g, '\n').split('\n')) {
    if (current.startsWith('diff --git ')) {
      inFile = false;
    } else if (current.startsWith('+++ ')) {
      inFile = fileName(current) === file;
    } else if (inFile && hunkHeader.exec(current)?.[1] === String(line)) {
      return current;
    }
  }
  return undefined;
}

/**
 * The reader colours this much of a diff (characters, whole lines): each coloured line is an element,
 * and tens of thousands of them made a 2 MB diff take the reader twice as long as the same text.
 */
export const colouredPatchLimit = 200 * 1024;

/** `patch` as the reader shows it: its lines coloured up to the limit, the rest as one uncoloured text. */
export function colourCapped(patch: PatchView): PatchView {
  let size = 0;
  const end = patch.lines.findIndex((line) => (size += line.text.length + 1) > colouredPatchLimit);
  if (end < 0) {
    return patch;
  }
  const rest = patch.lines.slice(end).map((line) => line.text);
  return { ...patch, lines: patch.lines.slice(0, end), uncoloured: rest.join('\n') };
}
