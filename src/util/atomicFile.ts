import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

/**
 * Replaces `file` so that a reader sees the old content or the new, never half of it (a temporary
 * file beside it, then a rename over it). Each write has a temporary name of its own: two writes to
 * the same file at once cannot rename each other's, and the later rename wins.
 */
export async function writeFileAtomically(file: string, data: string, mode = 0o600): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, data, { encoding: 'utf8', mode });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
