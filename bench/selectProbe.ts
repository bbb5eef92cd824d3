// Where the ~70 ms of Mailroom's SELECT at 100k go (issue 12): the floor's EXAMINE costs Dovecot ~1 ms on
// the same folder. Opens the settled 100k folder in the ways a client may and prints Dovecot's own
// time for the opening command, median of 7 each. Run: node out/bench/selectProbe.js (under the heavy lock).
import * as fs from 'node:fs';
import { startStack } from '../test/stack';
import { StackMailAccounts } from '../test/support/stackAccounts';
import { benchFolderOf, settleFolders } from './floor';
import { FloorClient } from './floorClient';
import { median } from './statistics';

const size = 100_000;
const runs = 7;

/** Each way: set-up commands once per connection, then per run the opening command and what follows it. */
const ways: { name: string; setup: string[]; open: string; after: string[] }[] = [
  { name: 'EXAMINE, FETCH, UNSELECT (the floor)', setup: ['ENABLE CONDSTORE'], open: 'EXAMINE', after: ['FETCH', 'UNSELECT'] },
  { name: 'SELECT, FETCH, UNSELECT', setup: ['ENABLE CONDSTORE'], open: 'SELECT', after: ['FETCH', 'UNSELECT'] },
  { name: 'SELECT, FETCH, CLOSE (the bench switch)', setup: ['ENABLE CONDSTORE'], open: 'SELECT', after: ['FETCH', 'CLOSE'] },
  { name: 'EXAMINE, FETCH, CLOSE', setup: ['ENABLE CONDSTORE'], open: 'EXAMINE', after: ['FETCH', 'CLOSE'] },
  { name: 'QRESYNC; SELECT (CONDSTORE), FETCH, UNSELECT', setup: ['ENABLE CONDSTORE QRESYNC'], open: 'SELECT', after: ['FETCH', 'UNSELECT'] },
  { name: 'SELECT, FETCH, UNSELECT again', setup: ['ENABLE CONDSTORE'], open: 'SELECT', after: ['FETCH', 'UNSELECT'] },
];

async function main(): Promise<void> {
  const stack = await startStack();
  try {
    await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(size), size);
    const accounts = await StackMailAccounts.create(stack);
    const user = stack.users.find((candidate) => candidate.email === 'alice@mailroom.test');
    if (!user) {
      throw new Error('the stack has no alice');
    }
    const account = await accounts.signInAs(stack, user);
    const login = { user: user.email, accessToken: await accounts.getAccessToken(account.id, account.imap.host) };
    process.stdout.write(`settled after ${await settleFolders(stack, login, [size], 50)} passes\n`);
    const folder = `"${benchFolderOf(size)}"`;
    for (const way of ways) {
      const client = await FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
      for (const command of way.setup) {
        await client.serverMsOf(command);
      }
      const opening: number[] = [];
      const following: number[] = [];
      for (let run = 0; run < runs; run++) {
        const parameter = way.setup[0]?.includes('QRESYNC') && way.open === 'SELECT' ? ' (CONDSTORE)' : '';
        opening.push(await client.serverMsOf(`${way.open} ${folder}${parameter}`));
        let after = 0;
        for (const command of way.after) {
          after += await client.serverMsOf(command === 'FETCH' ? `FETCH ${size - 49}:${size} (UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE)` : command);
        }
        following.push(after);
      }
      await client.logout();
      process.stdout.write(`${way.name.padEnd(48)} open ${median(opening)} ms (all: ${opening.join(' ')}), then ${median(following)} ms\n`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
