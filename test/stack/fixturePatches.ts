// The demo's code-by-mail material: the file the demo workspace starts with (committed in a Git
// repository there), and a patch series against it in alice's INBOX, as git send-email sends one:
// a cover letter, then [PATCH n/m] mails threaded under it, text/plain, applying with git am.
import type { FixtureMessage } from './fixtureMailbox';
import type { Mailbox } from './mimeBuilder';

export const DEMO_SOURCE_FILE = 'greet.ts';

export const DEMO_SOURCE = `// Select a few lines, right-click, and choose "Send Selection as Mail…".
export function greet(name: string): string {
  return \`Hello, \${name}!\`;
}

export function fibonacci(count: number): number[] {
  const numbers = [0, 1];
  while (numbers.length < count) {
    numbers.push(numbers[numbers.length - 1] + numbers[numbers.length - 2]);
  }
  return numbers.slice(0, count);
}
`;

export const PATCH_SERIES_COVER_SUBJECT = '[PATCH 0/2] greet.ts: trim names, guard fibonacci';

const PATCHES: { subject: string; message: string; stat: string; diff: string }[] = [
  {
    subject: '[PATCH 1/2] greet: trim the name before greeting',
    message: 'A name read from a form often ends with a space or a newline, which\nended up inside the greeting.',
    stat: ' greet.ts | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)',
    diff: [
      'diff --git a/greet.ts b/greet.ts',
      '--- a/greet.ts',
      '+++ b/greet.ts',
      '@@ -1,4 +1,4 @@',
      ' // Select a few lines, right-click, and choose "Send Selection as Mail…".',
      ' export function greet(name: string): string {',
      '-  return `Hello, ${name}!`;',
      '+  return `Hello, ${name.trim()}!`;',
      ' }',
    ].join('\n'),
  },
  {
    subject: '[PATCH 2/2] fibonacci: return nothing for a count below one',
    message: 'fibonacci(0) returned [0] because slice(0, 0) came after the seed values\nwere pushed; return early instead.',
    stat: ' greet.ts | 3 +++\n 1 file changed, 3 insertions(+)',
    diff: [
      'diff --git a/greet.ts b/greet.ts',
      '--- a/greet.ts',
      '+++ b/greet.ts',
      '@@ -6,3 +6,6 @@ export function greet(name: string): string {',
      ' export function fibonacci(count: number): number[] {',
      '+  if (count < 1) {',
      '+    return [];',
      '+  }',
      '   const numbers = [0, 1];',
      '   while (numbers.length < count) {',
    ].join('\n'),
  },
];

/** The cover letter and the patches, threaded under the cover letter, `date` apart by a minute each. */
export function patchSeriesMessages(from: Mailbox, to: Mailbox, date: Date, nextId: (kind: string) => string): FixtureMessage[] {
  const coverId = nextId('patch');
  const at = (minutes: number): Date => new Date(date.getTime() + minutes * 60_000);
  const cover: FixtureMessage = {
    folder: 'INBOX',
    flags: [],
    spec: {
      from,
      to: [to],
      subject: PATCH_SERIES_COVER_SUBJECT,
      date,
      messageId: coverId,
      text: `Two small fixes to the demo's greet.ts; apply them with Apply Series… on any part.\n\n${from.name} (2):\n${PATCHES.map((patch) => `  ${patch.subject.replace(/^\[[^\]]*\] /, '')}`).join('\n')}\n\n greet.ts | 5 ++++-\n 1 file changed, 4 insertions(+), 1 deletion(-)\n\n-- \n2.39.5\n`,
    },
  };
  const parts = PATCHES.map((patch, index): FixtureMessage => ({
    folder: 'INBOX',
    flags: [],
    spec: {
      from,
      to: [to],
      subject: patch.subject,
      date: at(index + 1),
      messageId: nextId('patch'),
      inReplyTo: coverId,
      references: [coverId],
      text: `${patch.message}\n\nSigned-off-by: ${from.name} <${from.address}>\n---\n${patch.stat}\n\n${patch.diff}\n-- \n2.39.5\n`,
    },
  }));
  return [cover, ...parts];
}
