// Each editor run gets its own folder, .test-output/editor/<name>-<pid>: several people and test layers
// share one checkout, and a run must never empty the folder of another that is still going. Folders
// left by finished processes of the same name are removed when the next one starts; the latest stays
// for reading its logs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testOutputDirectory } from './paths';

const EDITOR_RUNS = path.join(testOutputDirectory, 'editor');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function freshRunDirectory(name: string): string {
  fs.mkdirSync(EDITOR_RUNS, { recursive: true });
  for (const entry of fs.readdirSync(EDITOR_RUNS)) {
    const owner = entry.startsWith(`${name}-`) ? Number(entry.slice(name.length + 1)) : NaN;
    if (Number.isInteger(owner) && (owner === process.pid || !isRunning(owner))) {
      fs.rmSync(path.join(EDITOR_RUNS, entry), { recursive: true, force: true });
    }
  }
  const directory = path.join(EDITOR_RUNS, `${name}-${process.pid}`);
  fs.mkdirSync(directory, { recursive: true });
  return directory;
}
