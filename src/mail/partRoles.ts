/**
 * The one rule for what the reader does with each MIME part, applied alike to the server's
 * BODYSTRUCTURE (the attachment list, the Inbox's paperclip) and to the parsed source (the body):
 * every leaf is shown, listed as an attachment, or both; none is silently dropped. The only parts
 * neither shown nor listed are the plain/HTML twins of the alternative that is shown, and images an
 * HTML body embeds by Content-ID.
 */
import type { BodyStructure } from './bodyStructure';

export type PartRole =
  /** Shown in the body, in order. */
  | 'shown'
  /** Shown in the body and listed (a named text part, which people also want to save). */
  | 'shownAndListed'
  /** Listed as an attachment. */
  | 'listed'
  /** An embedded message: its headers are shown and its parts follow; listed as a .eml to open or save. */
  | 'embeddedMessage'
  /** A multipart whose structure is broken: its source text is shown. */
  | 'broken'
  /** An image of a multipart/related, embedded in the HTML by Content-ID. */
  | 'resource'
  /** The plain or HTML twin of the alternative that is shown. */
  | 'alternativeCopy';

export interface PartVisit<T> {
  node: T;
  /** The IMAP part number (RFC 3501 §6.4.5), which is what the server downloads. */
  part: string;
  role: PartRole;
}

/** A part's own fields, from the server's structure or from the parsed source. */
type PartFields = Omit<BodyStructure, 'childNodes'>;
type Node<T> = PartFields & { childNodes?: T[] };

function isListed(role: PartRole): boolean {
  return role === 'listed' || role === 'shownAndListed' || role === 'embeddedMessage';
}

/**
 * The parts the reader lists as attachments, in order: its attachment list and the Inbox's paperclip.
 * `alsoListed` is the number of a shown part the reader leaves out of the body (a patch too large to
 * show), which is then listed so that it is still reached [SEC-29b].
 */
export function listedParts<T extends Node<T>>(root: T, alsoListed?: string): PartVisit<T>[] {
  return partsInOrder(root).filter((visit) => isListed(visit.role) || visit.part === alsoListed);
}

/** Every part the reader acts on, in the order of the message, with what it does with each. */
export function partsInOrder<T extends Node<T>>(root: T): PartVisit<T>[] {
  const visits: PartVisit<T>[] = [];
  // `number` is the node's own IMAP part number: '' for the top-level entity and for a multipart
  // that is the body of an embedded message (its children are numbered below the message's number).
  const walk = (node: T, number: string): void => {
    const type = node.type.toLowerCase();
    const children = node.childNodes ?? [];
    const childNumber = (index: number): string => (number ? `${number}.${index + 1}` : `${index + 1}`);
    if (type.startsWith('multipart/')) {
      if (children.length === 0) {
        visits.push({ node, part: number || '1', role: 'broken' });
      } else if (type === 'multipart/alternative') {
        const shown = shownAlternative(children);
        children.forEach((child, index) => {
          if (child === shown) {
            walk(child, childNumber(index));
          } else {
            visits.push({ node: child, part: childNumber(index), role: isTwin(child) ? 'alternativeCopy' : 'listed' });
          }
        });
      } else if (type === 'multipart/related') {
        const root = relatedRoot(node, children);
        children.forEach((child, index) => {
          if (child !== root && child.id && child.type.toLowerCase().startsWith('image/') && child.disposition?.toLowerCase() !== 'attachment') {
            visits.push({ node: child, part: childNumber(index), role: 'resource' });
          } else {
            walk(child, childNumber(index));
          }
        });
      } else {
        children.forEach((child, index) => walk(child, childNumber(index)));
      }
      return;
    }
    const own = number || '1';
    const embedded = children[0];
    if (isEmbeddedMessageType(type)) {
      visits.push({ node, part: own, role: embedded ? 'embeddedMessage' : 'listed' });
      if (embedded) {
        // The embedded message's parts are numbered below the message: a multipart's children
        // as `own.1`, `own.2`…, a single-part body as `own.1`.
        walk(embedded, embedded.type.toLowerCase().startsWith('multipart/') ? own : `${own}.1`);
      }
      return;
    }
    visits.push({ node, part: own, role: leafRole(node) });
  };
  walk(root, '');
  return visits;
}

function leafRole(node: PartFields): PartRole {
  if (node.disposition?.toLowerCase() === 'attachment') {
    return 'listed';
  }
  if (!isShownAsText(node.type.toLowerCase())) {
    return 'listed';
  }
  return fileNameOf(node) === undefined ? 'shown' : 'shownAndListed';
}

/** Any text/* (RFC 2046 §4.1.4: an unknown subtype is shown as plain text), and delivery reports. */
function isShownAsText(type: string): boolean {
  return type.startsWith('text/') || type === 'message/delivery-status' || type === 'message/disposition-notification';
}

/** A whole message as a part (RFC 2046 §5.2.1, RFC 6532 §3.7): its body is a message of its own. */
export function isEmbeddedMessageType(type: string): boolean {
  return type === 'message/rfc822' || type === 'message/global';
}

function isTwin(node: PartFields): boolean {
  const type = node.type.toLowerCase();
  return type === 'text/plain' || type === 'text/html' || type.startsWith('multipart/');
}

/** The richest alternative the reader can show: the last plain, HTML or multipart one (RFC 2046 §5.1.4). */
function shownAlternative<T extends Node<T>>(children: T[]): T | undefined {
  return [...children].reverse().find(isTwin) ?? children[0];
}

function relatedRoot<T extends Node<T>>(node: T, children: T[]): T | undefined {
  const start = node.parameters?.start?.trim();
  return (start ? children.find((child) => child.id?.trim() === start) : undefined) ?? children[0];
}

export function fileNameOf(node: PartFields): string | undefined {
  const name = node.dispositionParameters?.filename ?? node.parameters?.name;
  return name?.trim() ? name : undefined;
}

const extensions: Record<string, string> = {
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'text/csv': 'csv',
  'text/x-patch': 'patch',
  'text/x-diff': 'diff',
  'application/x-patch': 'patch',
  'application/x-diff': 'diff',
  'message/rfc822': 'eml',
  'message/global': 'eml',
  'message/delivery-status': 'txt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
};

/** A name for a part that has none, from its number and type: `part-2.txt`, `part-1.eml`, `part-3.bin`. */
export function generatedFileName(part: string, type: string): string {
  const lower = type.toLowerCase();
  return `part-${part}.${extensions[lower] ?? (lower.startsWith('text/') ? 'txt' : 'bin')}`;
}
