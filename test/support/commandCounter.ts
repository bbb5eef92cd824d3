import type { ImapFlow } from 'imapflow';
import type { MailSession } from '../../src/mail/connection';

type Exec = (command: string, ...rest: unknown[]) => Promise<unknown>;

/** Records the IMAP commands a task sends (imapflow's `exec` is the one place every command passes). */
export async function countCommands<T>(session: MailSession, task: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  let client: (ImapFlow & { exec: Exec }) | undefined;
  let original: Exec | undefined;
  await session.run(async (connected) => {
    client = connected as typeof client;
    if (client) {
      original = client.exec.bind(client);
      const forward = original;
      client.exec = (command: string, ...rest: unknown[]): Promise<unknown> => {
        commands.push(command);
        return forward(command, ...rest);
      };
    }
  });
  try {
    return { result: await task(), commands };
  } finally {
    if (client && original) {
      client.exec = original;
    }
  }
}
