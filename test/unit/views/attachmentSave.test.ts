// [SEC-29] Save As through the product's own path: names from the message structure, the save
// dialog (a recorder that keeps the proposed name in the folder it "chose"), the size-capped
// download from a fake IMAP client, and real files in a temporary folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { AttachmentPart } from '../../../src/mail/message';
import { attachmentsFromStructure } from '../../../src/mail/message';
import type { MailSession } from '../../../src/mail/connection';
import type { MessageRef } from '../../../src/shared/protocol';
import { isMailroomError } from '../../../src/util/errors';
import type { AttachmentSaving } from '../../../src/views/attachmentSave';
import { fileDestination, saveAttachmentAs } from '../../../src/views/attachmentSave';

const ref: MessageRef = { accountId: 'test|alice', folder: 'INBOX', uid: 7 };

interface FakeDownload {
  /** Chunks the server sends, in order. */
  chunks: Buffer[];
  /** Fail the transfer after the chunks (a dropped connection). */
  failAfter?: boolean;
}

/** A session whose command connection has INBOX selected and answers one download. */
function sessionServing(download: FakeDownload): { session: MailSession; downloads: number } {
  const state = { downloads: 0, session: undefined as unknown as MailSession };
  const client = {
    mailbox: { path: ref.folder },
    download: async () => {
      state.downloads++;
      const content = new Readable({ read: () => undefined });
      setImmediate(() => {
        download.chunks.forEach((chunk) => content.push(chunk));
        if (download.failAfter) {
          content.destroy(new Error('connection reset by peer'));
        } else {
          content.push(null);
        }
      });
      return { content, meta: {} };
    },
  };
  state.session = { run: async <T>(task: (imap: typeof client) => Promise<T>) => task(client) } as unknown as MailSession;
  return state;
}

/** The save dialog as a person who picks `folder` and keeps the proposed name. */
function dialogChoosing(folder: string, proposed: string[]): AttachmentSaving<string> {
  return {
    chooseTarget: async (name) => {
      proposed.push(name);
      return path.join(folder, name);
    },
    open: fileDestination,
  };
}

function attachmentNamed(name: string, size: number): AttachmentPart {
  const [attachment] = attachmentsFromStructure({
    type: 'multipart/mixed',
    childNodes: [
      { type: 'text/plain', part: '1' },
      { type: 'application/octet-stream', part: '2', disposition: 'attachment', dispositionParameters: { filename: name }, size },
    ],
  });
  assert.ok(attachment, `no attachment listed for ${JSON.stringify(name)}`);
  return attachment;
}

/** Every file under `root`, relative to it. */
function filesUnder(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('saving attachments', function () {
  this.timeout(20_000);
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-save-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const hostileNames = [
    '../../.bashrc',
    '../escape.txt',
    '..\\..\\Windows\\System32\\evil.dll',
    '/etc/passwd',
    '/tmp/mailroom-escape.txt',
    'C:\\Users\\me\\AppData\\Roaming\\evil.exe',
    '\\\\server\\share\\evil.exe',
    '..',
    '.',
    '...',
    'invoice\u0000.pdf',
    'report\u202Efdp.exe',
    'a\u2066b\u2069.txt',
    'a\r\nb.txt',
    'CON',
    'con.txt',
    'nul',
    'LPT1.log',
    'COM¹.txt',
    'name:stream.txt',
    '   ',
    '\u200B',
    `${'a'.repeat(1000)}.pdf`,
    `${'é'.repeat(300)}.pdf`,
    `${'日本語'.repeat(100)}.docx`,
    'dir/../../x',
    '.hidden',
  ];

  it('[SEC-29] hostile names land as one file directly inside the folder chosen in the dialog, nowhere else', async () => {
    const content = Buffer.from('attachment bytes');
    for (const [index, name] of hostileNames.entries()) {
      const chosen = path.join(root, `chosen-${index}`);
      fs.mkdirSync(chosen);
      const proposed: string[] = [];
      const { session } = sessionServing({ chunks: [content] });
      const target = await saveAttachmentAs(session, ref, attachmentNamed(name, content.length), dialogChoosing(chosen, proposed));
      assert.equal(proposed.length, 1);
      const [proposedName] = proposed;
      assert.equal(target, path.join(chosen, proposedName));
      assert.deepEqual(fs.readdirSync(chosen), [proposedName], `${JSON.stringify(name)} → ${JSON.stringify(proposedName)}`);
      assert.equal(path.dirname(path.resolve(chosen, proposedName)), chosen, `${JSON.stringify(proposedName)} escapes the folder`);
      assert.ok(
        Buffer.byteLength(proposedName) <= 180 && !/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i.test(proposedName),
        JSON.stringify(proposedName),
      );
      // eslint-disable-next-line no-control-regex -- asserting that no control or bidi character is left
      assert.doesNotMatch(proposedName, /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
      assert.deepEqual(fs.readFileSync(target ?? ''), content);
    }
    // Nothing anywhere else under the temporary root: one file per chosen folder.
    assert.equal(filesUnder(root).length, hostileNames.length);
    assert.equal(fs.existsSync('/tmp/mailroom-escape.txt'), false);
  });

  it('[SEC-29] a cancelled dialog downloads and writes nothing', async () => {
    const served = sessionServing({ chunks: [Buffer.from('x')] });
    const target = await saveAttachmentAs(served.session, ref, attachmentNamed('a.txt', 1), { chooseTarget: async () => undefined, open: fileDestination });
    assert.equal(target, undefined);
    assert.equal(served.downloads, 0);
    assert.deepEqual(filesUnder(root), []);
  });

  it('[SEC-29] an attachment declared larger than the cap is refused before anything is downloaded or left on disk', async () => {
    const served = sessionServing({ chunks: [Buffer.alloc(10)] });
    await assert.rejects(saveAttachmentAs(served.session, ref, attachmentNamed('big.iso', 4096), dialogChoosing(root, []), 1024), (error: unknown) =>
      isMailroomError(error, 'MessageTooLarge'),
    );
    assert.equal(served.downloads, 0);
    assert.deepEqual(filesUnder(root), []);
  });

  it('[SEC-29] a download that grows past the cap (the structure understated it) stops and removes the partial file', async () => {
    const served = sessionServing({ chunks: Array.from({ length: 8 }, () => Buffer.alloc(512, 1)) });
    await assert.rejects(saveAttachmentAs(served.session, ref, attachmentNamed('liar.bin', 100), dialogChoosing(root, []), 1024), (error: unknown) =>
      isMailroomError(error, 'MessageTooLarge'),
    );
    assert.equal(served.downloads, 1);
    assert.deepEqual(filesUnder(root), []);
  });

  it('a failed download removes the partial file', async () => {
    const served = sessionServing({ chunks: [Buffer.alloc(4096, 1), Buffer.alloc(4096, 2)], failAfter: true });
    await assert.rejects(saveAttachmentAs(served.session, ref, attachmentNamed('dropped.bin', 100_000), dialogChoosing(root, [])), /connection reset/);
    assert.equal(served.downloads, 1);
    assert.deepEqual(filesUnder(root), []);
  });

  it('a failed download leaves a file the person chose to replace as it was', async () => {
    fs.writeFileSync(path.join(root, 'report.pdf'), 'the old report');
    const served = sessionServing({ chunks: [Buffer.alloc(4096, 1)], failAfter: true });
    await assert.rejects(saveAttachmentAs(served.session, ref, attachmentNamed('report.pdf', 100_000), dialogChoosing(root, [])), /connection reset/);
    assert.deepEqual(filesUnder(root), ['report.pdf']);
    assert.equal(fs.readFileSync(path.join(root, 'report.pdf'), 'utf8'), 'the old report');
  });

  it('a complete download replaces the chosen file and leaves no temporary file', async () => {
    fs.writeFileSync(path.join(root, 'report.pdf'), 'the old report');
    const served = sessionServing({ chunks: [Buffer.from('the new '), Buffer.from('report')] });
    await saveAttachmentAs(served.session, ref, attachmentNamed('report.pdf', 14), dialogChoosing(root, []));
    assert.deepEqual(filesUnder(root), ['report.pdf']);
    assert.equal(fs.readFileSync(path.join(root, 'report.pdf'), 'utf8'), 'the new report');
  });
});
