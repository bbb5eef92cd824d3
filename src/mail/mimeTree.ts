/**
 * RFC 5322 / MIME source → a tree of entities, shaped like the server's BODYSTRUCTURE so that one
 * rule (partRoles.ts) decides for both what the reader shows and what it lists. Never throws:
 * where the structure is broken the entity says so (`defect`) and keeps its raw body, so the reader
 * can show the text instead of nothing.
 */
import { isEmbeddedMessageType } from './partRoles';
import type { BodyStructure } from './bodyStructure';
import type { CharsetDecoder } from './transferDecoding';
import { decodeTransfer } from './transferDecoding';

export type MimeDefect =
  /** A multipart without a `boundary` parameter. */
  | 'missingBoundary'
  /** A multipart whose boundary never occurs in its body. */
  | 'boundaryNotFound'
  /** Nested deeper, or with more parts, than Mailroom splits. */
  | 'tooComplex';

export interface HeaderField {
  /** Lower case. */
  name: string;
  /** Unfolded, not decoded (encoded words stay as they are). */
  value: string;
}

export interface MimeEntity extends BodyStructure {
  headers: HeaderField[];
  /** The header block as it was, without the blank line (for decoding an embedded message's headers). */
  headerBytes: Buffer;
  /** The body as it was: still transfer-encoded; for a multipart, all of it. */
  body: Buffer;
  /** A multipart's parts, or a message/rfc822's one embedded message. */
  childNodes?: MimeEntity[];
  defect?: MimeDefect;
}

const maxDepth = 32;
const maxEntities = 2000;

/** `decodeCharset` reads raw 8-bit header text and RFC 2231 parameters. */
export function parseMime(source: Buffer, decodeCharset: CharsetDecoder): MimeEntity {
  return parseEntity(source, 'text/plain', 0, { remaining: maxEntities, decodeCharset });
}

interface ParseContext {
  /** Entities left before the message counts as too complex. */
  remaining: number;
  decodeCharset: CharsetDecoder;
}

function parseEntity(bytes: Buffer, defaultType: string, depth: number, context: ParseContext): MimeEntity {
  context.remaining--;
  const { headers, headerEnd, bodyStart } = splitHeaders(bytes, context.decodeCharset);
  const field = (name: string): string | undefined => headers.find((candidate) => candidate.name === name)?.value;
  const contentType = parseParameterized(field('content-type'), context.decodeCharset);
  // RFC 2045 §5.2: a Content-Type that does not parse (`text`, with no subtype) means text/plain.
  const type = contentType === undefined ? defaultType : /^[^\s/]+\/[^\s/]+$/.test(contentType.value) ? contentType.value.toLowerCase() : 'text/plain';
  const disposition = parseParameterized(field('content-disposition'), context.decodeCharset);
  const body = bytes.subarray(bodyStart);
  const entity: MimeEntity = {
    type,
    parameters: contentType?.parameters ?? {},
    headers,
    headerBytes: bytes.subarray(0, headerEnd),
    body,
    size: body.length,
  };
  const encoding = field('content-transfer-encoding')?.trim().toLowerCase();
  if (encoding) {
    entity.encoding = encoding;
  }
  if (disposition) {
    entity.disposition = disposition.value.toLowerCase();
    entity.dispositionParameters = disposition.parameters;
  }
  const contentId = field('content-id')?.trim();
  if (contentId) {
    entity.id = contentId;
  }
  const tooComplex = depth >= maxDepth || context.remaining <= 0;
  if (type.startsWith('multipart/')) {
    const boundary = entity.parameters?.boundary;
    const pieces = boundary ? splitMultipart(body, boundary) : undefined;
    if (tooComplex || !boundary || !pieces) {
      entity.defect = tooComplex ? 'tooComplex' : !boundary ? 'missingBoundary' : 'boundaryNotFound';
      entity.childNodes = [];
    } else {
      // RFC 2046 §5.1.5: in a digest a part without a Content-Type is a message.
      const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      entity.childNodes = [];
      for (const piece of pieces) {
        if (context.remaining <= 0) {
          // Showing some parts and silently not the rest would hide content: show this one's source.
          entity.defect = 'tooComplex';
          entity.childNodes = [];
          break;
        }
        entity.childNodes.push(parseEntity(piece, childDefault, depth + 1, context));
      }
    }
  } else if (isEmbeddedMessageType(type)) {
    if (tooComplex) {
      entity.defect = 'tooComplex';
    } else {
      // Encoding a message/rfc822 is not allowed, but it is seen: decode rather than show base64.
      entity.childNodes = [parseEntity(decodeTransfer(body, encoding), 'text/plain', depth + 1, context)];
    }
  }
  return entity;
}

/**
 * Splits off the header block. It ends at the first empty line, or at the first line that is neither a
 * header field nor a continuation: a missing blank line must not swallow the body.
 */
function splitHeaders(bytes: Buffer, decodeCharset: CharsetDecoder): { headers: HeaderField[]; headerEnd: number; bodyStart: number } {
  // Header blocks are small and bodies may be megabytes: read a window first, all of it only if needed.
  const window = bytes.toString('latin1', 0, Math.min(bytes.length, headerWindow));
  const found = headerBlock(window, decodeCharset);
  return found.complete || window.length === bytes.length ? found : headerBlock(bytes.toString('latin1'), decodeCharset);
}

const headerWindow = 64 * 1024;

function headerBlock(text: string, decodeCharset: CharsetDecoder): { headers: HeaderField[]; headerEnd: number; bodyStart: number; complete: boolean } {
  const lines: string[] = [];
  let position = 0;
  let result: { headerEnd: number; bodyStart: number } | undefined;
  while (position < text.length) {
    const newline = text.indexOf('\n', position);
    const next = newline === -1 ? text.length : newline + 1;
    const line = text.slice(position, newline === -1 ? text.length : newline).replace(/\r$/, '');
    if (line === '') {
      result = { headerEnd: position, bodyStart: next };
      break;
    }
    const continuation = /^[ \t]/.test(line) && lines.length > 0;
    // An mbox separator before the first field is not part of the message.
    const mboxSeparator = position === 0 && line.startsWith('From ');
    if (!continuation && !mboxSeparator && !/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(line)) {
      result = { headerEnd: position, bodyStart: position };
      break;
    }
    if (continuation) {
      lines[lines.length - 1] += line;
    } else if (!mboxSeparator) {
      lines.push(line);
    }
    position = next;
  }
  const { headerEnd, bodyStart } = result ?? { headerEnd: text.length, bodyStart: text.length };
  const complete = result !== undefined;
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    // Raw 8-bit header text is nearly always UTF-8 today.
    return { name: line.slice(0, colon).trim().toLowerCase(), value: decodeCharset(Buffer.from(line.slice(colon + 1), 'latin1'), undefined).trim() };
  });
  return { headers, headerEnd, bodyStart, complete };
}

/** The parts of a multipart body, or undefined when its boundary never occurs. Searches the bytes: no copy of the body. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const newlineByte = 0x0a;
  const parts: Buffer[] = [];
  let partStart = -1;
  for (let found = body.indexOf(delimiter); found !== -1; found = body.indexOf(delimiter, found + delimiter.length)) {
    if (found > 0 && body[found - 1] !== newlineByte) {
      continue; // Not at the start of a line.
    }
    const newline = body.indexOf(newlineByte, found);
    const rest = body.toString('latin1', found + delimiter.length, newline === -1 ? body.length : newline).replace(/\r$/, '');
    const closing = rest.startsWith('--');
    if (!closing && !/^[ \t]*$/.test(rest)) {
      continue; // A longer boundary that starts with this one.
    }
    if (partStart >= 0) {
      // The line break before a delimiter belongs to the delimiter.
      const end = found - (body[found - 1] === newlineByte ? (body[found - 2] === 0x0d ? 2 : 1) : 0);
      parts.push(body.subarray(partStart, Math.max(partStart, end)));
    }
    if (closing) {
      return parts.length > 0 ? parts : undefined;
    }
    partStart = newline === -1 ? body.length : newline + 1;
  }
  if (partStart < 0) {
    return undefined;
  }
  // No closing delimiter (a cut-off message, or a careless sender): the last part runs to the end.
  parts.push(body.subarray(partStart));
  return parts;
}

/** `value; name=value; name*=utf-8''…` → the value and its parameters (RFC 2045, RFC 2231). */
function parseParameterized(header: string | undefined, decodeCharset: CharsetDecoder): { value: string; parameters: Record<string, string> } | undefined {
  if (header === undefined) {
    return undefined;
  }
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < header.length; index++) {
    const char = header[index] ?? '';
    if (char === '\\' && quoted) {
      current += char + (header[index + 1] ?? '');
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === ';' && !quoted) {
      pieces.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  pieces.push(current);
  const value = (pieces.shift() ?? '').replace(/\(.*?\)/g, '').trim();
  const simple: Record<string, string> = {};
  const extended = new Map<string, { index: number; value: string; encoded: boolean }[]>();
  for (const piece of pieces) {
    const equals = piece.indexOf('=');
    if (equals < 0) {
      continue;
    }
    const key = piece.slice(0, equals).trim().toLowerCase();
    let raw = piece.slice(equals + 1).trim();
    if (raw.startsWith('"')) {
      raw = raw.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1');
    }
    const match = /^(.+?)\*(\d+)?(\*)?$/.exec(key);
    if (match?.[1]) {
      const segments = extended.get(match[1]) ?? [];
      segments.push({ index: match[2] === undefined ? 0 : Number(match[2]), value: raw, encoded: match[2] === undefined || match[3] !== undefined });
      extended.set(match[1], segments);
    } else if (key) {
      simple[key] = raw;
    }
  }
  for (const [key, segments] of extended) {
    simple[key] = joinExtendedParameter(
      segments.sort((a, b) => a.index - b.index),
      decodeCharset,
    );
  }
  return { value, parameters: simple };
}

function joinExtendedParameter(segments: { value: string; encoded: boolean }[], decodeCharset: CharsetDecoder): string {
  let charset: string | undefined;
  const bytes: Buffer[] = [];
  segments.forEach((segment, position) => {
    let value = segment.value;
    if (segment.encoded && position === 0) {
      const prefix = /^([^']*)'[^']*'/.exec(value);
      if (prefix) {
        charset = prefix[1] || undefined;
        value = value.slice(prefix[0].length);
      }
    }
    bytes.push(
      segment.encoded
        ? Buffer.from(
            value.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          )
        : Buffer.from(value, 'utf8'),
    );
  });
  return decodeCharset(Buffer.concat(bytes), charset);
}

/** A text part's content as text: transfer encoding, charset and format=flowed undone. */
export function decodeTextPart(entity: MimeEntity, decodeCharset: CharsetDecoder): string {
  const text = decodeCharset(decodeTransfer(entity.body, entity.encoding), entity.parameters?.charset);
  return entity.parameters?.format?.toLowerCase() === 'flowed' ? unflow(text, entity.parameters.delsp?.toLowerCase() === 'yes') : text;
}

/** RFC 3676: joins soft-broken lines (ending in a space) and removes space-stuffing. */
function unflow(text: string, deleteSpace: boolean): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let pending: string | undefined;
  for (const rawLine of lines) {
    const line = rawLine.startsWith(' ') ? rawLine.slice(1) : rawLine;
    const joined = pending === undefined ? line : pending + line;
    if (line.endsWith(' ') && line !== '-- ') {
      pending = deleteSpace ? joined.slice(0, -1) : joined;
    } else {
      out.push(joined);
      pending = undefined;
    }
  }
  if (pending !== undefined) {
    out.push(pending);
  }
  return out.join('\n');
}
