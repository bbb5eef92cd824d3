import { MailroomError } from '../util/errors';
import { escapeHtml } from '../util/html';
import type { CodeColouring } from './codeHtml';
import { codeBlockHtml } from './codeHtml';
import type { MessageContent, OutgoingAttachment } from './outgoing';
import { ui } from '../ui/text';

/**
 * Turns a selection or a file into the content of a mail: a readable text part with a fenced code
 * block (language, workspace-relative path, line range) and an HTML part with the same, code coloured
 * (or escaped) in a <pre>. Pure: no editor, no file system, so every format rule is unit-tested.
 */

/** Lines of a file the user selected; lines are 1-based and inclusive. */
export interface CodeSelection {
  /** Workspace-relative path with forward slashes (the file name for files outside the workspace). */
  readonly path: string;
  /** The editor's language id, e.g. `typescript`. */
  readonly languageId: string;
  readonly code: string;
  readonly startLine: number;
  readonly endLine: number;
}

/** A whole file, always sent as an attachment. */
export interface FileShare {
  readonly path: string;
  readonly languageId: string;
  readonly content: Uint8Array;
}

export interface SnippetOptions {
  /** What the user wrote to go with the code; may be empty. */
  readonly note: string;
  /** Attach the selection as a file instead of inlining it in the body. */
  readonly attachInsteadOfInline: boolean;
  /** Colours the code of the HTML part; without it the code is plain. */
  readonly colours?: CodeColouring;
}

/** The minimum fence length CommonMark allows. */
const MINIMUM_FENCE = 3;

/** "L10-L24", or "L10" for one line. */
export function lineRangeLabel(startLine: number, endLine: number): string {
  return startLine === endLine ? `L${startLine}` : `L${startLine}-L${endLine}`;
}

/** "src/app.ts:L10-L24": the subject prefill of Send Selection. */
export function selectionSubject(selection: Pick<CodeSelection, 'path' | 'startLine' | 'endLine'>): string {
  return `${selection.path}:${lineRangeLabel(selection.startLine, selection.endLine)}`;
}

/**
 * A backtick fence longer than any run of backticks in the code, so nothing inside can close it.
 */
export function chooseFence(code: string): string {
  let longestRun = 0;
  for (const run of code.match(/`+/g) ?? []) {
    longestRun = Math.max(longestRun, run.length);
  }
  return '`'.repeat(Math.max(MINIMUM_FENCE, longestRun + 1));
}

/**
 * The language id as a fence info string. Backtick fences may not carry backticks in the info
 * string and whitespace would end it, so anything outside a conservative set is dropped.
 */
function fenceLanguage(languageId: string): string {
  return languageId.replace(/[^A-Za-z0-9_+#.-]/g, '');
}

/** The last path component: attachments never carry the sender's directories. */
function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || 'file';
}

/** "app.L10-L24.ts": the attachment name of a selection sent as a file. */
export function selectionFileName(selection: Pick<CodeSelection, 'path' | 'startLine' | 'endLine'>): string {
  const name = baseName(selection.path);
  const range = lineRangeLabel(selection.startLine, selection.endLine);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}.${range}${name.slice(dot)}` : `${name}.${range}`;
}

/** "1 line" / "lines 10–24". */
function linesPhrase(startLine: number, endLine: number): string {
  return startLine === endLine ? `line ${startLine}` : `lines ${startLine}–${endLine}`;
}

/** "src/app.ts, lines 10–24 (typescript)": names the code in both parts. */
function selectionCaption(selection: Pick<CodeSelection, 'path' | 'languageId' | 'startLine' | 'endLine'>): string {
  return `${selection.path}, ${linesPhrase(selection.startLine, selection.endLine)} (${selection.languageId})`;
}

/** A fenced block whose closing fence is on its own line even when the code has no final newline. */
export function fencedCodeBlock(code: string, languageId: string): string {
  const fence = chooseFence(code);
  const body = code.endsWith('\n') ? code : `${code}\n`;
  return `${fence}${fenceLanguage(languageId)}\n${body}${fence}`;
}

export function buildSelectionContent(selection: CodeSelection, options: SnippetOptions): MessageContent {
  const caption = selectionCaption(selection);
  const subject = selectionSubject(selection);
  if (options.attachInsteadOfInline) {
    const attachment: OutgoingAttachment = {
      filename: selectionFileName(selection),
      contentType: 'text/plain; charset=utf-8',
      content: new TextEncoder().encode(selection.code),
    };
    return {
      subject,
      text: textWithNote(options.note, `Attached: ${caption}.\n`),
      html: htmlDocument(options.note, `<p>Attached: ${captionHtml(selection)}.</p>`),
      attachments: [attachment],
    };
  }
  const codeHtml = `<p>${captionHtml(selection)}</p>\n${codeBlockHtml(selection.code, selection.languageId, options.colours)}`;
  return {
    subject,
    text: textWithNote(options.note, `${caption}:\n\n${fencedCodeBlock(selection.code, selection.languageId)}\n`),
    html: htmlDocument(options.note, codeHtml),
    attachments: [],
  };
}

/** The largest file Send File puts in the body as code; a longer one is attached all the same. */
const MAX_INLINE_FILE_BYTES = 256 * 1024;

/** The file's text when it is UTF-8 text (no NUL byte, valid encoding), else undefined. */
function fileText(content: Uint8Array): string | undefined {
  if (content.byteLength > MAX_INLINE_FILE_BYTES || content.includes(0)) {
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return undefined;
  }
}

export interface FileShareOptions {
  /** Put a text file in the body as a code block (lines 1 to its end) instead of attaching it. */
  readonly inline?: boolean;
  readonly colours?: CodeColouring;
}

export function buildFileContent(file: FileShare, note: string, options: FileShareOptions = {}): MessageContent {
  const text = options.inline ? fileText(file.content) : undefined;
  if (text !== undefined && text.length > 0) {
    const lineCount = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const selection = { path: file.path, languageId: file.languageId, code: text, startLine: 1, endLine: lineCount };
    const colours = options.colours ? { colours: options.colours } : {};
    return { ...buildSelectionContent(selection, { note, attachInsteadOfInline: false, ...colours }), subject: file.path };
  }
  const size = formatBytes(file.content.byteLength);
  return {
    subject: file.path,
    text: textWithNote(note, `Attached: ${file.path} (${file.languageId}, ${size}).\n`),
    html: htmlDocument(note, `<p>Attached: <code>${escapeHtml(file.path)}</code> (${escapeHtml(file.languageId)}, ${size}).</p>`),
    attachments: [{ filename: baseName(file.path), content: file.content }],
  };
}

/**
 * What a message of these bodies and attachment sizes will weigh on the wire: base64 grows content
 * by 4/3 plus line breaks every 76 characters. Lets a file be refused before it is read.
 */
export function estimateMessageBytes(bodyBytes: number, attachmentBytes: readonly number[]): number {
  const headerAllowance = 2048;
  const base64 = attachmentBytes.reduce((total, bytes) => total + Math.ceil(bytes / 3) * 4 * (78 / 76) + 512, 0);
  return Math.ceil(headerAllowance + bodyBytes * 2 + base64);
}

/** Throws MessageTooLarge with a message that says both sizes. */
export function assertWithinSizeLimit(messageBytes: number, limitBytes: number): void {
  if (messageBytes > limitBytes) {
    throw new MailroomError(
      'MessageTooLarge',
      ui`The message would be ${formatBytes(messageBytes)}, over the ${formatBytes(limitBytes)} limit (setting mailroom.send.maxMessageSizeMB). Attach less, or send a link instead.`,
    );
  }
}

/** A size with its unit, in the user's language (units and their spacing differ: `1,5 Ko`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return ui`${bytes} B`.value;
  }
  if (bytes < 1024 * 1024) {
    return ui`${(bytes / 1024).toFixed(1)} KB`.value;
  }
  return ui`${(bytes / (1024 * 1024)).toFixed(1)} MB`.value;
}

function captionHtml(selection: Pick<CodeSelection, 'path' | 'languageId' | 'startLine' | 'endLine'>): string {
  return `<code>${escapeHtml(selection.path)}</code>, ${linesPhrase(selection.startLine, selection.endLine)} (${escapeHtml(selection.languageId)})`;
}

function textWithNote(note: string, rest: string): string {
  const trimmed = note.trim();
  return trimmed ? `${trimmed}\n\n${rest}` : rest;
}

/** The note as paragraphs: blank lines separate them, single newlines are kept as breaks. */
function plainTextToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

function htmlDocument(note: string, rest: string): string {
  const noteHtml = plainTextToHtml(note);
  const body = noteHtml ? `${noteHtml}\n${rest}` : rest;
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${body}\n</body></html>\n`;
}
