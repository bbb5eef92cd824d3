// The malformed-MIME fixtures (one per class, under fixtures/mime) and what an independent parser,
// Python's email package, reads in them: the words of subjects and text parts, and the parts that are
// not text. Used by the unit test (parsed source) and the stack test (Dovecot's structure) [SEC-29b].
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MessageView } from '../../src/shared/protocol';

export const mimeFixtureDirectory = path.resolve(__dirname, '..', '..', '..', 'test', 'support', 'fixtures', 'mime');

export const mimeFixtureClasses = [
  'whole-message-rfc822.eml',
  'digest.eml',
  'bounce-report.eml',
  'text-unknown-subtype.eml',
  'text-without-subtype.eml',
  'octet-stream-unnamed.eml',
  'boundary-missing.eml',
  'boundary-not-found.eml',
  'mixed-html-and-texts.eml',
  'header-without-blank-line.eml',
  'part-header-without-blank-line.eml',
];

export interface IndependentReading {
  words: string[];
  attachments: { type: string; filename: string | null }[];
}

export function readFixture(name: string): Buffer {
  return fs.readFileSync(path.join(mimeFixtureDirectory, name));
}

/** Runs fixtures/mime/expected_words.py (python3) over every fixture. */
export function independentReading(): Record<string, IndependentReading> {
  const output = execFileSync('python3', [path.join(mimeFixtureDirectory, 'expected_words.py'), mimeFixtureDirectory], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(output) as Record<string, IndependentReading>;
}

/** Every word the reader shows for this view: subject, body (the HTML where there is one, else the text), attachment names. */
function shownWords(view: MessageView): Set<string> {
  const shown = [view.subject, view.html ?? view.text, ...view.attachments.map((attachment) => attachment.filename)].join('\n');
  return new Set([...shown.matchAll(/\p{L}{4,}/gu)].map((match) => match[0].toLowerCase()));
}

/** What the independent parser found that this view neither shows nor lists (empty when all is there). */
export function notShown(view: MessageView, expected: IndependentReading): { words: string[]; parts: string[] } {
  const shown = shownWords(view);
  const words = [...new Set(expected.words.map((word) => word.toLowerCase()))].filter((word) => !shown.has(word));
  const parts = expected.attachments
    .filter(
      (part) =>
        !view.attachments.some((attachment) => attachment.contentType === part.type && (part.filename === null || attachment.filename === part.filename)),
    )
    .map((part) => `${part.type} ${part.filename ?? '(no name)'}`);
  return { words, parts };
}
