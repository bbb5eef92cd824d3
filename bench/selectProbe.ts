// Where the ~70 ms of Mailroom's SELECT at 100k go (issue 12): the floor's EXAMINE costs Dovecot ~1 ms on
// the same folder. Opens the settled 100k folder in the ways a client may and prints Dovecot's own
// time for each command, median of 7 each. `npm run bench -- select` (under the heavy lock).
import * as fs from 'node:fs';
import { startStack } from '../test/stack';
import type { Stack } from '../test/stack';
import { StackMailAccounts } from '../test/support/stackAccounts';
import { benchFolderOf, benchFolderSizes, settleFolders } from './floor';
import { FloorClient } from './floorClient';
import { median } from './statistics';

const runs = 7;

/** Each way: set-up commands once per connection, then per run these commands ({f} is the folder, {page} the newest 50). */
const ways: { name: string; setup: string[]; cycle: string[] }[] = [
  { name: 'no CONDSTORE: EXAMINE, FETCH ENVELOPE, UNSELECT (the floor)', setup: [], cycle: ['EXAMINE {f}', 'FETCH {page} (ENVELOPE)', 'UNSELECT'] },
  { name: 'CONDSTORE: EXAMINE, FETCH ENVELOPE, UNSELECT', setup: ['ENABLE CONDSTORE'], cycle: ['EXAMINE {f}', 'FETCH {page} (ENVELOPE)', 'UNSELECT'] },
  {
    name: 'no CONDSTORE: SELECT, FETCH first screen, CLOSE',
    setup: [],
    cycle: ['SELECT {f}', 'FETCH {page} (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE)', 'CLOSE'],
  },
  {
    name: 'CONDSTORE: SELECT, FETCH first screen, CLOSE (Mailroom)',
    setup: ['ENABLE CONDSTORE'],
    cycle: ['SELECT {f}', 'FETCH {page} (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE)', 'CLOSE'],
  },
  { name: 'no CONDSTORE again: EXAMINE, FETCH ENVELOPE, UNSELECT', setup: [], cycle: ['EXAMINE {f}', 'FETCH {page} (ENVELOPE)', 'UNSELECT'] },
];

export async function runSelectProbe(): Promise<void> {
  const stack = await startStack();
  try {
    for (const size of benchFolderSizes) {
      await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(size), size);
    }
    const accounts = await StackMailAccounts.create(stack);
    const user = stack.users.find((candidate) => candidate.email === 'alice@mailroom.test');
    if (!user) {
      throw new Error('the stack has no alice');
    }
    const account = await accounts.signInAs(stack, user);
    const login = { user: user.email, accessToken: await accounts.getAccessToken(account.id, account.imap.host) };
    process.stdout.write(`settled after ${await settleFolders(stack, login, benchFolderSizes, 50)} passes\n`);
    for (const size of benchFolderSizes) {
      await probeFolder(login, stack, size);
    }
  } finally {
    await stack.stop();
  }
}

/** Every way of opening the folder of `size` messages; each command's timing per run at 100k, medians at every size. */
async function probeFolder(login: { user: string; accessToken: string }, stack: Stack, size: number): Promise<void> {
  const folder = `"${benchFolderOf(size)}"`;
  for (const way of ways) {
    const client = await FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
    for (const command of way.setup) {
      await client.timed(command);
    }
    const perCommand: number[][] = way.cycle.map(() => []);
    const lines: string[] = [];
    for (let run = 0; run < runs; run++) {
      const timings: string[] = [];
      for (const [index, template] of way.cycle.entries()) {
        const answer = await client.timed(template.replace('{f}', folder).replace('{page}', `${size - 49}:${size}`));
        perCommand[index]?.push(answer.serverMs);
        timings.push(answer.timing);
      }
      lines.push(`    run ${run + 1}: ${timings.join('  ')}`);
    }
    await client.logout();
    const medians = way.cycle.map((template, index) => `${template.split(' ')[0] ?? ''} ${median(perCommand[index] ?? [])} ms`).join(', ');
    process.stdout.write(`${size}: ${way.name}\n  medians: ${medians}\n${size === 100_000 ? `${lines.join('\n')}\n` : ''}`);
  }
}
