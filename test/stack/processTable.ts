// Looks processes up in /proc (Linux): used to stop every process of a Dovecot instance and to prove in
// tests that none is left behind.
import * as fs from 'node:fs';

/** True while the process exists and is not a zombie (a zombie has ended but was not yet reaped). */
export function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Running processes whose command line (arguments joined by NUL) satisfies `matches`. */
export function findProcesses(matches: (commandLine: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string;
    try {
      commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    if (matches(commandLine) && isRunning(Number(entry))) found.push(Number(entry));
  }
  return found;
}
