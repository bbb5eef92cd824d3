// Stacks whose Node process was killed before stop() leave their temporary directory behind (their
// Dovecot dies with the process, see dovecot.ts). Each stack records its owner's PID, so later starts
// can remove directories whose owner is gone, without touching stacks that are still running.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STACK_DIRECTORY_PREFIX = 'mailroom-stack-';
const OWNER_FILE = 'owner.pid';

export function recordOwner(directory: string): void {
  fs.writeFileSync(path.join(directory, OWNER_FILE), String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes stack directories under `base` whose owning process no longer runs; returns their paths. */
export function removeStaleStacks(base: string): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(base);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.startsWith(STACK_DIRECTORY_PREFIX)) continue;
    const directory = path.join(base, entry);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(directory, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours to judge: no owner recorded, or not readable
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !isAlive(owner)) {
      fs.rmSync(directory, { recursive: true, force: true });
      removed.push(directory);
    }
  }
  return removed;
}
