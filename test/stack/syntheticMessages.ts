// Cheap, deterministic filler messages for very large folders (benchmarks, virtual scrolling tests).
import type { MaildirMessage } from './maildirWriter';

const SENDERS = [
  'Ada Lovelace <ada@example.org>',
  'Grace Hopper <grace@example.net>',
  'Linus Builder <ci@build.example.com>',
  'Ken Thompson <ken@example.edu>',
];
const TOPICS = ['Build report', 'Weekly sync notes', 'Invoice', 'Code review request', 'Deployment finished', 'Question about the API'];

/**
 * Yields `count` messages to `recipient`, oldest first, one minute apart, ending `count` minutes before
 * `end`. Every three make a conversation (the second and third reply by References), so a folder shown
 * as conversations has threads to build.
 */
export function* syntheticMessages(recipient: string, count: number, end: Date = new Date()): Generator<MaildirMessage> {
  const start = end.getTime() - count * 60_000;
  for (let index = 0; index < count; index++) {
    const date = new Date(start + index * 60_000);
    const sender = SENDERS[index % SENDERS.length];
    const subject = `${TOPICS[index % TOPICS.length]} #${index + 1}`;
    const raw = [
      `From: ${sender}`,
      `To: ${recipient}`,
      `Subject: ${subject}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <bulk-${index + 1}@bulk.mailroom.test>`,
      ...replyHeaders(index),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Message ${index + 1} of ${count}.`,
      'This folder exists to test how the inbox copes with a very large number of messages.',
      '',
    ].join('\n');
    yield { raw: Buffer.from(raw, 'utf8'), date, flags: index % 3 === 0 ? [] : ['Seen'] };
  }
}

/** The second and third message of each three reply to the ones before them in it. */
function replyHeaders(index: number): string[] {
  const position = index % 3;
  if (position === 0) {
    return [];
  }
  const earlier = Array.from({ length: position }, (_, offset) => `<bulk-${index - position + offset + 1}@bulk.mailroom.test>`);
  return [`In-Reply-To: ${earlier[earlier.length - 1] ?? ''}`, `References: ${earlier.join(' ')}`];
}
