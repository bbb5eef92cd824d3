// `npm run demo`: the local stack with the demo mailbox, and VS Code (code-server) with the packaged
// Mailroom installed and pointed at that stack. Runs until Ctrl-C, then stops everything it started.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack } from '../stack';
import { DEMO_SOURCE, DEMO_SOURCE_FILE } from '../stack/fixturePatches';
import { startCodeServer } from './codeServer';
import { stackEnvironment, stackSettings, summarizeStack } from './stackSummary';

/**
 * A snippet mail about greet.ts in Mailroom's format (issue 15, part 3): the first block is greet.ts as it is, so
 * Open in Workspace lands on its lines; the second is an older fibonacci, so Compare with Workspace shows the change.
 */
function snippetMail(to: string): string {
  const lines = DEMO_SOURCE.split('\n');
  const olderFibonacci = lines.slice(5, 11).join('\n').replace('while (numbers.length < count)', 'for (let i = 2; i < count; i++)');
  return [
    'From: Bob Example <bob@mailroom.test>',
    `To: Alice Example <${to}>`,
    'Subject: greet.ts:L2-L4',
    'Message-ID: <demo-snippet@mailroom.test>',
    'Date: Sun, 06 Dec 2026 09:30:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Two things in greet.ts:',
    '',
    'greet.ts, lines 2–4 (typescript):',
    '',
    '```typescript',
    ...lines.slice(1, 4),
    '```',
    '',
    'And greet.ts#L6-L11 as I remember it:',
    '',
    '```ts',
    olderFibonacci,
    '```',
    '',
  ].join('\r\n');
}

async function main(): Promise<void> {
  const vsix = process.argv[2];
  if (!vsix || !fs.existsSync(vsix)) {
    throw new Error('usage: node out/test/editor/demo.js <path to mailroom.vsix> (npm run demo builds it)');
  }
  const port = Number(process.env.MAILROOM_DEMO_PORT ?? 8080);

  const stack = await startStack({ seed: 'fixture' });
  const summary = summarizeStack(stack);
  let editor: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  const stopAll = async (): Promise<void> => {
    await editor?.stop();
    await stack.stop();
  };
  try {
    editor = await startCodeServer({
      name: 'demo',
      port,
      installExtensions: [vsix],
      env: stackEnvironment(summary),
      settings: {
        ...stackSettings(summary),
        // In a browser-based editor the URI-handler redirect goes through the issuer's forwarding page.
        'mailroom.oidc.redirectUri': summary.forwarderUrl,
        'workbench.colorTheme': 'Default Dark Modern',
      },
      startTimeoutMs: 60_000,
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  // A Git repository with greet.ts committed: the demo mailbox's patch series applies to it (Apply Series…),
  // and its commits can go out with Send Commits as Patches….
  const workspace = editor.workspaceDirectory;
  fs.writeFileSync(path.join(workspace, DEMO_SOURCE_FILE), DEMO_SOURCE);
  const git = (...args: string[]): void =>
    void execFileSync('git', ['-c', 'user.name=Alice Example', '-c', 'user.email=alice@mailroom.test', ...args], { cwd: workspace, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'Start the demo workspace');
  await stack.deliver(summary.users[0].email, snippetMail(summary.users[0].email));

  const lines = [
    '',
    'Mailroom demo is running.',
    '',
    `  VS Code:         ${editor.workbenchUrl({ folder: editor.workspaceDirectory })}`,
    `  Identity issuer: ${summary.issuer}  (its certificate comes from the test CA ${summary.caFile};`,
    '                   trust that CA in your browser, or accept the warning once)',
    `  IMAP / SMTP:     127.0.0.1:${summary.imap.port} / 127.0.0.1:${summary.smtp.port} (TLS, OAuth only)`,
    '',
    '  Sign in: open the Mail icon in the activity bar (Mailroom starts when it is first needed), then its',
    '           Sign In button or the Accounts menu (person icon, bottom left) → "Sign in with Mailroom (OpenID Connect)".',
    '           Continue in Browser, let the editor open the issuer\'s page ("Open"), and sign in there as',
    ...summary.users.map((user) => `           ${user.username} / ${user.password}   (${user.email})`),
    '  alice has the demo mailbox; mail sent to her arrives live.',
    '',
    'Press Ctrl-C to stop the editor and the mail servers.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write('\nStopping…\n');
    stopAll().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
