// Mail HTML is parsed in the reader webview, whose CSP has no 'unsafe-inline'. Every `style` attribute
// the browser's parser meets there is refused (it then reports a violation, about half a millisecond
// each: a styled newsletter took 150 ms to parse) and is lost to the CSSOM. Renaming the attributes
// before parsing keeps the mail's inline styles as plain data; the reader then reads them through
// `element.style.cssText`, which the CSP allows, and moves them into its one nonce'd stylesheet.

/** What `style` attributes are called while the mail is sanitized. */
export const STYLE_ATTRIBUTE_STANDIN = 'data-mailroom-style';

/** Elements whose content is text up to their end tag (HTML's raw-text and RCDATA elements). */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);

function isSpace(character: string | undefined): boolean {
  return character === ' ' || character === '\t' || character === '\n' || character === '\r' || character === '\f';
}

function isAsciiLetter(character: string | undefined): boolean {
  return character !== undefined && /^[A-Za-z]$/.test(character);
}

/**
 * Renames every `style` attribute of every start tag to {@link STYLE_ATTRIBUTE_STANDIN}, leaving all
 * other text as it was. One pass, no backtracking, so hostile input cannot make it slow. Where it
 * reads a tag differently from the browser, the worst outcome is a style that stays blocked or a
 * "style=" in text renamed; neither adds anything the sanitizer does not check.
 */
export function renameStyleAttributes(html: string): string {
  const lower = html.toLowerCase();
  const length = html.length;
  let output = '';
  let index = 0;
  while (index < length) {
    const open = html.indexOf('<', index);
    if (open === -1) {
      output += html.slice(index);
      break;
    }
    output += html.slice(index, open);
    if (lower.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      const end = close === -1 ? length : close + 3;
      output += html.slice(open, end);
      index = end;
      continue;
    }
    if (!isAsciiLetter(html[open + 1])) {
      output += '<';
      index = open + 1;
      continue;
    }
    let cursor = open + 1;
    while (cursor < length && !isSpace(html[cursor]) && html[cursor] !== '>' && html[cursor] !== '/') {
      cursor++;
    }
    const tagName = lower.slice(open + 1, cursor);
    output += html.slice(open, cursor);
    while (cursor < length && html[cursor] !== '>') {
      const character = html[cursor];
      if (isSpace(character) || character === '/') {
        output += character;
        cursor++;
        continue;
      }
      // An attribute name runs to a space, '/', '>' or '=' (a leading '=' belongs to the name).
      let nameEnd = cursor + 1;
      while (nameEnd < length && !isSpace(html[nameEnd]) && html[nameEnd] !== '/' && html[nameEnd] !== '>' && html[nameEnd] !== '=') {
        nameEnd++;
      }
      output += lower.slice(cursor, nameEnd) === 'style' ? STYLE_ATTRIBUTE_STANDIN : html.slice(cursor, nameEnd);
      cursor = nameEnd;
      let equals = cursor;
      while (equals < length && isSpace(html[equals])) {
        equals++;
      }
      if (html[equals] !== '=') {
        continue;
      }
      let valueStart = equals + 1;
      while (valueStart < length && isSpace(html[valueStart])) {
        valueStart++;
      }
      const quote = html[valueStart];
      let valueEnd: number;
      if (quote === '"' || quote === "'") {
        const closing = html.indexOf(quote, valueStart + 1);
        valueEnd = closing === -1 ? length : closing + 1;
      } else {
        valueEnd = valueStart;
        while (valueEnd < length && !isSpace(html[valueEnd]) && html[valueEnd] !== '>') {
          valueEnd++;
        }
      }
      output += html.slice(cursor, valueEnd);
      cursor = valueEnd;
    }
    if (cursor < length) {
      output += '>';
      cursor++;
    }
    index = cursor;
    if (RAW_TEXT_ELEMENTS.has(tagName)) {
      const endTag = lower.indexOf(`</${tagName}`, index);
      const end = endTag === -1 ? length : endTag;
      output += html.slice(index, end);
      index = end;
    }
  }
  return output;
}
