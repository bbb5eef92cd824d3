// `npm run bench -- examine`: which of Mailroom's commands makes Dovecot's later EXAMINEs of a settled
// benchmark folder slow (issue 12). Replays Mailroom's commands one step at a time with the floor client
// and, after each step, times EXAMINE + FETCH ENVELOPE + UNSELECT in the same session and in the next
// one, with what Dovecot's index says and which files a slow EXAMINE touches (strace).
//
// Measured (Dovecot 2.3.19, Maildir, mailbox_list_index = yes, 100,000 messages): a slow EXAMINE
// (45-60 ms, the floor's 1 ms) reads the whole 6 MB dovecot-uidlist. It happens to every EXAMINE of
// a session that has listed folders (LIST, with or without STATUS), or that has written Dovecot's
// cache (a FETCH of an item not cached yet: INTERNALDATE, BODYSTRUCTURE, BODY.PEEK[1] on messages
// nobody read before): both open the mailbox list index in the session's process, whose status
// update after each mailbox sync asks the open Maildir for its GUID, and Maildir reads it from the
// uidlist. Once Mailroom's items are cached (two sessions and a read-write SELECT), its FETCHes
// write nothing and later EXAMINEs stay at 1 ms; the first EXAMINE of each new session stays slow
// (~55-64 ms), also after a read-write SELECT, `doveadm force-resync` and `doveadm index`.
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startStack } from '../test/stack';
import type { Stack } from '../test/stack';
import { benchFolderOf, settleFolders, signInAlice } from './floor';
import { FloorClient } from './floorClient';

interface Step {
  name: string;
  /** Sent with the folder open ({page}: the newest 50 by sequence, {uids}: their UIDs). */
  commands: string[];
  /** Open the folder read-write for the step, as a SELECT does. */
  select?: boolean;
  /** Sent right after ENABLE CONDSTORE, before anything is opened (as a session's set-up). */
  setup?: string[];
  /** Run with doveadm before the step's sessions (an index pass a seeding could add). */
  doveadm?: string[];
  /** Wait before the step's sessions (Dovecot rescans a Maildir's cur/ changed within the last second). */
  pauseMs?: number;
}

const firstScreen = 'FETCH {page} (UID FLAGS ENVELOPE INTERNALDATE MODSEQ)';
const details = 'UID FETCH {uids} (UID BODYSTRUCTURE BODY.PEEK[1]<0.400> MODSEQ)';

/** Cumulative: each step leaves Dovecot's files as the next one finds them. */
const steps: Step[] = [
  { name: 'control: nothing', commands: [] },
  { name: 'set-up: LIST "" "*" (no STATUS)', commands: [], setup: ['LIST "" "*"'] },
  { name: 'control: nothing, after a LIST session', commands: [] },
  { name: "Mailroom's first screen + details, first time on these messages", commands: [firstScreen, details] },
  { name: 'control: nothing, after it', commands: [] },
  { name: "Mailroom's first screen + details, second time (answered from the cache?)", commands: [firstScreen, details] },
  { name: 'read-write SELECT + CLOSE', commands: [], select: true },
  { name: 'control: nothing, after a read-write session', commands: [] },
  { name: "Mailroom's first screen + details, third time", commands: [firstScreen, details] },
  { name: 'control: nothing, at the end', commands: [] },
  { name: 'control: nothing, after doveadm force-resync', commands: [], doveadm: ['force-resync', '-u', 'alice@mailroom.test', '{folder}'] },
  { name: 'control: nothing, after doveadm index', commands: [], doveadm: ['index', '-u', 'alice@mailroom.test', '{folder}'] },
  {
    name: 'a flag change: STORE +FLAGS then -FLAGS (\\Flagged) on the page, read-write',
    commands: ['STORE {page} +FLAGS.SILENT (\\Flagged)', 'STORE {page} -FLAGS.SILENT (\\Flagged)'],
    select: true,
  },
  { name: 'control: nothing, 2 s after the flag change', commands: [], pauseMs: 2000 },
  {
    name: 'set-up: LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN)), at the end',
    commands: [],
    setup: ['LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))'],
  },
];

const cycles = 3;

/** `strace -p` on every imap process of the stack while `task` runs: syscalls per kind and per file touched. */
async function traced<T>(stack: Stack, task: () => Promise<T>): Promise<{ result: T; summary: string }> {
  const imapProcesses = stack.dovecotProcessIds().filter((pid) => {
    try {
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return /\/imap\b/.test(title) && !title.includes('imap-login');
    } catch {
      return false;
    }
  });
  const output = path.join(os.tmpdir(), `examine-probe-${process.pid}.strace`);
  const tracer = childProcess.spawn('strace', ['-f', '-y', '-o', output, ...imapProcesses.flatMap((pid) => ['-p', String(pid)])], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const result = await task();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const ended = new Promise((resolve) => tracer.once('exit', resolve));
  tracer.kill('SIGINT');
  await ended;
  const summary = summarizeTrace(fs.readFileSync(output, 'utf8'));
  fs.rmSync(output, { force: true });
  return { result, summary: `imap pids ${imapProcesses.join(',')}\n${summary}` };
}

/** Counts per syscall, and per file (message files in cur/ counted together) with the bytes read. */
function summarizeTrace(text: string): string {
  const perCall = new Map<string, number>();
  const perFile = new Map<string, { calls: number; bytes: number }>();
  for (const line of text.split('\n')) {
    const match = /^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (!match) continue;
    const [, call = '', args = '', returned = '0'] = match;
    perCall.set(call, (perCall.get(call) ?? 0) + 1);
    const file = /<([^>]+)>/.exec(args)?.[1] ?? /"([^"]+)"/.exec(args)?.[1];
    if (!file || file.startsWith('TCP') || file.startsWith('UNIX') || file.startsWith('pipe') || file.startsWith('socket')) continue;
    const key = file.replace(/\/cur\/[^/]+$/, '/cur/<message>').replace(/^.*\/Maildir\//, '');
    const entry = perFile.get(`${call} ${key}`) ?? { calls: 0, bytes: 0 };
    entry.calls++;
    if (/^(read|pread64)$/.test(call)) entry.bytes += Math.max(0, Number(returned));
    perFile.set(`${call} ${key}`, entry);
  }
  const calls = [...perCall].sort((a, b) => b[1] - a[1]).map(([call, count]) => `${call} ${count}`);
  const files = [...perFile]
    .sort((a, b) => b[1].calls - a[1].calls)
    .slice(0, 25)
    .map(([key, { calls: count, bytes }]) => `    ${key}: ${count}${bytes ? ` (${bytes} bytes)` : ''}`);
  return `  syscalls: ${calls.join(', ')}\n  per file:\n${files.join('\n')}`;
}

/** What Dovecot's files say: the cache's field decisions, the maildir header of the index, the files' sizes. */
async function indexState(stack: Stack, maildir: string): Promise<string> {
  const lines: string[] = [];
  for (const name of ['dovecot-uidlist', 'dovecot.index', 'dovecot.index.log', 'dovecot.index.cache', 'cur']) {
    const file = path.join(maildir, name);
    if (fs.existsSync(file)) {
      const stat = fs.statSync(file);
      lines.push(`  ${name}: ${stat.size} bytes, mtime ${stat.mtime.toISOString()}`);
    }
  }
  for (const name of ['dovecot.index']) {
    const file = path.join(maildir, name);
    if (!fs.existsSync(file)) continue;
    const dump = await stack.doveadm(['dump', file]).catch((error: unknown) => String(error));
    const interesting = dump
      .split('\n')
      .filter((line) => /maildir|uidlist|cur_|new_|log_file|messages_count|log_offset/.test(line))
      .slice(0, 20);
    lines.push(`  doveadm dump ${name}:\n${interesting.map((line) => `    ${line}`).join('\n')}`);
  }
  return lines.join('\n');
}

async function examineCycles(client: FloorClient, folder: string, page: string, count: number): Promise<string[]> {
  const timings: string[] = [];
  for (let cycle = 0; cycle < count; cycle++) {
    const examined = await client.timed(`EXAMINE "${folder}"`);
    const fetched = await client.timed(`FETCH ${page} (ENVELOPE)`);
    await client.timed('UNSELECT');
    timings.push(`EXAMINE ${examined.serverMs.toFixed(0)} ms + FETCH ${fetched.serverMs.toFixed(0)} ms`);
  }
  return timings;
}

export async function runExamineProbe(): Promise<void> {
  const size = 100_000;
  const folder = benchFolderOf(size);
  const stack = await startStack();
  try {
    await stack.seedLargeFolder('alice@mailroom.test', folder, size);
    const { login } = await signInAlice(stack);
    const maildir = path.join(path.dirname(stack.dovecotConfigFile), 'mail', 'alice@mailroom.test', 'Maildir', `.${folder}`);
    process.stdout.write(
      `settled after ${await settleFolders(stack, login, [size], 50, false)} passes; load ${os
        .loadavg()
        .map((load) => load.toFixed(1))
        .join(' / ')}\n`,
    );
    process.stdout.write(`settled state:\n${await indexState(stack, maildir)}\n`);
    const connect = (): Promise<FloorClient> =>
      FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
    const page = `${size - 49}:${size}`;
    for (const step of steps) {
      await new Promise((resolve) => setTimeout(resolve, step.pauseMs ?? 0));
      if (step.doveadm) {
        await stack.doveadm(step.doveadm.map((argument) => argument.replace('{folder}', folder)));
      }
      const client = await connect();
      await client.timed('ENABLE CONDSTORE');
      for (const command of step.setup ?? []) {
        await client.timed(command);
      }
      const before = await examineCycles(client, folder, page, 1);
      const opened = await client.timed(`${step.select ? 'SELECT' : 'EXAMINE'} "${folder}"`);
      const stepTimes = [`${step.select ? 'SELECT' : 'EXAMINE'} ${opened.serverMs.toFixed(0)} ms`];
      for (const command of step.commands) {
        const answer = await client.timed(command.replace('{page}', page).replace('{uids}', page));
        stepTimes.push(`${command.split(' (')[0] ?? command} ${answer.serverMs.toFixed(0)} ms`);
      }
      await client.timed(step.select ? 'CLOSE' : 'UNSELECT');
      const sameSession = await examineCycles(client, folder, page, cycles);
      const { summary } = await traced(stack, () => examineCycles(client, folder, page, 1));
      await client.logout();
      const next = await connect();
      await next.timed('ENABLE CONDSTORE');
      const nextSession = await examineCycles(next, folder, page, cycles);
      await next.logout();
      process.stdout.write(
        `\n== ${step.name}\n  before: ${before.join('; ')}\n  step: ${stepTimes.join(', ')}\n  after, same session: ${sameSession.join('; ')}\n` +
          `  one EXAMINE cycle traced (same session):\n${summary}\n  next session: ${nextSession.join('; ')}\n${await indexState(stack, maildir)}\n`,
      );
    }
  } finally {
    await stack.stop();
  }
}
