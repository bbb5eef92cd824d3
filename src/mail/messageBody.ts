/**
 * A message's body as the reader shows it: the parts the rule says to show, in order, as text and (when
 * there is HTML) as one HTML document with enclosed messages' headers and inline images in place.
 */
import type { AddressObject, ParsedMail } from 'mailparser';
import { textLinkPattern } from '../shared/textLinks';
import { escapeHtml } from '../util/html';
import type { MimeEntity } from './mimeTree';
import { decodeTextPart } from './mimeTree';
import { partsInOrder } from './partRoles';
import type { CharsetDecoder } from './transferDecoding';
import { decodeTransfer } from './transferDecoding';

/** Inline (cid:) images larger than this are not embedded. */
const inlineImageLimit = 1024 * 1024;

/** A header block decoded (encoded words, charsets, addresses) by mailparser; undefined when it cannot be. */
export async function parseHeaders(headerBytes: Buffer): Promise<ParsedMail | undefined> {
  const { simpleParser } = await import('mailparser');
  try {
    return await simpleParser(Buffer.concat([headerBytes, Buffer.from('\r\n\r\n')]), {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipHtmlToText: true,
    });
  } catch {
    return undefined;
  }
}

/** One piece of the body, in the order of the message. */
type BodyBlock = { kind: 'text'; text: string } | { kind: 'html'; html: string } | { kind: 'enclosedHeaders'; fields: [string, string][] };

export interface RenderedBody {
  text: string;
  html: string | undefined;
  malformed: boolean;
}

/**
 * The parts the rule says to show, in order. With no HTML part the body is text; with one, each text
 * part becomes an escaped block of that HTML (which the reader sanitizes like any mail HTML), so a
 * mailing list's plain footer after an HTML message is not lost. `shownElsewhere`: a part the reader
 * shows on its own (an inline patch), left out here so it is not shown twice.
 */
export async function renderBody(tree: MimeEntity, decodeCharset: CharsetDecoder, shownElsewhere?: MimeEntity): Promise<RenderedBody> {
  const blocks: BodyBlock[] = [];
  let malformed = false;
  for (const { node, role } of partsInOrder(tree)) {
    const enclosed = node.childNodes?.[0];
    if (node === shownElsewhere) {
      continue;
    }
    if (role === 'shown' || role === 'shownAndListed') {
      blocks.push(
        node.type === 'text/html' ? { kind: 'html', html: decodeTextPart(node, decodeCharset) } : { kind: 'text', text: decodeTextPart(node, decodeCharset) },
      );
    } else if (role === 'embeddedMessage' && enclosed) {
      blocks.push({ kind: 'enclosedHeaders', fields: await enclosedHeaderFields(enclosed) });
    } else if (role === 'broken') {
      malformed = true;
      blocks.push({ kind: 'text', text: decodeCharset(node.body, undefined) });
    }
  }
  const text = blocks.flatMap((block) => blockAsText(block) ?? []).join('\n\n');
  if (!blocks.some((block) => block.kind === 'html')) {
    return { text, html: undefined, malformed };
  }
  return { text, html: embedInlineImages(blocks.map(blockAsHtml).join('\n'), tree), malformed };
}

const enclosedMessageTitle = '———— Enclosed message ————';

function blockAsText(block: BodyBlock): string | undefined {
  switch (block.kind) {
    case 'text':
      return block.text;
    case 'html':
      return undefined;
    case 'enclosedHeaders':
      return [enclosedMessageTitle, ...block.fields.map(([name, value]) => `${name}: ${value}`)].join('\n');
  }
}

function blockAsHtml(block: BodyBlock): string {
  switch (block.kind) {
    case 'html':
      return block.html;
    case 'text':
      return `<div style="white-space: pre-wrap">${textToHtml(block.text)}</div>`;
    case 'enclosedHeaders':
      return `<hr><p><strong>${escapeHtml(enclosedMessageTitle)}</strong></p><table>${block.fields.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}:</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
  }
}

/** The headers people read in an enclosed message, decoded where mailparser can. */
async function enclosedHeaderFields(message: MimeEntity): Promise<[string, string][]> {
  const parsed = await parseHeaders(message.headerBytes);
  const raw = (name: string): string => message.headers.find((field) => field.name === name)?.value ?? '';
  const addressText = (field: AddressObject | AddressObject[] | undefined): string =>
    field === undefined ? '' : (Array.isArray(field) ? field : [field]).map((object) => object.text).join(', ');
  const fields: [string, string][] = [
    ['From', parsed ? addressText(parsed.from) : raw('from')],
    ['To', parsed ? addressText(parsed.to) : raw('to')],
    ['Cc', parsed ? addressText(parsed.cc) : raw('cc')],
    ['Subject', parsed ? (parsed.subject ?? '') : raw('subject')],
    ['Date', raw('date')],
  ];
  return fields.filter(([, value]) => value !== '');
}

/** Plain text as HTML: escaped, with its web and mail links as links (which the reader's sanitizer vets). */
function textToHtml(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(textLinkPattern)) {
    const index = match.index ?? 0;
    html += `${escapeHtml(text.slice(last, index))}<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>`;
    last = index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

/** Replaces `cid:` references with data: URIs of the matching inline images (bounded in size). */
function embedInlineImages(html: string, tree: MimeEntity): string {
  const byContentId = new Map<string, string>();
  for (const { node } of partsInOrder(tree)) {
    const contentId = node.id?.replace(/^<|>$/g, '');
    if (contentId && /^image\/[a-z0-9.+-]+$/i.test(node.type)) {
      const content = decodeTransfer(node.body, node.encoding);
      if (content.length <= inlineImageLimit) {
        byContentId.set(contentId.toLowerCase(), `data:${node.type};base64,${content.toString('base64')}`);
      }
    }
  }
  if (byContentId.size === 0) {
    return html;
  }
  return html.replace(/cid:([^"'\s)>]+)/gi, (match, id: string) => byContentId.get(decodeSafely(id).toLowerCase()) ?? match);
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
