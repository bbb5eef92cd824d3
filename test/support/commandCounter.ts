import type { ImapFlow } from 'imapflow';
import type { MailSession } from '../../src/mail/connection';

type Exec = (command: string, ...rest: unknown[]) => Promise<unknown>;

/** Sends each IMAP command on: `send()` runs it. */
export type CommandInterceptor = (command: string, attributes: unknown, send: () => Promise<unknown>) => Promise<unknown>;

/** Runs `task` with every IMAP command it sends passing through `intercept` (imapflow's `exec` is the one place every command passes). */
export async function interceptCommands<T>(session: MailSession, task: () => Promise<T>, intercept: CommandInterceptor): Promise<T> {
  let client: (ImapFlow & { exec: Exec }) | undefined;
  let original: Exec | undefined;
  await session.run(async (connected) => {
    client = connected as typeof client;
    if (client) {
      original = client.exec.bind(client);
      const forward = original;
      client.exec = (command: string, ...rest: unknown[]): Promise<unknown> => intercept(command, rest[0], () => forward(command, ...rest));
    }
  });
  try {
    return await task();
  } finally {
    if (client && original) {
      client.exec = original;
    }
  }
}

/** Records the IMAP commands a task sends; `observe` sees each with its attributes (a FETCH's items, say). */
export async function countCommands<T>(
  session: MailSession,
  task: () => Promise<T>,
  observe?: (command: string, attributes: unknown) => void,
): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  const result = await interceptCommands(session, task, (command, attributes, send) => {
    commands.push(command);
    observe?.(command, attributes);
    return send();
  });
  return { result, commands };
}
