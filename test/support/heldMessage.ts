// A mail session that holds one message, for tests of what reads a message whole (Apply Patch…,
// Reply to Patch) without a server: its source comes as IMAP would give it, cut at the fetch's limit.
import type { MailSession } from '../../src/mail/connection';

/** A session whose folder holds `source` as UID 7 (of `size` bytes on the server: a fetch may give less). */
export function sessionHolding(source: Buffer, size = source.length): MailSession {
  const client = {
    mailbox: { path: 'INBOX' },
    fetchOne: async (_uid: string, query: { source: { maxLength: number } }) => ({ uid: 7, size, source: source.subarray(0, query.source.maxLength) }),
  };
  // This window holds the connections: relayed operations run here.
  return {
    account: { id: 'a' },
    run: async (work: (imap: unknown) => Promise<unknown>) => work(client),
    relayed: async (_name: string, _args: unknown[], local: () => Promise<unknown>) => local(),
  } as unknown as MailSession;
}

/** A mail of `headers` that says what it carries and attaches `file` as `name` (base64), as a mail client attaches a patch file. */
export function mailAttaching(headers: readonly string[], name: string, type: string, file: Buffer): Buffer {
  return Buffer.from(
    [
      ...headers,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="part"',
      '',
      '--part',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The fix is attached.',
      '--part',
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      file.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--part--',
      '',
    ].join('\r\n'),
  );
}
