// The folder list of a command connection (src/mail/connection/folderListCache.ts): listed once, its
// unread counts then kept current by each STATUS, and read again only where older than the caller allows.
import * as assert from 'node:assert/strict';
import type { ImapFlow, ListResponse } from 'imapflow';
import { FolderListCache, MAX_COUNTS_PER_REFRESH, staleCounts, withUnseen } from '../../../../src/mail/connection/folderListCache';
import type { InTurn } from '../../../../src/mail/connection/folderListCache';

function folder(path: string, unseen?: number): ListResponse {
  return {
    path,
    name: path,
    delimiter: '/',
    flags: new Set(unseen === undefined ? ['\\Noselect'] : []),
    listed: true,
    subscribed: true,
    ...(unseen === undefined ? {} : { status: { path, messages: 10, unseen } }),
  } as ListResponse;
}

/** A connection whose server counts `unseen` for each folder; it records the commands it is sent. */
function fakeClient(unseen: Map<string, number>): { client: ImapFlow; commands: string[] } {
  const commands: string[] = [];
  const client = {
    usable: true,
    list: async () => {
      commands.push('LIST');
      return [
        folder('INBOX', unseen.get('INBOX')),
        folder('Projects'),
        folder('Projects/Mailroom', unseen.get('Projects/Mailroom')),
        folder('Sent', unseen.get('Sent')),
      ];
    },
    status: async (path: string) => {
      commands.push(`STATUS ${path}`);
      const count = unseen.get(path);
      if (count === undefined) {
        throw new Error('Mailbox does not exist');
      }
      return { path, unseen: count };
    },
  };
  return { client: client as unknown as ImapFlow, commands };
}

/** Runs each task on `client` at once, as a connection with nothing else queued would. */
function inTurnOn(client: ImapFlow): InTurn {
  return (task) => task(client);
}

function unreadOf(list: readonly ListResponse[]): Record<string, number | undefined> {
  return Object.fromEntries(list.map((entry) => [entry.path, entry.status?.unseen]));
}

describe('the folder list cache', () => {
  it('staleCounts: the counted folders read before the cut-off, oldest first, at most the limit', () => {
    const list = [folder('INBOX', 1), folder('Parent'), folder('A', 0), folder('B', 2), folder('C', 3)];
    const countedAt = new Map([
      ['INBOX', 500],
      ['A', 100],
      ['B', 300],
      ['C', 50],
    ]);
    assert.deepEqual(staleCounts(list, countedAt, 400, 10), ['C', 'A', 'B'], 'a \\Noselect parent has no count to read');
    assert.deepEqual(staleCounts(list, countedAt, 400, 2), ['C', 'A']);
    assert.deepEqual(staleCounts(list, countedAt, 50, 10), []);
    assert.deepEqual(staleCounts(list, new Map(), 0, 10), ['INBOX', 'A', 'B', 'C'], 'a folder never counted is stale');
  });

  it('withUnseen: a new list with the one count changed, the old one untouched', () => {
    const list = [folder('INBOX', 1), folder('Sent', 0)];
    const changed = withUnseen(list, 'INBOX', 7);
    assert.deepEqual(unreadOf(changed), { INBOX: 7, Sent: 0 });
    assert.deepEqual(unreadOf(list), { INBOX: 1, Sent: 0 });
    assert.equal(changed[1], list[1]);
  });

  it('a STATUS (the badge’s) writes its count into the listed folders; a refresh reads only the counts older than asked', async () => {
    let now = 1_000;
    const cache = new FolderListCache(() => now);
    const server = new Map([
      ['INBOX', 22],
      ['Projects/Mailroom', 3],
      ['Sent', 0],
    ]);
    const { client, commands } = fakeClient(server);
    await cache.list(client);
    server.set('INBOX', 26);
    now = 2_000;
    assert.equal(await cache.countUnseen(client, 'INBOX'), 26);
    assert.deepEqual(unreadOf(cache.known(client) ?? []), { INBOX: 26, Projects: undefined, 'Projects/Mailroom': 3, Sent: 0 });

    server.set('Sent', 1);
    now = 16_500;
    const refreshed = await cache.refreshCounts(inTurnOn(client), 15_000);
    assert.deepEqual(unreadOf(refreshed), { INBOX: 26, Projects: undefined, 'Projects/Mailroom': 3, Sent: 1 });
    assert.deepEqual(commands, ['LIST', 'STATUS INBOX', 'STATUS Projects/Mailroom', 'STATUS Sent'], 'INBOX was counted 14.5 s ago: not again');
  });

  it('a folder Mailroom changed (markStale) is read again by the next refresh, however recent its count', async () => {
    let now = 0;
    const cache = new FolderListCache(() => now);
    const { client, commands } = fakeClient(
      new Map([
        ['INBOX', 1],
        ['Projects/Mailroom', 3],
        ['Sent', 0],
      ]),
    );
    await cache.list(client);
    now = 10;
    cache.markStale(client, ['Sent']);
    await cache.refreshCounts(inTurnOn(client), 60_000);
    assert.deepEqual(commands, ['LIST', 'STATUS Sent']);
  });

  it('a folder gone since the listing keeps its count and the others are still read; a connection gone fails the refresh', async () => {
    let now = 0;
    const cache = new FolderListCache(() => now);
    const server = new Map([
      ['INBOX', 2],
      ['Projects/Mailroom', 3],
      ['Sent', 0],
    ]);
    const { client } = fakeClient(server);
    await cache.list(client);
    server.delete('Projects/Mailroom');
    server.set('Sent', 4);
    now = 1;
    assert.deepEqual(unreadOf(await cache.refreshCounts(inTurnOn(client), 0)), { INBOX: 2, Projects: undefined, 'Projects/Mailroom': 3, Sent: 4 });
    (client as { usable: boolean }).usable = false;
    now = 2;
    await assert.rejects(cache.refreshCounts(inTurnOn(client), 0), /does not exist/);
  });

  it('a refresh before any listing lists; at most MAX_COUNTS_PER_REFRESH STATUS commands at once', async () => {
    const server = new Map<string, number>(Array.from({ length: MAX_COUNTS_PER_REFRESH + 10 }, (_, index) => [`F${index}`, index]));
    const commands: string[] = [];
    const client = {
      usable: true,
      list: async () => (commands.push('LIST'), [...server].map(([path, count]) => folder(path, count))),
      status: async (path: string) => (commands.push('STATUS'), { path, unseen: server.get(path) }),
    } as unknown as ImapFlow;
    let now = 0;
    const cache = new FolderListCache(() => now);
    await cache.refreshCounts(inTurnOn(client), 0);
    assert.deepEqual(commands, ['LIST']);
    now = 1;
    await cache.refreshCounts(inTurnOn(client), 0);
    assert.equal(commands.filter((command) => command === 'STATUS').length, MAX_COUNTS_PER_REFRESH);
  });
});
