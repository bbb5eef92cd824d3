// SecretStorage as several extension hosts share it, standing in for the editor's: one value per key,
// each write whole (atomic rename), readable by every process that opens the same folder.
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SecretStorageLike } from '../../../src/auth/tokenStore';
import { writeFileAtomically } from '../../../src/util/atomicFile';
import { Emitter } from '../../../src/util/event';

export class FileSecretStorage implements SecretStorageLike {
  private readonly changed = new Emitter<{ key: string }>();
  /** Fires for this process's own writes only, like a window that hears no other window. */
  public readonly onDidChange = this.changed.event;

  public constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  private fileOf(key: string): string {
    return path.join(this.directory, createHash('sha256').update(key).digest('hex'));
  }

  public async get(key: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  public async store(key: string, value: string): Promise<void> {
    await writeFileAtomically(this.fileOf(key), value);
    this.changed.fire({ key });
  }

  public async delete(key: string): Promise<void> {
    await fs.rm(this.fileOf(key), { force: true });
    this.changed.fire({ key });
  }
}
