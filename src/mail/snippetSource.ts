/**
 * Where a snippet in a mail came from: a workspace-relative path and a line range, read from the forms
 * people write (issue 15, part 3). Pure; everything read here is a stranger's text, so it stays data: a
 * path is a list of plain relative segments (no `..`, no absolute path, no drive, no scheme), and only
 * GitHub's and GitLab's blob URLs are read as URLs, for the path and lines they name.
 */

/** Lines are 1-based and inclusive; `path` is relative, '/'-separated, every segment checked. */
export interface SourceRange {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The path came from a URL whose ref may have had slashes: leading segments may belong to the ref. */
  readonly fromUrl: boolean;
}

const MAX_PATH_LENGTH = 1024;
const MAX_LINE = 10_000_000;

/** Characters no path of a snippet has: control characters, backslashes, drive colons and shell or URL marks. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_PATH_CHARACTERS = /[\u0000-\u001f\u007f\\:*?"<>|]/;

/** The path as safe relative segments, or undefined for anything that could leave a workspace folder. */
export function safeRelativePath(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > MAX_PATH_LENGTH || UNSAFE_PATH_CHARACTERS.test(raw) || raw.startsWith('/') || raw.startsWith('~')) {
    return undefined;
  }
  const segments = raw.split('/').filter((segment) => segment !== '.');
  if (segments.length === 0 || segments.some((segment) => segment === '' || segment === '..' || segment.trim() !== segment)) {
    return undefined;
  }
  return segments.join('/');
}

function lineNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,8}$/.test(text)) {
    return undefined;
  }
  const value = Number(text);
  return value >= 1 && value <= MAX_LINE ? value : undefined;
}

function range(path: string | undefined, start: string | undefined, end: string | undefined, fromUrl = false): SourceRange | undefined {
  const safePath = path === undefined ? undefined : safeRelativePath(path);
  const startLine = lineNumber(start);
  const endLine = end === undefined ? startLine : lineNumber(end);
  if (!safePath || startLine === undefined || endLine === undefined || endLine < startLine) {
    return undefined;
  }
  return { path: safePath, startLine, endLine, fromUrl };
}

/** Mailroom's own caption line: "src/app.ts, lines 10–24 (typescript):" or "src/app.ts, line 7 (go):". */
const MAILROOM_CAPTION = /^(\S.*?), lines? (\d+)(?:–(\d+))? \([^()]*\):?$/;
/** GitHub: https://github.com/owner/repo/blob/<ref>/path#L12-L30 (also raw-less /blame/). */
const GITHUB_URL = /^https:\/\/github\.com\/[^/\s]+\/[^/\s]+\/(?:blob|blame)\/[^/\s]+\/([^#?\s]+)(?:\?[^#\s]*)?#L(\d+)(?:-L(\d+))?$/;
/** GitLab (any host with the /-/blob/ route): https://gitlab.com/group/repo/-/blob/<ref>/path#L12-30. */
const GITLAB_URL = /^https:\/\/[^/\s]+\/(?:[^/\s]+\/)+-\/(?:blob|blame)\/[^/\s]+\/([^#?\s]+)(?:\?[^#\s]*)?#L(\d+)(?:-L?(\d+))?$/;
/** path:L10-L24 (Mailroom's subject), path:12-30, path:12, path#L12-L30, path#L12. The name needs an extension. */
const PATH_AND_LINES = /^([\w.@+-][\w./@+-]*\.[A-Za-z][A-Za-z0-9]*)(?::L?(\d+)(?:-L?(\d+))?|#L(\d+)(?:-L?(\d+))?)$/;

function decodedUrlPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** One reference, the whole of `text` (trimmed, or inside backticks or angle brackets); undefined when it is none. */
export function parseSourceReference(text: string): SourceRange | undefined {
  const token = text.trim().replace(/^[`<(]+|[`>),.;:]+$/g, '');
  const caption = MAILROOM_CAPTION.exec(text.trim());
  if (caption) {
    return range(caption[1], caption[2], caption[3]);
  }
  const url = GITHUB_URL.exec(token) ?? GITLAB_URL.exec(token);
  if (url) {
    return range(decodedUrlPath(url[1] ?? ''), url[2], url[3], true);
  }
  const plain = PATH_AND_LINES.exec(token);
  if (plain) {
    return range(plain[1], plain[2] ?? plain[4], plain[2] === undefined ? plain[5] : plain[3]);
  }
  return undefined;
}

/** Every reference in a line of prose: each whitespace-separated word is tried on its own. */
export function referencesInLine(line: string): SourceRange[] {
  const whole = MAILROOM_CAPTION.test(line.trim()) ? parseSourceReference(line) : undefined;
  if (whole) {
    return [whole];
  }
  return line.split(/\s+/).flatMap((word) => parseSourceReference(word) ?? []);
}
