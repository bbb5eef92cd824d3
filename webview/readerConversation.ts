// The other messages of a conversation, above the message the reader shows: each one collapsed to
// its sender, date and first words until opened, and its quoted lines (">") folded inside it.
import type { ConversationEntry } from '../src/shared/protocol';
import { element } from './dom';
import { textBody } from './readerLinks';
import { t } from './strings';

type OpenLink = (url: string) => void;

/** A text cut into runs of quoted lines (starting with ">") and the lines between them, in order. */
export function quoteBlocks(text: string): { quoted: boolean; text: string }[] {
  const blocks: { quoted: boolean; lines: string[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const quoted = /^\s*>/.test(line);
    const last = blocks[blocks.length - 1];
    if (last && last.quoted === quoted) {
      last.lines.push(line);
    } else {
      blocks.push({ quoted, lines: [line] });
    }
  }
  return blocks.map(({ quoted, lines }) => ({ quoted, text: lines.join('\n') })).filter((block) => block.text.trim() !== '');
}

/** The message's own words in full, what it quotes folded under a summary. */
function foldedText(text: string, open: OpenLink): HTMLElement {
  const body = element('div', { className: 'conversation-text' });
  for (const block of quoteBlocks(text)) {
    if (block.quoted) {
      const quote = element('details', { className: 'quoted' });
      quote.append(element('summary', { text: t('quotedText') }), textBody(block.text, open));
      body.append(quote);
    } else {
      body.append(textBody(block.text.replace(/^\n+|\n+$/g, ''), open));
    }
  }
  return body;
}

/** The first words of the message's own text (not what it quotes), for the collapsed line. */
function firstWords(text: string): string {
  const own = quoteBlocks(text).find((block) => !block.quoted)?.text ?? '';
  return own.replace(/\s+/g, ' ').trim().slice(0, 120);
}

export function conversationSection(others: readonly ConversationEntry[], open: OpenLink): HTMLElement {
  const section = element('section', { className: 'conversation', attributes: { 'aria-label': t('conversationOthers', others.length) } });
  for (const entry of others) {
    const details = element('details', { className: entry.sent ? 'conversation-entry sent' : 'conversation-entry' });
    const summary = element('summary');
    summary.append(
      element('span', { className: 'entry-from', text: entry.sent ? t('conversationMe') : entry.from }),
      element('span', { className: 'entry-date', text: entry.date === undefined ? '' : new Date(entry.date).toLocaleString() }),
      element('span', { className: 'entry-words', text: firstWords(entry.text) }),
    );
    details.append(summary);
    // Filled when first opened: most of a long thread is never read again.
    details.addEventListener('toggle', () => {
      if (details.open && !details.querySelector('.conversation-text')) {
        details.append(foldedText(entry.text, open));
      }
    });
    section.append(details);
  }
  return section;
}
