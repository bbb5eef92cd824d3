// What a send that shows no outcome leaves behind, gathered so that its failure explains itself: what the
// submission server received and did with it, whether the message reached Sent, Dovecot's log, the
// notifications on screen, and the extension's own log (and the Git extension's, for a patch send).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';

const TAIL_LINES = 40;

function tail(text: string, lines = TAIL_LINES): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** The newest log file the extension host wrote for this extension (`mailroom.mailroom/Mailroom.log`, `vscode.git/Git.log`). */
function extensionLog(workbench: Workbench, extension: string, file: string): string {
  const logs = path.join(workbench.server.directory, 'user-data', 'logs');
  const sessions = fs.existsSync(logs) ? fs.readdirSync(logs).sort().reverse() : [];
  for (const session of sessions) {
    const candidate = path.join(logs, session, 'exthost1', extension, file);
    if (fs.existsSync(candidate)) {
      return tail(fs.readFileSync(candidate, 'utf8'));
    }
  }
  return `(no ${extension}/${file} under ${logs})`;
}

async function section(title: string, read: () => Promise<string> | string): Promise<string> {
  let body: string;
  try {
    body = await read();
  } catch (error) {
    body = `(could not read: ${String(error)})`;
  }
  return `--- ${title}\n${body.trim() || '(empty)'}`;
}

/** Everything that says where a send of the message with `subject` (from alice) stopped. */
export async function describeSend(workbench: Workbench, subject: string): Promise<string> {
  const { stack, page } = workbench;
  const alice = stack?.users[0]?.email ?? '';
  // One after the other: the notification center is opened only once the toasts on screen are read.
  const readers: [string, () => Promise<string> | string][] = [
    [
      'submissions the SMTP server accepted (from → to: subject)',
      () =>
        (stack?.submissions ?? [])
          .map((submission) => `${submission.from} → ${submission.to.join(', ')}: ${/^Subject: (.*)$/m.exec(submission.raw.toString('utf8'))?.[1] ?? '?'}`)
          .join('\n'),
    ],
    ['the submission server, step by step', () => tail(stack?.submissionLog() ?? '')],
    [
      `doveadm search of alice's Sent for "${subject}"`,
      async () => (await stack?.doveadm(['search', '-u', alice, 'mailbox', 'Sent', 'subject', subject])) ?? '',
    ],
    [
      `doveadm search of alice's INBOX for "${subject}"`,
      async () => (await stack?.doveadm(['search', '-u', alice, 'mailbox', 'INBOX', 'subject', subject])) ?? '',
    ],
    ['Dovecot log', () => tail(stack?.dovecotLog() ?? '')],
    ['notifications on screen', async () => (await toastTexts(page.locator('.notification-toast'))).join('\n')],
    ['notifications in the notification center (toasted or not)', () => notificationCenterTexts(workbench)],
    ['Mailroom log', () => extensionLog(workbench, 'mailroom.mailroom', 'Mailroom.log')],
    ['Git extension log', () => tail(extensionLog(workbench, 'vscode.git', 'Git.log'), 15)],
  ];
  const sections: string[] = [];
  for (const [title, read] of readers) {
    sections.push(await section(title, read));
  }
  return sections.join('\n');
}

async function toastTexts(toasts: Locator): Promise<string[]> {
  return (await toasts.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/**
 * The notification center lists every notification that is still open, also one the workbench drew no
 * toast for, or whose toast has timed out.
 */
async function notificationCenterTexts(workbench: Workbench): Promise<string> {
  await workbench.dismiss();
  await workbench.runCommand('Notifications: Show Notifications');
  const items = workbench.page.locator('.notifications-center .notification-list-item');
  await workbench.page.locator('.notifications-center').waitFor({ timeout: 5_000 });
  return (await toastTexts(items)).join('\n');
}

/**
 * Waits for the toast that reports `text`. A toast, not only a place in the notification center: the
 * workbench once drew none for "Sent the patch." in 3 runs of 4, because it was the 4th notification in
 * 800 ms (after "Applying…", "Applied 2 commits." and "Sending…") and the workbench's spam guard gives the
 * 4th no toast; Mailroom now paces its notifications (src/ui/notificationPacing.ts).
 */
export async function waitForNotification(workbench: Workbench, text: string, timeout: number): Promise<void> {
  await workbench.notification(text).waitFor({ timeout });
}

/** {@link waitForNotification} for a send's outcome; when none comes, the error says where the send of `subject` stopped ({@link describeSend}), the notification center included. */
export async function waitForSendOutcome(workbench: Workbench, text: string, subject: string, timeout: number): Promise<void> {
  try {
    await waitForNotification(workbench, text, timeout);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n\nWhere the send of "${subject}" stopped:\n${await describeSend(workbench, subject)}`, { cause: error });
  }
}
