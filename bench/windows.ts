// The several-windows benchmark (issue 13): windows as real processes (test/support/windowProcess.ts) joining
// one window group against the local stack. Counts the account's IMAP connections at Dovecot with 1, 2 and
// 4 windows (and without the group, for comparison), and the latency a follower adds to a folder page and
// to opening a message over the leader's local socket. Writes bench/results/windows.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack } from '../test/stack';
import type { Stack } from '../test/stack';
import { StackMailAccounts } from '../test/support/stackAccounts';
import type { WindowSetup } from '../test/support/windowProcess';
import { eventually, WindowProcess } from '../test/support/windowProcesses';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const resultsFile = path.join(repositoryRoot, 'bench', 'results', 'windows.json');
const alice = 'alice@mailroom.test';
const rounds = 8;
const runsPerRound = 5;

export type WindowsBenchmark = Record<string, number | string[]>;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

async function connectionsOf(stack: Stack, email: string): Promise<number> {
  const lines = (await stack.doveadm(['who', '-1', email])).split('\n');
  return lines.filter((line) => line.includes(email) && /\bimap\b/.test(line)).length;
}

/** Opens `count` windows, has each show INBOX, page through it and open messages; the most connections Dovecot saw. */
async function connectionsWith(stack: Stack, setup: WindowSetup, count: number): Promise<number> {
  const windows: WindowProcess[] = [];
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-windows-'));
  try {
    for (let index = 0; index < count; index++) {
      windows.push(await WindowProcess.start({ ...setup, directory }));
    }
    await Promise.all(windows.map((window) => eventually(async () => (await window.role()).settled, 10_000, 'joined')));
    await Promise.all(windows.map((window) => window.ask({ command: 'watch', folder: 'INBOX' })));
    const uids = await windows[0].ask<number[]>({ command: 'newest', folder: 'INBOX', count: 5 });
    let most = 0;
    let busy = true;
    const work = Promise.all(
      windows.flatMap((window) => [
        window.ask({ command: 'page', folder: 'INBOX', start: 0, count: 50 }),
        ...uids.map((uid) => window.ask({ command: 'message', folder: 'INBOX', uid })),
      ]),
    ).finally(() => (busy = false));
    while (busy) {
      most = Math.max(most, await connectionsOf(stack, alice));
    }
    await work;
    // IDLE settles on its folder a moment after the last command.
    for (let sample = 0; sample < 10; sample++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      most = Math.max(most, await connectionsOf(stack, alice));
    }
    return most;
  } finally {
    await Promise.all(windows.map((window) => window.stop()));
    fs.rmSync(directory, { recursive: true, force: true });
    await eventually(async () => (await connectionsOf(stack, alice)) === 0, 10_000, 'connections closed');
  }
}

/** Median milliseconds of a folder page and of opening a message, in the leader and in a follower. */
async function latencies(setup: WindowSetup): Promise<Record<string, number>> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-windows-'));
  const windows: WindowProcess[] = [];
  try {
    windows.push(await WindowProcess.start({ ...setup, directory }));
    await eventually(async () => (await windows[0].role()).leading, 10_000, 'the first window leads');
    windows.push(await WindowProcess.start({ ...setup, directory }));
    await eventually(async () => (await windows[1].role()).settled, 10_000, 'the second window follows');
    const [leader, follower] = windows;
    const [uid] = await leader.ask<number[]>({ command: 'newest', folder: 'INBOX', count: 1 });
    // Leader and follower take turns, a few runs each, so load from elsewhere on the machine falls on both alike.
    const times: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const what of ['page', 'message', 'folders'] as const) {
        for (const [role, window] of [
          ['leader', leader],
          ['follower', follower],
        ] as const) {
          const key = `${what}.${role}`;
          times[key] = [...(times[key] ?? []), ...(await window.ask<number[]>({ command: 'time', what, folder: 'INBOX', uid, times: runsPerRound }))];
        }
      }
    }
    const result: Record<string, number> = {};
    for (const [what, name] of [
      ['page', 'folderPage'],
      ['message', 'openMessage'],
      ['folders', 'relayOnly'],
    ] as const) {
      const leaderMs = median(times[`${what}.leader`] ?? []);
      const followerMs = median(times[`${what}.follower`] ?? []);
      Object.assign(result, {
        [`${name}.leaderMs`]: round2(leaderMs),
        [`${name}.followerMs`]: round2(followerMs),
        [`${name}.addedMs`]: round2(followerMs - leaderMs),
      });
    }
    return result;
  } finally {
    await Promise.all(windows.map((window) => window.stop()));
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Milliseconds until a window opened beside a leader has joined, and until a new leader serves after kill -9 of the old one. */
async function handOvers(setup: WindowSetup): Promise<Record<string, number>> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-windows-'));
  const windows: WindowProcess[] = [];
  try {
    windows.push(await WindowProcess.start({ ...setup, directory }));
    await eventually(async () => (await windows[0].role()).leading, 10_000, 'the first window leads');
    const opening = Date.now();
    windows.push(await WindowProcess.start({ ...setup, directory }));
    await eventually(async () => (await windows[1].role()).settled, 10_000, 'the second window follows');
    const joinMs = Date.now() - opening;
    windows.push(await WindowProcess.start({ ...setup, directory }));
    await eventually(async () => (await windows[2].role()).settled, 10_000, 'the third window follows');
    await windows[1].ask({ command: 'page', folder: 'INBOX', start: 0, count: 10 });
    const killed = Date.now();
    windows[0].signal('SIGKILL');
    const rest = windows.slice(1);
    await eventually(async () => (await Promise.all(rest.map((window) => window.role()))).some((role) => role.leading), 10_000, 'a new leader');
    const electedMs = Date.now() - killed;
    await rest[1].ask({ command: 'page', folder: 'INBOX', start: 0, count: 10 });
    return { 'join.ms': joinMs, 'killedLeader.newLeaderMs': electedMs, 'killedLeader.servedAgainMs': Date.now() - killed };
  } finally {
    await Promise.all(windows.map((window) => window.stop()));
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export async function runWindowsBenchmark(): Promise<WindowsBenchmark> {
  const stack = await startStack({ seed: 'fixture' });
  try {
    const accounts = await StackMailAccounts.create(stack);
    const account = await accounts.signInByEmail(stack, alice);
    const setup: WindowSetup = { directory: '', account, accessToken: await accounts.getAccessToken(account.id, account.imap.host), caFile: stack.caFile };
    const result: WindowsBenchmark = {};
    for (const count of [1, 2, 4]) {
      result[`connections.${count}windows`] = await connectionsWith(stack, setup, count);
      result[`connections.${count}windowsAlone`] = await connectionsWith(stack, { ...setup, alone: true }, count);
    }
    Object.assign(result, await latencies(setup), await handOvers(setup));
    result['meta.notes'] = [
      'connections: the most IMAP connections of the account Dovecot listed (doveadm who) while every window showed INBOX, paged it and opened messages',
      '…Alone: the same windows without the window group (each its own connections, as before issue 13)',
      'join.ms: from starting a window process beside a leader to its first answered request; killedLeader: from kill -9 of the leader to a new leader, and to a follower served again (includes reopening the connection)',
      `latency: median of ${rounds * runsPerRound} runs (leader and follower taking turns, ${runsPerRound} at a time after a warm-up); a folder page is 50 rows (loadRows), a message is loadMessage, relayOnly is the folder list the connection already knows (no IMAP round trip: the relay's own cost); follower = relayed over the leader's local socket`,
    ];
    return result;
  } finally {
    await stack.stop();
  }
}

const targets: Record<string, string> = {
  'connections.1windows': '≤ 2',
  'connections.2windows': '≤ 2',
  'connections.4windows': '≤ 2',
  'folderPage.addedMs': '< 10',
  'openMessage.addedMs': '< 10',
  'relayOnly.addedMs': '< 10',
  'join.ms': '≤ 2000',
  'killedLeader.newLeaderMs': 'a few seconds',
};

export function writeWindowsResults(result: WindowsBenchmark): string {
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  const rows = Object.entries(result)
    .filter(([key]) => !key.startsWith('meta.'))
    .map(([key, value]) => `${key.padEnd(28)} ${String(value).padStart(8)}   ${targets[key] ?? ''}`);
  const notes = result['meta.notes'];
  return [
    `${'windows'.padEnd(28)} ${'value'.padStart(8)}   target`,
    ...rows,
    '',
    ...(Array.isArray(notes) ? notes.map((note) => `- ${note}`) : []),
    '',
    `written to ${path.relative(repositoryRoot, resultsFile)}`,
  ].join('\n');
}
