// Several windows, one mailbox (issue 13): real processes, each a MailLayer whose sessions join the same
// window group (src/windows), against the stack's Dovecot. Connections are counted by Dovecot itself.
import * as assert from 'node:assert/strict';
import { eventually, WindowProcess } from '../../support/windowProcesses';
import { alice, windowSuite } from './windowSuite';

function plainMessage(subject: string): string {
  return [
    'From: Bob <bob@mailroom.test>',
    `To: ${alice}`,
    `Subject: ${subject}`,
    `Message-ID: <${Date.now()}.${Math.random()}@mailroom.test>`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}.`,
    '',
  ].join('\r\n');
}

describe('Several windows share one IMAP session per account (real processes, Dovecot)', function () {
  this.timeout(120_000);
  const suite = windowSuite();

  async function openWindows(count: number): Promise<WindowProcess[]> {
    for (let index = 0; index < count; index++) {
      suite.windows.push(await WindowProcess.start(suite.setup));
    }
    await Promise.all(suite.windows.map((window) => eventually(async () => (await window.role()).settled, 10_000, 'the window joined its group')));
    return suite.windows;
  }

  /** 'answered', or the code of the error the request failed with. */
  function outcomeOf(request: Promise<unknown>): Promise<string | undefined> {
    return request.then(
      () => 'answered',
      (error: Error & { code?: string }) => error.code,
    );
  }

  async function leaderOf(group: readonly WindowProcess[]): Promise<WindowProcess[]> {
    const roles = await Promise.all(group.map(async (window) => ({ window, role: await window.role() })));
    return roles.filter(({ role }) => role.leading).map(({ window }) => window);
  }

  /** Every window shows INBOX (watched) and pages through it and opens messages at once. */
  async function busyWindows(group: readonly WindowProcess[]): Promise<void> {
    await Promise.all(group.map((window) => window.ask({ command: 'watch', folder: 'INBOX' })));
    const uids = await group[0].ask<number[]>({ command: 'newest', folder: 'INBOX', count: 10 });
    await Promise.all(
      group.flatMap((window) => [
        window.ask({ command: 'page', folder: 'INBOX', start: 0, count: 20 }),
        window.ask({ command: 'page', folder: 'INBOX', start: 20, count: 20 }),
        ...uids.slice(0, 3).map((uid) => window.ask({ command: 'message', folder: 'INBOX', uid })),
      ]),
    );
  }

  it('[SEC-31] four windows: one leader, at most two connections for the account at Dovecot, followers ask for no token', async () => {
    const group = await openWindows(4);
    assert.equal((await leaderOf(group)).length, 1);
    const samples: number[] = [];
    let busy = true;
    const work = busyWindows(group).finally(() => (busy = false));
    while (busy) {
      samples.push(await suite.connectionsOfAlice());
    }
    await work;
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 5_000, 'the IDLE and command connections open');
    samples.push(await suite.connectionsOfAlice());
    assert.ok(Math.max(...samples) <= 2, `more than two connections: ${samples.join(' ')}`);
    // Positive control: the count sees both of the leader's connections.
    assert.equal(samples.at(-1), 2);
    const [leader] = await leaderOf(group);
    for (const window of group.filter((candidate) => candidate !== leader)) {
      assert.equal(await window.ask({ command: 'tokenRequests' }), 0, 'a follower asked for a token');
    }
    assert.ok((await leader.ask<number>({ command: 'tokenRequests' })) > 0);
  });

  it('control: four windows that do not cooperate open eight connections and announce new mail four times', async () => {
    suite.setup = { ...suite.setup, alone: true };
    const group = await openWindows(4);
    await busyWindows(group);
    await eventually(async () => (await suite.connectionsOfAlice()) === 8, 10_000, 'two connections per window');
    await suite.stack.deliver(alice, plainMessage('For each window alone'));
    const announced = (window: WindowProcess): boolean => window.folderChanges.some((report) => report.change.kind === 'exists' && report.announces);
    await eventually(() => group.every(announced), 5_000, 'every window announces');
  });

  it('new mail: every window hears of it within a second, exactly one announces it, and it is the focused one', async () => {
    const group = await openWindows(3);
    await busyWindows(group);
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 10_000, 'IDLE is on');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [leader] = await leaderOf(group);
    const focused = group.find((window) => window !== leader) ?? leader;
    await focused.ask({ command: 'focus', focused: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const delivered = Date.now();
    await suite.stack.deliver(alice, plainMessage('For every window'));
    const exists = (window: WindowProcess): boolean => window.folderChanges.some((report) => report.change.kind === 'exists');
    await eventually(() => group.every(exists), 3_000, 'every window heard of the new mail');
    const heardWithinMs = Date.now() - delivered;
    const announcing = group.filter((window) => window.folderChanges.some((report) => report.change.kind === 'exists' && report.announces));
    assert.deepEqual(
      announcing.map((window) => window.window),
      [focused.window],
    );
    assert.ok(heardWithinMs < 1_500, `heard after ${heardWithinMs} ms`);
  });

  it('kill -9 of the leader while a follower waits on it: the request fails with a retryable error, a new leader is elected and serves', async () => {
    const group = await openWindows(3);
    await busyWindows(group);
    const [leader] = await leaderOf(group);
    const followers = group.filter((window) => window !== leader);
    // Frozen first, so the follower's request is surely in flight when the leader dies.
    leader.signal('SIGSTOP');
    const inFlight = outcomeOf(followers[0].ask({ command: 'page', folder: 'INBOX', start: 0, count: 50 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killed = Date.now();
    leader.signal('SIGKILL');
    assert.equal(await inFlight, 'NetworkError');
    suite.windows = suite.windows.filter((window) => window !== leader);
    const electedAfterMs = await eventually(async () => (await leaderOf(followers)).length === 1, 5_000, 'a new leader');
    const pages = await followers[1].ask<number[]>({ command: 'page', folder: 'INBOX', start: 0, count: 20 });
    assert.equal(pages.length, 20);
    assert.ok(Date.now() - killed < 10_000);
    assert.ok(electedAfterMs < 3_000, `new leader after ${electedAfterMs} ms`);
    await followers[0].ask({ command: 'watch', folder: 'INBOX' });
    await eventually(async () => (await suite.connectionsOfAlice()) <= 2, 10_000, 'the dead leader’s connections gone');
  });

  it('a frozen leader (alive, silent): its followers give up on it once its lease is stale, elect another, and it steps down when it wakes', async () => {
    const group = await openWindows(3);
    await busyWindows(group);
    const [leader] = await leaderOf(group);
    const followers = group.filter((window) => window !== leader);
    leader.signal('SIGSTOP');
    const stopped = Date.now();
    const waiting = await outcomeOf(followers[0].ask({ command: 'page', folder: 'INBOX', start: 0, count: 50 }));
    assert.equal(waiting, 'NetworkError');
    const failedAfterMs = Date.now() - stopped;
    await eventually(async () => (await leaderOf(followers)).length === 1, 5_000, 'a new leader');
    assert.ok(failedAfterMs < 8_000, `the waiting request failed after ${failedAfterMs} ms`);
    // The other follower may still be leaving the frozen leader: its request then fails the same way, and a retry is served.
    const page = (): Promise<number[]> => followers[1].ask<number[]>({ command: 'page', folder: 'INBOX', start: 0, count: 20 });
    assert.equal((await page().catch((error: Error & { code?: string }) => (error.code === 'NetworkError' ? page() : Promise.reject(error)))).length, 20);
    leader.signal('SIGCONT');
    await eventually(async () => !(await leader.role()).leading, 5_000, 'the old leader stepped down');
    assert.equal((await leaderOf(group)).length, 1);
    await Promise.all(group.map((window) => window.ask({ command: 'watch', folder: 'INBOX' })));
    await eventually(async () => (await suite.connectionsOfAlice()) <= 2, 10_000, 'the old leader closed its connections');
  });

  it('a window opened later joins within two seconds; closing the leader hands over at once', async () => {
    const group = await openWindows(2);
    const started = Date.now();
    suite.windows.push(await WindowProcess.start(suite.setup));
    await eventually(async () => (await suite.windows[2].role()).settled, 2_000, 'the late window joined');
    assert.ok(Date.now() - started < 2_000);
    const [leader] = await leaderOf(group);
    await leader.stop();
    suite.windows = suite.windows.filter((window) => window !== leader);
    const handedOverMs = await eventually(async () => (await leaderOf(suite.windows)).length === 1, 3_000, 'a new leader');
    assert.ok(handedOverMs < 1_500, `handed over after ${handedOverMs} ms`);
  });

  it('sign-out seen by every window (SecretStorage): the leader closes the account’s connections', async () => {
    const group = await openWindows(3);
    await busyWindows(group);
    await eventually(async () => (await suite.connectionsOfAlice()) === 2, 5_000, 'connections open');
    await Promise.all(group.map((window) => window.ask({ command: 'removeAccount' })));
    await eventually(async () => (await suite.connectionsOfAlice()) === 0, 2_000, 'every connection closed');
  });
});
