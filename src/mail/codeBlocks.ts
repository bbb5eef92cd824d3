import { MAX_SNIPPETS } from '../shared/protocol';
import type { SnippetView } from '../shared/protocol';
import type { SourceRange } from './snippetSource';
import { parseSourceReference, referencesInLine } from './snippetSource';

/**
 * The code a mail's text carries (issue 15, part 3): its fenced blocks, each with the file and lines
 * it came from where the mail says so, and the file references that stand without a block. The reader
 * offers Copy, Open in Editor and Open in Workspace on them. Pure; a stranger's text is only read.
 */

/** A fenced block (`code` set) or a bare reference to lines of a file (no `code`). */
export interface MailSnippet {
  /** The block's lines, ending in a newline; undefined for a reference without a block. */
  readonly code?: string;
  /** The fence's language word (`ts`, `typescript`); empty when it names none. */
  readonly language: string;
  readonly source?: SourceRange;
}

const OPENING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;

interface Fence {
  readonly opening: number;
  readonly closing: number;
  readonly language: string;
  readonly code: string;
}

/** The fenced blocks as CommonMark reads them: a closing fence of the same character, at least as long; an unclosed one runs to the end. */
function fences(lines: readonly string[]): Fence[] {
  const found: Fence[] = [];
  for (let index = 0; index < lines.length && found.length < MAX_SNIPPETS; index += 1) {
    const opening = OPENING_FENCE.exec(lines[index] ?? '');
    if (!opening) {
      continue;
    }
    const marker = opening[1] ?? '```';
    const closingFence = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
    let closing = index + 1;
    while (closing < lines.length && !closingFence.test(lines[closing] ?? '')) {
      closing += 1;
    }
    const body = lines.slice(index + 1, closing);
    found.push({ opening: index, closing, language: opening[2] ?? '', code: body.length > 0 ? `${body.join('\n')}\n` : '' });
    index = closing;
  }
  return found;
}

/** The reference on the last non-blank line before the block (Mailroom's caption, or `path:12-30` and the like). */
function referenceBefore(lines: readonly string[], opening: number): SourceRange | undefined {
  let line = opening - 1;
  while (line >= 0 && (lines[line] ?? '').trim() === '') {
    line -= 1;
  }
  if (line < 0) {
    return undefined;
  }
  const references = referencesInLine((lines[line] ?? '').replace(/:$/, ''));
  return references[references.length - 1];
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.path === b.path && a.startLine === b.startLine && a.endLine === b.endLine;
}

/**
 * The snippets of a message: its fenced blocks in order, then the references in its prose that no block
 * claimed. A lone block with no reference of its own takes the subject's (Send Selection's `path:L10-L24`).
 */
export function findSnippets(text: string, subject: string): MailSnippet[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks = fences(lines);
  // A reply or forward keeps the snippet mail's subject behind its prefixes.
  const subjectReference = parseSourceReference(subject.replace(/^(?:(?:re|fwd?|aw|wg)\s*:\s*)+/i, ''));
  const snippets: MailSnippet[] = blocks.map((block) => {
    const source = referenceBefore(lines, block.opening) ?? (blocks.length === 1 ? subjectReference : undefined);
    return { code: block.code, language: block.language, ...(source ? { source } : {}) };
  });
  const insideBlock = (line: number): boolean => blocks.some((block) => line >= block.opening && line <= block.closing);
  const claimed = snippets.flatMap((snippet) => (snippet.source ? [snippet.source] : []));
  for (let line = 0; line < lines.length && snippets.length < MAX_SNIPPETS; line += 1) {
    if (insideBlock(line)) {
      continue;
    }
    for (const reference of referencesInLine(lines[line] ?? '')) {
      if (!claimed.some((known) => sameRange(known, reference))) {
        claimed.push(reference);
        snippets.push({ language: '', source: reference });
      }
    }
  }
  return snippets.slice(0, MAX_SNIPPETS);
}

/** Where a snippet's code is in the file now. */
export type SnippetLocation =
  /** The file has the same lines where the mail says. */
  | { readonly kind: 'same'; readonly startLine: number; readonly endLine: number }
  /** The same lines, elsewhere: the match nearest to where the mail says. */
  | { readonly kind: 'moved'; readonly startLine: number; readonly endLine: number }
  /** Not found as it is: the lines the mail names (cut to the file's end), to compare. */
  | { readonly kind: 'changed'; readonly startLine: number; readonly endLine: number };

/** Lines compared without line-ending and trailing-whitespace differences (mail transport changes both). */
function comparableLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines.map((line) => line.trimEnd());
}

/** Finds `code` in `fileText`, first where `source` says, else the nearest place it occurs. */
export function locateSnippet(fileText: string, code: string, source: Pick<SourceRange, 'startLine' | 'endLine'>): SnippetLocation {
  const file = comparableLines(fileText);
  const wanted = comparableLines(code);
  const matchesAt = (start: number): boolean => wanted.every((line, offset) => file[start + offset] === line);
  const expected = source.startLine - 1;
  if (wanted.length > 0 && matchesAt(expected)) {
    return { kind: 'same', startLine: source.startLine, endLine: source.startLine + wanted.length - 1 };
  }
  let nearest: number | undefined;
  for (let start = 0; wanted.length > 0 && start + wanted.length <= file.length; start += 1) {
    if (file[start] === wanted[0] && matchesAt(start) && (nearest === undefined || Math.abs(start - expected) < Math.abs(nearest - expected))) {
      nearest = start;
    }
  }
  if (nearest !== undefined) {
    return { kind: 'moved', startLine: nearest + 1, endLine: nearest + wanted.length };
  }
  const lastLine = Math.max(1, file.length);
  return { kind: 'changed', startLine: Math.min(source.startLine, lastLine), endLine: Math.min(source.endLine, lastLine) };
}

/** What the reader is told of a snippet: never its code, only what it lists. */
export function snippetView(snippet: MailSnippet, index: number): SnippetView {
  const { source } = snippet;
  return {
    index,
    language: snippet.language,
    lines: snippet.code === undefined ? 0 : snippet.code.split('\n').length - 1,
    ...(source ? { source: { path: source.path, startLine: source.startLine, endLine: source.endLine } } : {}),
  };
}
