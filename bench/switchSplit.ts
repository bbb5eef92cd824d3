// Where a folder switch's time goes (issue 12): the same steps timed for Mailroom's first screen and
// for the floor (our own client's EXAMINE + FETCH ENVELOPE), from the socket (when each command went
// out, when its tagged answer came back and what Dovecot says it spent) and, for Mailroom, from
// imapflow's calls (when mailboxOpen and fetchAll resolved). Separate runs from the timed ones, so
// the probes cost those nothing.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { ImapFlow } from 'imapflow';
import type { MailSession } from '../src/mail/connection';
import type { EnvelopeCache } from '../src/mail/envelopeCache';
import { openFolderWithCache } from '../src/mail/envelopeCache';
import type { Stack } from '../test/stack';
import { benchFolderOf } from './floor';
import { FloorClient } from './floorClient';
import { median, round } from './statistics';
import { WireTimeline } from './wireTimeline';
import type { WireCommand } from './wireTimeline';

/** One switch, in milliseconds from its start; medians per step over the runs. */
export interface SwitchSteps {
  totalMs: number;
  /** From the call until the EXAMINE line was written to the socket. */
  beforeExamineMs: number;
  /** EXAMINE written until its tagged answer was read; Dovecot's part of it is examineServerMs (whole milliseconds, as Dovecot writes them). */
  examineMs: number;
  examineServerMs: number;
  /** EXAMINE's tagged answer read until imapflow's mailboxOpen resolved (Mailroom only). */
  examineAnswerMs?: number;
  /** EXAMINE's tagged answer read until the FETCH line was written. */
  betweenMs: number;
  /** The write calls of EXAMINE and FETCH themselves (TLS encryption and the send), part of the steps after them. */
  writeMs: number;
  /** FETCH written until the first chunk of its answer was read. */
  fetchFirstByteMs: number;
  /** FETCH written until its tagged answer was read; Dovecot's part of it is fetchServerMs. */
  fetchMs: number;
  fetchServerMs: number;
  /** FETCH's tagged answer read until imapflow's fetchAll resolved (Mailroom only). */
  fetchAnswerMs?: number;
  /** FETCH's tagged answer read until the rows were returned. */
  afterFetchMs: number;
  /** The event loop busy (totalMs - loopIdleMs): this process's own work during the switch. */
  loopBusyMs: number;
  /** This process's CPU time during the switch (user + system, all threads). */
  cpuMs: number;
  /** The event loop's idle time during the switch (waiting for the socket), from its utilization. */
  loopIdleMs: number;
  /** Chunks read for the FETCH answer. */
  fetchChunks: number;
}

export interface SwitchSplit {
  mailroom: SwitchSteps;
  floor: SwitchSteps;
  /** Mailroom's CPU milliseconds per switch by part of the path (bench/switchProfile.ts). */
  mailroomCpu?: Record<string, number>;
}

interface Marks {
  started: number;
  ended: number;
  cpuMs: number;
  loopIdleMs: number;
  examine: WireCommand;
  fetch: WireCommand;
  mailboxOpened?: number;
  fetched?: number;
}

function stepsOf(marks: Marks): SwitchSteps {
  const { started, ended, examine, fetch } = marks;
  const examineAnswered = examine.answeredAt ?? Number.NaN;
  const fetchAnswered = fetch.answeredAt ?? Number.NaN;
  const examineServerMs = examine.serverMs ?? Number.NaN;
  const fetchServerMs = fetch.serverMs ?? Number.NaN;
  return {
    totalMs: ended - started,
    beforeExamineMs: examine.sentAt - started,
    examineMs: examineAnswered - examine.sentAt,
    examineServerMs,
    ...(marks.mailboxOpened === undefined ? {} : { examineAnswerMs: marks.mailboxOpened - examineAnswered }),
    betweenMs: fetch.sentAt - examineAnswered,
    writeMs: (examine.writeMs ?? Number.NaN) + (fetch.writeMs ?? Number.NaN),
    fetchFirstByteMs: (fetch.firstByteAt ?? Number.NaN) - fetch.sentAt,
    fetchMs: fetchAnswered - fetch.sentAt,
    fetchServerMs,
    ...(marks.fetched === undefined ? {} : { fetchAnswerMs: marks.fetched - fetchAnswered }),
    afterFetchMs: ended - fetchAnswered,
    loopBusyMs: ended - started - marks.loopIdleMs,
    cpuMs: marks.cpuMs,
    loopIdleMs: marks.loopIdleMs,
    fetchChunks: fetch.chunks,
  };
}

/** Medians per step, rounded to 0.01 ms. */
function medianSteps(runs: readonly SwitchSteps[]): SwitchSteps {
  const first = runs[0];
  if (!first) {
    throw new Error('no switch was measured');
  }
  return Object.fromEntries(
    Object.keys(first).map((key) => [key, round(median(runs.map((run) => run[key as keyof SwitchSteps] ?? Number.NaN)), 2)]),
  ) as unknown as SwitchSteps;
}

function commandsOf(timeline: WireTimeline, from: number): { examine: WireCommand; fetch: WireCommand } {
  const examine = timeline.find('EXAMINE', from);
  const fetch = timeline.find('FETCH', from);
  if (!examine || !fetch) {
    throw new Error(
      `expected EXAMINE and FETCH, the switch sent ${timeline.commands
        .slice(from)
        .map((command) => command.name)
        .join(' ')}`,
    );
  }
  return { examine, fetch };
}

/** Starts counting this process's CPU time and the event loop's idle time; the function returned reads both. */
function usageMeter(): () => { cpuMs: number; loopIdleMs: number } {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  return () => {
    const used = process.cpuUsage(cpu);
    return { cpuMs: (used.user + used.system) / 1000, loopIdleMs: performance.eventLoopUtilization(loop).idle };
  };
}

/** Replaces `client[method]` (on this instance only) by one that notes when each call resolved. */
function noteResolutions(client: ImapFlow, method: 'mailboxOpen' | 'fetchAll', note: (at: number) => void): () => void {
  const original = client[method] as (...args: unknown[]) => Promise<unknown>;
  const noted = async (...args: unknown[]): Promise<unknown> => {
    const result = await original.apply(client, args);
    note(performance.now());
    return result;
  };
  Object.assign(client, { [method]: noted });
  return () => Object.assign(client, { [method]: original });
}

/** `runs` switches to `folder` the way the Inbox opens it (CLOSE first, no cache), with their steps. */
export async function measureSwitchSplit(session: MailSession, cache: EnvelopeCache, folder: string, pageSize: number, runs: number): Promise<SwitchSteps> {
  const client = await session.run(async (connected) => connected);
  const sockets = client as unknown as { writeSocket: Duplex; socket: Duplex };
  const timeline = new WireTimeline(sockets.writeSocket, sockets.socket);
  let mailboxOpened: number | undefined;
  let fetched: number | undefined;
  const restoreOpen = noteResolutions(client, 'mailboxOpen', (at) => (mailboxOpened ??= at));
  const restoreFetch = noteResolutions(client, 'fetchAll', (at) => (fetched ??= at));
  try {
    const measured: SwitchSteps[] = [];
    for (let run = 0; run < runs; run++) {
      await session.run(async (connected) => void (await connected.mailboxClose()));
      const from = timeline.commands.length;
      mailboxOpened = undefined;
      fetched = undefined;
      const usage = usageMeter();
      const started = performance.now();
      const first = await openFolderWithCache(session, cache, folder, pageSize);
      const ended = performance.now();
      const used = usage();
      if (first.rows.length !== pageSize) {
        throw new Error(`expected ${pageSize} rows, got ${first.rows.length}`);
      }
      measured.push(stepsOf({ started, ended, ...used, ...commandsOf(timeline, from), mailboxOpened, fetched }));
    }
    return medianSteps(measured);
  } finally {
    restoreFetch();
    restoreOpen();
    timeline.detach();
  }
}

/** The floor's EXAMINE + FETCH ENVELOPE (then UNSELECT), `runs` times per folder size, with the same steps. */
export async function measureFloorSplit(
  stack: Stack,
  login: { user: string; accessToken: string },
  sizes: readonly number[],
  pageSize: number,
  runs: number,
): Promise<SwitchSteps[]> {
  const client = await FloorClient.connect({ host: stack.imap.host, port: stack.imap.port, ca: fs.readFileSync(stack.caFile), ...login });
  const timeline = new WireTimeline(client.tlsSocket, client.tlsSocket);
  try {
    const results: SwitchSteps[] = [];
    for (const size of sizes) {
      const measured: SwitchSteps[] = [];
      for (let run = 0; run < runs; run++) {
        const from = timeline.commands.length;
        const usage = usageMeter();
        const started = performance.now();
        const measurement = await client.examineNewest(benchFolderOf(size), pageSize);
        // examineNewest's own end (before its UNSELECT, which is not part of the floor).
        const ended = started + measurement.ms;
        measured.push(stepsOf({ started, ended, ...usage(), ...commandsOf(timeline, from) }));
      }
      results.push(medianSteps(measured));
    }
    return results;
  } finally {
    timeline.detach();
    client.close();
  }
}

/** One line per folder size: Mailroom's steps beside the floor's. */
export function describeSwitchSplit(size: number, split: SwitchSplit): string {
  const { mailroom: ours, floor } = split;
  const pair = (label: string, mine: number | undefined, theirs: number | undefined): string =>
    `${label} ${mine ?? '-'}${theirs === undefined ? '' : ` / ${theirs}`}`;
  return [
    `switchSplit ${size} (Mailroom / floor, ms):`,
    pair('total', ours.totalMs, floor.totalMs),
    pair('before EXAMINE', ours.beforeExamineMs, floor.beforeExamineMs),
    pair('EXAMINE', ours.examineMs, floor.examineMs),
    `(Dovecot ${ours.examineServerMs} / ${floor.examineServerMs})`,
    pair('EXAMINE answer to mailboxOpen', ours.examineAnswerMs, undefined),
    pair('EXAMINE answer to FETCH sent', ours.betweenMs, floor.betweenMs),
    pair('writes', ours.writeMs, floor.writeMs),
    pair('FETCH to first byte', ours.fetchFirstByteMs, floor.fetchFirstByteMs),
    pair('FETCH', ours.fetchMs, floor.fetchMs),
    `(Dovecot ${ours.fetchServerMs} / ${floor.fetchServerMs}; chunks ${ours.fetchChunks} / ${floor.fetchChunks})`,
    pair('FETCH answer to fetchAll', ours.fetchAnswerMs, undefined),
    pair('FETCH answer to rows', ours.afterFetchMs, floor.afterFetchMs),
    pair('event loop busy', ours.loopBusyMs, floor.loopBusyMs),
    pair('CPU', ours.cpuMs, floor.cpuMs),
    pair('event loop idle', ours.loopIdleMs, floor.loopIdleMs),
    ...(split.mailroomCpu
      ? [
          `Mailroom's CPU per switch: ${Object.entries(split.mailroomCpu)
            .map(([part, ms]) => `${part} ${ms}`)
            .join(', ')}`,
        ]
      : []),
  ].join('; ');
}
