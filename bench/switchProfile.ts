// Where the client's CPU time of a folder switch goes (issue 12): V8's sampling profiler over many
// switches on one live session, each sample's function put into a part of the path by its file,
// in milliseconds per switch. The event loop's idle time (waiting for Dovecot) is a part too.
import * as inspector from 'node:inspector';
import type { MailSession } from '../src/mail/connection';
import type { EnvelopeCache } from '../src/mail/envelopeCache';
import { openFolderWithCache } from '../src/mail/envelopeCache';
import { round } from './statistics';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  /** Microseconds of the monotonic clock process.hrtime reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The parts, first match wins; a sample whose function matches none is "other". */
const parts: readonly [string, (functionName: string, url: string) => boolean][] = [
  ['idle (waiting for the server)', (name) => name === '(idle)'],
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['imapflow: serializing lines for its log', (_name, url) => url.includes('imapflow') && url.endsWith('imap-compiler.js')],
  ['imapflow: splitting the stream into lines', (_name, url) => url.includes('imapflow') && url.endsWith('imap-stream.js')],
  [
    'imapflow: parsing lines',
    (_name, url) => url.includes('imapflow') && /handler\/(imap-parser|token-parser|parser-instance|imap-formal-syntax)\.js$/.test(url),
  ],
  ['imapflow: FETCH lines to message objects', (_name, url) => url.includes('imapflow') && /(tools|libmime|commands\/fetch)\.js$/.test(url)],
  ['imapflow: commands, queue, other', (_name, url) => url.includes('imapflow')],
  ['Mailroom', (_name, url) => /\/out\/src\//.test(url)],
  ['async hooks (AsyncLocalStorage of the in-process sign-in server)', (_name, url) => /async_hooks/.test(url)],
  [
    'Node: streams, sockets, TLS, buffers',
    (name, url) => /node:(internal\/)?(streams|stream|net|tls|buffer|events|internal\/buffer)/.test(url) || name === 'writeBuffer' || name === 'utf8Write',
  ],
  ['Node: promises and ticks', (name, url) => name === 'runMicrotasks' || url.includes('task_queues')],
];

/** Milliseconds per part of the samples of `profile` inside `windows` (microseconds), divided by their number. */
function partsOf(profile: Profile, windows: readonly [number, number][]): Record<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (!windows.some(([from, to]) => at > from && at <= to)) {
      return;
    }
    const frame = nodes.get(id)?.callFrame;
    const part = (frame && parts.find(([, matches]) => matches(frame.functionName, frame.url))?.[0]) ?? 'other';
    totals.set(part, (totals.get(part) ?? 0) + delta);
  });
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).map(([part, micros]) => [part, round(micros / 1000 / windows.length, 2)]));
}

function microseconds(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function post<T>(session: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
}

/** `switches` folder switches to `folder` (CLOSE first, no cache) under the profiler: CPU milliseconds per switch by part. */
export async function profileSwitches(
  session: MailSession,
  cache: EnvelopeCache,
  folder: string,
  pageSize: number,
  switches: number,
): Promise<Record<string, number>> {
  const profiler = new inspector.Session();
  profiler.connect();
  try {
    await post(profiler, 'Profiler.enable');
    await post(profiler, 'Profiler.setSamplingInterval', { interval: 50 });
    const leave = (): Promise<void> => session.run(async (client) => void (await client.mailboxClose()));
    // Only samples taken during a switch count (not the CLOSE before it).
    const windows: [number, number][] = [];
    await post(profiler, 'Profiler.start');
    for (let run = 0; run < switches; run++) {
      await leave();
      const from = microseconds();
      await openFolderWithCache(session, cache, folder, pageSize);
      windows.push([from, microseconds()]);
    }
    return partsOf((await post<{ profile: Profile }>(profiler, 'Profiler.stop')).profile, windows);
  } finally {
    profiler.disconnect();
  }
}
