// Writes messages straight into Dovecot Maildirs (much faster than IMAP APPEND or LMTP for big folders).
// File names follow Dovecot's `<time>.M<usec>P<pid>.<host>,S=<size>,W=<vsize>:2,<flags>` format. A folder
// that Dovecot has never synced gets a `dovecot-uidlist` too, so UIDs follow the order given here; in a
// folder Dovecot already knows, the new files are picked up (and numbered) on its next sync.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MaildirMessage {
  raw: Buffer;
  /** Becomes the IMAP INTERNALDATE (the file's mtime). */
  date: Date;
  /** IMAP system flags without the backslash: Seen, Answered, Flagged, Deleted, Draft. */
  flags?: readonly MaildirFlag[];
}

export type MaildirFlag = 'Seen' | 'Answered' | 'Flagged' | 'Deleted' | 'Draft';

export interface MailOwner {
  uid: number;
  gid: number;
}

const FLAG_LETTERS: Record<MaildirFlag, string> = { Draft: 'D', Flagged: 'F', Answered: 'R', Seen: 'S', Deleted: 'T' };
const BATCH_SIZE = 2000;
const HOST = 'mailroom-stack';

/** `INBOX` is the Maildir root; other folders are Maildir++ subfolders (`Archive/2024` → `.Archive.2024`). */
export function maildirOfFolder(home: string, folder: string): string {
  const root = path.join(home, 'Maildir');
  if (folder.toUpperCase() === 'INBOX') return root;
  if (!/^[\x20-\x7e]+$/.test(folder) || folder.includes('.') || folder.startsWith('/') || folder.endsWith('/')) {
    throw new Error(`unsupported folder name for direct Maildir writes: ${folder}`);
  }
  return path.join(root, `.${folder.split('/').join('.')}`);
}

function ensureMaildir(home: string, directory: string, owner: MailOwner): void {
  const root = path.join(home, 'Maildir');
  const created: string[] = [];
  for (const candidate of [home, root, directory, ...['cur', 'new', 'tmp'].map((sub) => path.join(directory, sub))]) {
    if (!fs.existsSync(candidate)) {
      fs.mkdirSync(candidate, { mode: 0o700 });
      created.push(candidate);
    }
  }
  if (directory !== root) {
    const marker = path.join(directory, 'maildirfolder');
    if (!fs.existsSync(marker)) {
      fs.writeFileSync(marker, '');
      created.push(marker);
    }
  }
  for (const entry of created) fs.chownSync(entry, owner.uid, owner.gid);
}

function fileName(message: MaildirMessage, sequence: number, content: Buffer): string {
  const seconds = Math.floor(message.date.getTime() / 1000);
  let lineFeeds = 0;
  for (const byte of content) if (byte === 0x0a) lineFeeds++;
  const base = `${seconds}.M${sequence}P${process.pid}.${HOST},S=${content.length},W=${content.length + lineFeeds}`;
  const letters = (message.flags ?? [])
    .map((flag) => FLAG_LETTERS[flag])
    .sort()
    .join('');
  return `${base}:2,${letters}`;
}

/** Dovecot stores messages with LF line endings; W= is then the size with CRLF line endings. */
function normalizeLineEndings(raw: Buffer): Buffer {
  return raw.includes('\r\n') ? Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : raw;
}

/** Synchronous calls are the fastest way to create many small files; callers yield between batches. */
function writeOne(curDirectory: string, full: string, content: Buffer, date: Date, owner: MailOwner): void {
  const descriptor = fs.openSync(path.join(curDirectory, full), 'wx', 0o600);
  try {
    fs.writeSync(descriptor, content);
    fs.fchownSync(descriptor, owner.uid, owner.gid);
    fs.futimesSync(descriptor, date, date);
  } finally {
    fs.closeSync(descriptor);
  }
}

let sequenceCounter = 0;

/**
 * Writes the messages into `folder` of the user whose home is `home`. Messages may be produced lazily
 * (an iterable), so 100,000 of them need not be in memory at once.
 */
export async function writeMaildirMessages(home: string, folder: string, messages: Iterable<MaildirMessage>, owner: MailOwner): Promise<number> {
  const directory = maildirOfFolder(home, folder);
  ensureMaildir(home, directory, owner);
  const curDirectory = path.join(directory, 'cur');
  const uidlistFile = path.join(directory, 'dovecot-uidlist');
  // Only a folder Dovecot has never indexed may get our uidlist (its UIDVALIDITY would otherwise change).
  const freshFolder =
    !fs.existsSync(uidlistFile) &&
    !fs.existsSync(path.join(directory, 'dovecot.index')) &&
    fs.readdirSync(curDirectory).length === 0 &&
    fs.readdirSync(path.join(directory, 'new')).length === 0;
  // The uidlist gets the full names (with `:2,<flags>`) and a mailbox GUID, so Dovecot keeps it as written.
  // Without the GUID Dovecot rewrites it with base names only; a fresh session then opens `cur/<base>`,
  // which does not exist, and rescans all of cur/ (100,000 entries) on the first message it reads.
  const fileNames: string[] = [];
  for (const message of messages) {
    const content = normalizeLineEndings(message.raw);
    const name = fileName(message, ++sequenceCounter, content);
    fileNames.push(name);
    writeOne(curDirectory, name, content, message.date, owner);
    // Let the servers in this process answer requests while a big folder is written.
    if (fileNames.length % BATCH_SIZE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (freshFolder && fileNames.length) {
    const uidValidity = Math.floor(Date.now() / 1000);
    const mailboxGuid = crypto.randomBytes(16).toString('hex');
    const lines = [`3 V${uidValidity} N${fileNames.length + 1} G${mailboxGuid}`, ...fileNames.map((name, index) => `${index + 1} :${name}`)];
    fs.writeFileSync(uidlistFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    fs.chownSync(uidlistFile, owner.uid, owner.gid);
  }
  // Make sure Dovecot notices the new files even within the same second as its last sync.
  const now = new Date();
  fs.utimesSync(curDirectory, now, now);
  return fileNames.length;
}
