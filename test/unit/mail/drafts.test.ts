import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DraftsFolder } from '../../../src/mail/drafts';
import { DraftStore } from '../../../src/mail/drafts';
import type { OutgoingMessage } from '../../../src/mail/outgoing';
import { MailroomError } from '../../../src/util/errors';
import { testLogger } from '../../support/logging';

const quiet = testLogger();

const message: OutgoingMessage = {
  from: { name: 'Zoë', address: 'alice@mailroom.test' },
  to: [{ address: 'bob@mailroom.test' }],
  cc: [],
  bcc: [{ address: 'carol@mailroom.test' }],
  subject: 'Grüße: src/a.ts:L1-L2',
  text: 'note',
  html: '<p>note</p>',
  attachments: [{ filename: 'a.bin', content: new Uint8Array([0, 255, 7]) }],
  inReplyTo: '<x@y>',
  references: ['<x@y>'],
};

class RecordingFolder implements DraftsFolder {
  public readonly saved: { accountId: string; messageId: string; raw: Buffer }[] = [];
  public readonly removed: string[] = [];
  public reachable = true;

  public async save(accountId: string, messageId: string, raw: Buffer): Promise<void> {
    if (!this.reachable) {
      throw new Error('IMAP is offline');
    }
    this.saved.push({ accountId, messageId, raw });
  }

  public async remove(_accountId: string, messageId: string): Promise<void> {
    this.removed.push(messageId);
  }
}

describe('draft store', () => {
  let directory: string;

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'mailroom-drafts-')), 'drafts');
  });

  afterEach(async () => {
    await rm(join(directory, '..'), { recursive: true, force: true });
  });

  it('keeps a failed message on disk with the reason, and it survives a reload (a new store on the same folder)', async () => {
    const store = new DraftStore(directory, quiet);
    const kept = await store.keep('acc-1', message, {
      messageId: '<m1@mailroom.test>',
      failure: new MailroomError('ConnectionFailed', 'Could not reach smtp'),
    });
    assert.equal(kept.savedToServer, false);
    const reloaded = await new DraftStore(directory, quiet).list();
    assert.equal(reloaded.length, 1);
    assert.deepEqual(reloaded[0].message, message);
    assert.deepEqual(reloaded[0].failure, { code: 'ConnectionFailed', message: 'Could not reach smtp' });
    assert.equal(reloaded[0].messageId, '<m1@mailroom.test>');
  });

  it('also stores the draft in the Drafts folder when IMAP is reachable, with Bcc and the same Message-ID', async () => {
    const folder = new RecordingFolder();
    const kept = await new DraftStore(directory, quiet, folder).keep('acc-1', message, { messageId: '<m2@mailroom.test>' });
    assert.equal(kept.savedToServer, true);
    assert.equal(folder.saved.length, 1);
    const raw = folder.saved[0].raw.toString('utf8');
    assert.match(raw, /^Message-ID: <m2@mailroom\.test>/im);
    assert.match(raw, /^Bcc: carol@mailroom\.test/im);
    assert.equal((await new DraftStore(directory, quiet).get(kept.id))?.savedToServer, true);
  });

  it('keeps the local draft when the Drafts folder cannot be reached', async () => {
    const folder = new RecordingFolder();
    folder.reachable = false;
    const kept = await new DraftStore(directory, quiet, folder).keep('acc-1', message, { messageId: '<m3@mailroom.test>' });
    assert.equal(kept.savedToServer, false);
    assert.equal((await new DraftStore(directory, quiet).list()).length, 1);
  });

  it('updates a retried draft in place and discards it (and its server copy) once sent', async () => {
    const folder = new RecordingFolder();
    const store = new DraftStore(directory, quiet, folder);
    const first = await store.keep('acc-1', message, { messageId: '<m4@mailroom.test>', failure: new Error('down') });
    const second = await store.keep(
      'acc-1',
      { ...message, subject: 'edited' },
      { messageId: '<m4@mailroom.test>', failure: new Error('down again'), existingId: first.id },
    );
    assert.equal(second.id, first.id);
    const all = await store.list();
    assert.equal(all.length, 1);
    assert.equal(all[0].message.subject, 'edited');
    await store.discard(all[0]);
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(folder.removed, ['<m4@mailroom.test>']);
    assert.deepEqual(
      (await readdir(directory)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('writes nothing but the message: no token-shaped field, file readable by the user only', async () => {
    const kept = await new DraftStore(directory, quiet).keep('acc-1', message, { messageId: '<m5@mailroom.test>' });
    const text = await readFile(join(directory, `${kept.id}.json`), 'utf8');
    assert.doesNotMatch(text, /token|secret|password/i);
    if (process.platform !== 'win32') {
      const { stat } = await import('node:fs/promises');
      assert.equal((await stat(join(directory, `${kept.id}.json`))).mode & 0o077, 0);
    }
  });

  it('autosaves locally only, without an IMAP round trip', async () => {
    const folder = new RecordingFolder();
    const kept = await new DraftStore(directory, quiet, folder).keep('acc-1', message, { messageId: '<m9@mailroom.test>', localOnly: true });
    assert.equal(kept.savedToServer, false);
    assert.deepEqual(folder.saved, []);
    assert.equal((await new DraftStore(directory, quiet).list()).length, 1);
  });

  it('tells listeners when a draft is kept or discarded', async () => {
    const store = new DraftStore(directory, quiet);
    let changes = 0;
    const subscription = store.onDidChange(() => (changes += 1));
    const kept = await store.keep('acc-1', message, { messageId: '<m7@mailroom.test>' });
    await store.discard(kept);
    subscription.dispose();
    await store.keep('acc-1', message, { messageId: '<m8@mailroom.test>' });
    assert.equal(changes, 2);
  });

  it('skips files that are not drafts and ids that could escape the folder', async () => {
    const store = new DraftStore(directory, quiet);
    await store.keep('acc-1', message, { messageId: '<m6@mailroom.test>' });
    assert.equal(await store.get('../../etc/passwd'), undefined);
    assert.equal((await store.list()).length, 1);
  });
});
