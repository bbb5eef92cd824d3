// Where the time of Mailroom's folder opening at 100k goes (issue 12): the floor's EXAMINE + FETCH costs
// Dovecot ~1 ms each on the same folder. Opens the settled folders in the ways a client may and prints
// Dovecot's own time for each command, median of 7 each. `npm run bench -- select` (under the heavy lock).
import * as fs from 'node:fs';
import { startStack } from '../test/stack';
import type { Stack } from '../test/stack';
import { benchFolderOf, benchFolderSizes, settleFolders, signInAlice } from './floor';
import { FloorClient } from './floorClient';
import { median } from './statistics';

const runs = 7;

/** Each way: set-up commands once per connection, then per run these commands ({f} is the folder, {page} the newest 50). */
interface Way {
  name: string;
  setup: string[];
  cycle: string[];
}

/** Open with `open`, FETCH `items` of the newest page, leave with `leave`; CONDSTORE enabled first if asked. */
function way(condstore: boolean, open: string, items: string, leave: string, note = ''): Way {
  return {
    name: `${condstore ? 'CONDSTORE' : 'no CONDSTORE'}: ${open}, FETCH (${items}), ${leave}${note ? ` (${note})` : ''}`,
    setup: condstore ? ['ENABLE CONDSTORE'] : [],
    cycle: [`${open} {f}`, `FETCH {page} (${items})`, leave],
  };
}

const firstScreenBefore = 'UID FLAGS ENVELOPE INTERNALDATE RFC822.SIZE';

/**
 * Measured (issue 12): CONDSTORE costs nothing here (ENVELOPE MODSEQ, MODSEQ: 1 ms at 100k); RFC822.SIZE
 * alone costs ~46 ms at 100k (4 ms at 10k) on every open, with or without CONDSTORE: Dovecot takes a
 * Maildir's size from the file name and reads the whole dovecot-uidlist for it. The first fetch of
 * INTERNALDATE on the seeded folder costs as much once, and EXAMINEs after it in the same session too.
 */
const ways: Way[] = [
  way(false, 'EXAMINE', 'ENVELOPE', 'UNSELECT', 'the floor'),
  way(true, 'EXAMINE', 'ENVELOPE', 'UNSELECT'),
  way(true, 'EXAMINE', 'INTERNALDATE', 'UNSELECT', 'before any read-write session fetched it'),
  way(true, 'EXAMINE', 'UID FLAGS ENVELOPE INTERNALDATE MODSEQ', 'CLOSE', 'Mailroom now'),
  way(false, 'SELECT', firstScreenBefore, 'CLOSE'),
  way(true, 'SELECT', firstScreenBefore, 'CLOSE'),
  way(true, 'EXAMINE', `${firstScreenBefore} MODSEQ`, 'CLOSE', 'Mailroom before, as imapflow sends it'),
  way(true, 'EXAMINE', firstScreenBefore, 'CLOSE'),
  way(true, 'EXAMINE', 'ENVELOPE MODSEQ', 'UNSELECT'),
  way(true, 'EXAMINE', 'MODSEQ', 'UNSELECT'),
  way(false, 'EXAMINE', firstScreenBefore, 'CLOSE'),
  way(true, 'EXAMINE', 'FLAGS', 'UNSELECT'),
  way(true, 'EXAMINE', 'INTERNALDATE', 'UNSELECT', 'after read-write sessions fetched it'),
  way(true, 'EXAMINE', 'RFC822.SIZE', 'UNSELECT'),
  way(true, 'EXAMINE', 'UID', 'UNSELECT'),
  way(false, 'EXAMINE', 'ENVELOPE', 'UNSELECT', 'again'),
];

export async function runSelectProbe(): Promise<void> {
  const stack = await startStack();
  try {
    for (const size of benchFolderSizes) {
      await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(size), size);
    }
    const { login } = await signInAlice(stack);
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
