import type { CharsetDecoder } from './transferDecoding';
import type { MimeEntity } from './mimeTree';
import { decodeTextPart } from './mimeTree';
import { partsInOrder } from './partRoles';

/**
 * The text a message's code blocks are read from: its plain-text parts in order, the plain twin of an
 * HTML alternative included. The reader shows the HTML of a mail such as Send Selection's, but the fences,
 * languages and captions that say where the code came from are in its text part.
 */
export function codeTextOf(tree: MimeEntity, decodeCharset: CharsetDecoder): string {
  return partsInOrder(tree)
    .filter(({ node, role }) => node.type.toLowerCase() === 'text/plain' && (role === 'shown' || role === 'shownAndListed' || role === 'alternativeCopy'))
    .map(({ node }) => decodeTextPart(node, decodeCharset))
    .join('\n\n');
}
