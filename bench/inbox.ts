// The inbox benchmark (issue 4): seeds a 100,000-message folder into the local stack and measures
// opening it, opening a 50 kB HTML message, scrolling the whole list in Chromium, activation and
// memory. Prints a table and writes the same numbers to bench/results/inbox.json.
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Page } from 'playwright-core';
import { fetchNewestRows } from '../src/mail/mailbox';
import { loadMessage } from '../src/mail/message';
import { MailSession } from '../src/mail/connection';
import { withTestTransport } from '../src/util/testTransport';
import { launchChromium } from '../test/editor/browser';
import { startStack } from '../test/stack';
import { countCommands } from '../test/support/commandCounter';
import { distDirectory, showHtmlInReader, startWebviewHost, waitForPosted } from '../test/support/webviewHost';
import type { MessageView } from '../src/shared/protocol';
import { ServerTimings } from './commandTimes';
import { describeCommands, measureConversations } from './conversations';
import { benchFolderOf, benchFolderSizes, measureFloor, measureFloorConnect, settleFolders, signInAlice } from './floor';
import type { FloorRuns } from './floor';
import { measureOpenFolder } from './openFolder';
import type { OpenFolderRuns } from './openFolder';
import { describeSwitchSplit, measureFloorSplit } from './switchSplit';
import type { SwitchSplit, SwitchSteps } from './switchSplit';
import { median, round } from './statistics';
import { measureSlowNetwork, pauseMs, pauseTimeouts, slowLink } from './slowNetwork';
import type { SlowNetworkResults } from './slowNetwork';
import { coldStartNote, measureColdStart } from './coldStart';
import type { ColdStartResults } from './coldStart';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const resultsFile = path.join(repositoryRoot, 'bench', 'results', 'inbox.json');
const folderSize = 100_000;
const bigFolder = benchFolderOf(folderSize);
const pageSize = 50;
const warmRuns = 7;

export interface InboxBenchmark extends SlowNetworkResults, ColdStartResults {
  'openFolder.roundTrips': number;
  'openFolder.ms': number;
  'openFolder.coldMs': number;
  'openFolder.serverMs': number;
  'conversations.firstScreenMs': number;
  'conversations.messagesFirstScreenMs': number;
  'conversations.ratio': number;
  'conversations.coldMs': number;
  'openMessage.ms': number;
  'openMessage.fetchParseMs': number;
  'openMessage.renderMs': number;
  'openMessage.firstMs': number;
  'openMessage.emptyFrameMs': number;
  'list.maxDomRows': number;
  'newMail.ms': number;
  'activation.ms': number;
  'extensionHost.heapMB': number;
  /** Per folder size (1,000 / 10,000 / 100,000), from the same run: */
  'floor.ms': Record<string, number>;
  'floor.connectMs': number;
  'floor.bytes': Record<string, number>;
  'floor.roundTrips': number;
  'openFolder.newConnectionMs': Record<string, number>;
  'openFolder.newConnectionRoundTrips': Record<string, number>;
  'openFolder.firstPaintMs': Record<string, number>;
  'openFolder.previewsMs': Record<string, number>;
  'openFolder.firstPaintRoundTrips': Record<string, number>;
  'openFolder.firstPaintBytes': Record<string, number>;
  'openFolder.fullQueryMs': Record<string, number>;
  'openFolder.ratioToFloor': Record<string, { newConnection: number; switch: number; bytes: number }>;
  'openFolder.switchSplit': Record<string, SwitchSplit>;
  'meta.folderSize': number;
  'meta.loadAverage': number[];
  'meta.notes': string[];
}

/** Heap in use after a full collection, so the number is what stays, not garbage. */
function settledHeapBytes(): number {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export const htmlMessageSubject = 'Benchmark: 50 kB HTML newsletter';
export const shortHtmlSubject = 'Benchmark: a short HTML note';

/** An HTML-only mail to alice, as delivered over LMTP. */
function htmlMail(from: string, subject: string, html: string): string {
  return [
    `From: ${from}`,
    'To: alice@mailroom.test',
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '',
  ].join('\r\n');
}

export function shortHtmlMessage(): string {
  return htmlMail(
    'Bob <bob@mailroom.test>',
    shortHtmlSubject,
    '<p>Hi Alice,</p><p>the <b>build</b> is green again. See <a href="https://example.com/ci">the run</a>.</p><p>Bob</p>',
  );
}

export function htmlMessageOf50kB(): string {
  const paragraphs: string[] = [];
  let index = 0;
  while (paragraphs.join('').length < 50_000) {
    paragraphs.push(
      `<tr><td style="padding:8px;border-bottom:1px solid #ddd"><p style="font-family:Arial;color:#333">Item ${index} — <b>update</b> with <a href="https://example.com/item/${index}">a link</a> and some text to read through.</p></td></tr>`,
    );
    index++;
  }
  return htmlMail(
    'Newsletter <news@example.com>',
    htmlMessageSubject,
    `<html><head><style>td { font-size: 14px }</style></head><body><table>${paragraphs.join('\n')}</table><img src="https://track.example.com/open.gif"></body></html>`,
  );
}

/** Shows the message in the reader; the time in the page until its mail frame has loaded it. */
function timeReaderRender(page: Page, view: MessageView): Promise<number> {
  return showHtmlInReader(page, { type: 'message', view, allowRemoteContent: false, senderTrust: { kind: 'offered', sender: 'news@example.com' } });
}

/**
 * A new reader document, as when the reader panel opens: from the start of its navigation until it
 * says ready (HTML, styles, the bundle and its components), plus showing the message in it. The wait
 * between the two (the benchmark's own round trip) is left out.
 */
async function timeNewReader(page: Page, origin: string, view: MessageView): Promise<number> {
  await page.goto(`${origin}/page?view=reader`);
  await waitForPosted(page, (message) => message.type === 'ready');
  const readyAt = (await page.evaluate('window.__postedAt[window.__posted.findIndex((message) => message.type === "ready")]')) as number;
  return readyAt + (await timeReaderRender(page, view));
}

/**
 * The floor under renderMs: how long this Chromium takes to load an empty sandboxed frame (a separate,
 * opaque origin) in the same reader page, whatever the mail holds.
 */
async function timeEmptySandboxedFrame(page: Page): Promise<number> {
  const script = `new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', '');
    const started = performance.now();
    frame.addEventListener('load', () => { resolve(performance.now() - started); frame.remove(); }, { once: true });
    frame.srcdoc = '<p>empty</p>';
    document.body.append(frame);
  })`;
  return (await page.evaluate(script)) as number;
}

/** Scrolls the whole 100,000-row list in the real inbox bundle and returns the most rows the DOM held. */
async function measureListDom(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}/page?view=inbox&rows=${folderSize}`);
  await page.locator('.list .row:not(.placeholder)').first().waitFor();
  return page.locator('.list').evaluate(async (list) => {
    let most = list.querySelectorAll('.row').length;
    const step = list.clientHeight * 3;
    while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      list.scrollTop += step;
      const frames = globalThis as unknown as { requestAnimationFrame(callback: () => void): void };
      await new Promise<void>((resolve) => frames.requestAnimationFrame(() => frames.requestAnimationFrame(resolve)));
      most = Math.max(most, list.querySelectorAll('.row').length);
    }
    return most;
  });
}

/** Loads dist/extension.js against a do-nothing `vscode` and times require + activate, then disposes what it registered. */
async function measureActivation(): Promise<number> {
  const noop = (name: string): unknown => {
    const cache = new Map<PropertyKey, unknown>();
    const target = function stub(): void {
      // A callable placeholder for any editor API.
    };
    return new Proxy(target, {
      get: (_target, property) => {
        if (property === 'then') {
          // A promise that never settles: the activation's asynchronous tails wait forever, quietly.
          return () => noop(`${name}.then()`);
        }
        if (property === Symbol.iterator) {
          return function* empty(): Generator<never> {
            // No items.
          };
        }
        if (property === Symbol.toPrimitive) {
          return () => name;
        }
        if (!cache.has(property)) {
          cache.set(property, noop(`${name}.${String(property)}`));
        }
        return cache.get(property);
      },
      set: (_target, property, value) => {
        cache.set(property, value);
        return true;
      },
      apply: () => noop(`${name}()`),
      construct: () => noop(`new ${name}`) as object,
    });
  };
  // esbuild copies the module's own keys into a namespace object, so the top level lists the API's names.
  const apiNames = [
    'window',
    'workspace',
    'commands',
    'env',
    'authentication',
    'l10n',
    'languages',
    'extensions',
    'Uri',
    'EventEmitter',
    'Disposable',
    'Range',
    'Position',
    'StatusBarAlignment',
    'ViewColumn',
    'ProgressLocation',
    'ExtensionKind',
    'UIKind',
    'FileType',
    'TabInputText',
    'ThemeIcon',
    'MarkdownString',
    'CancellationTokenSource',
  ];
  const api = new Proxy({} as Record<string, unknown>, {
    get: (_target, property) => (typeof property === 'string' && apiNames.includes(property) ? noop(`vscode.${property}`) : undefined),
    ownKeys: () => apiNames,
    getOwnPropertyDescriptor: (_target, property) =>
      typeof property === 'string' && apiNames.includes(property) ? { configurable: true, enumerable: true, value: noop(`vscode.${property}`) } : undefined,
  });
  const moduleInternals = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const originalLoad = moduleInternals._load;
  moduleInternals._load = (request, parent, isMain) => (request === 'vscode' ? api : originalLoad(request, parent, isMain));
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-bench-'));
  try {
    const context = {
      subscriptions: [] as unknown[],
      extension: { packageJSON: { version: 'bench' } },
      extensionUri: noop('extensionUri'),
      globalStorageUri: { fsPath: storage },
      globalState: noop('globalState'),
      secrets: noop('secrets'),
    };
    const started = performance.now();
    const loadModule = Module.createRequire(__filename);
    const extension = loadModule(path.join(distDirectory, 'extension.js')) as { activate(context: unknown): void; deactivate(): void };
    extension.activate(context);
    const activationMs = performance.now() - started;
    // The activated extension runs until the editor disposes what it registered. Its window group
    // takes this process as the profile's leader (a socket and a heartbeat timer: left running, they
    // keep the benchmark from exiting). Once the lease is taken, the group is disposed, as on closing the
    // window, and releases it; the storage goes after that, so no election writes into it again.
    const lease = path.join(storage, 'windows', 'leader.lease');
    await until(() => fs.existsSync(lease), 'the window group took the lease');
    extension.deactivate();
    for (const subscription of context.subscriptions) {
      (subscription as { dispose(): unknown }).dispose();
    }
    await until(() => !fs.existsSync(lease), 'the window group released the lease');
    return activationMs;
  } finally {
    moduleInternals._load = originalLoad;
    fs.rmSync(storage, { recursive: true, force: true });
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runInboxBenchmark(): Promise<InboxBenchmark> {
  const notes: string[] = [];
  // Activation first, in a process that has not loaded any mail library yet.
  const activationMs = await measureActivation();

  const stack = await startStack();
  const host = await startWebviewHost();
  const browser = await launchChromium();
  try {
    const seedStarted = performance.now();
    for (const size of benchFolderSizes) {
      await stack.seedLargeFolder('alice@mailroom.test', benchFolderOf(size), size);
    }
    notes.push(`seeded ${benchFolderSizes.join(' / ')} messages in ${Math.round(performance.now() - seedStarted)} ms`);
    await stack.deliver('alice@mailroom.test', htmlMessageOf50kB());
    await stack.deliver('alice@mailroom.test', shortHtmlMessage());

    const { accounts, account, login } = await signInAlice(stack);
    const settledAfter = await settleFolders(stack, login, benchFolderSizes, pageSize);
    notes.push(`Dovecot's index of the seeded folders settled after ${settledAfter} SELECT + LOGOUT sessions (see bench/floor.ts)`);
    const floorConnectMs = await measureFloorConnect(stack, login, warmRuns);
    const floor = await measureFloor(stack, login, benchFolderSizes, pageSize, warmRuns);
    const floorSplit = await measureFloorSplit(stack, login, benchFolderSizes, pageSize, warmRuns);
    const mailroom = await measureOpenFolder(stack, accounts, account, benchFolderSizes, pageSize, warmRuns);
    notes.push(...floorNotes(floor, floorConnectMs, mailroom));
    notes.push(...switchSplitNotes(floorSplit, mailroom));
    const slowNet = await measureSlowNetwork(stack, accounts, account, 3);
    notes.push(
      `slowNet.*: through the TCP relay of the e2e layer with ${slowLink.roundTripMs} ms round-trip delay and ${slowLink.bitsPerSecond / 1e6} Mbit/s each way, median of 3; round trips are IMAP commands (imapflow never pipelines), TLS handshake and greeting not counted; sign-in sends: ${slowNet['slowNet.signInCommands']}; newMail: LMTP delivery until IDLE reported it and the newest row was fetched; openAfterPause: a message opened after ${pauseMs / 1000} s of quiet, longer than the command connection's socket timeout (scaled down from the product's 30 s to ${pauseTimeouts.commandMs / 1000} s), with the connection kept open by NOOPs; …Closed: the same without them (closed by the timeout and opened again, as before the keep-open), median of 3 each`,
    );
    const coldStart = await measureColdStart(stack, accounts, account, bigFolder, pageSize, warmRuns);
    notes.push(coldStartNote(folderSize, warmRuns));
    const heapBefore = settledHeapBytes();
    const timings = new ServerTimings();
    const session = new MailSession(account, withTestTransport({ accounts, logger: timings.logger }, { extraCa: fs.readFileSync(stack.caFile) }));
    try {
      // Connect, authenticate and list folders: done when the view opens, before any folder is chosen.
      await session.folders();

      const cold = await (async () => {
        const started = performance.now();
        const counted = await countCommands(session, () => fetchNewestRows(session, bigFolder, pageSize));
        return { ms: performance.now() - started, commands: counted.commands, rows: counted.result.rows.length, total: counted.result.status.total };
      })();
      if (cold.total !== folderSize || cold.rows !== pageSize) {
        throw new Error(`expected ${folderSize} messages and a page of ${pageSize}, got ${cold.total} and ${cold.rows}`);
      }
      const warm: number[] = [];
      const serverWarm: number[] = [];
      let roundTrips = cold.commands.length;
      for (let run = 0; run < warmRuns; run++) {
        await session.run(async (client) => void (await client.mailboxClose()));
        const started = performance.now();
        const counted = await countCommands(session, () => fetchNewestRows(session, bigFolder, pageSize));
        warm.push(performance.now() - started);
        serverWarm.push(timings.lastMs(2));
        roundTrips = Math.max(roundTrips, counted.commands.length);
      }
      notes.push(`commands to open the folder: ${cold.commands.join(' + ')}`);
      notes.push('openFolder.serverMs: the time Dovecot itself reports for that EXAMINE + FETCH (from its tagged OK), median of the warm runs');
      const heapAfter = settledHeapBytes();
      // After the heap reading: the conversation mode's window and Sent are not part of opening the folder.
      const conversations = await measureConversations(session, bigFolder, pageSize, warmRuns, timings);
      notes.push(
        `conversations: the first screen (${pageSize} conversations, ${conversations.messagesPerRow.toFixed(1)} messages each on average) of the ${folderSize}-message folder as conversations, against message mode's first screen (EXAMINE + FETCH of envelope, flags, dates, size; previews follow); medians of ${warmRuns} alternating runs from an unselected folder; conversations: ${describeCommands(conversations.conversationCommands)}; messages: ${describeCommands(conversations.messageCommands)}`,
      );
      notes.push(
        `conversations.completedMs: after the first screen, until its previews, the server's threads (THREAD=REFERENCES) and Sent's replies are in: ${round(conversations.completedMs)} ms; ${describeCommands(conversations.completingCommands)}`,
      );
      notes.push(
        `conversations.fullRowsMs: message mode's rows in one FETCH (fetchNewestRows, the first screen before issue 12's split): ${round(conversations.fullRowsMs)} ms`,
      );
      notes.push("conversations.coldMs: the first time, when Dovecot builds the folder's thread index");
      notes.push(
        'extensionHost.heapMB: heap growth of the mail layer (session + 100,000-message folder open), measured in this Node process after GC; the stack servers in the same process are excluded by taking the difference',
      );

      // Open the 50 kB HTML message: fetch + parse in Node, then sanitize + render in the real reader bundle.
      const inbox = await fetchNewestRows(session, 'INBOX', pageSize);
      const uidOf = (subject: string): number => {
        const uid = inbox.rows.find((row) => row.subject === subject)?.uid;
        if (!uid) {
          throw new Error(`"${subject}" was not delivered`);
        }
        return uid;
      };
      const bigRef = { accountId: account.id, folder: 'INBOX', uid: uidOf(htmlMessageSubject) };
      const previousRef = { accountId: account.id, folder: 'INBOX', uid: uidOf(shortHtmlSubject) };
      const page = await browser.newPage();
      // The usual case: the reader already shows a message and the next one is opened.
      const fetchTimes: number[] = [];
      const renderTimes: number[] = [];
      const openTimes: number[] = [];
      await page.goto(`${host.origin}/page?view=reader`);
      await waitForPosted(page, (message) => message.type === 'ready');
      for (let run = 0; run < 7; run++) {
        await timeReaderRender(page, (await loadMessage(session, previousRef)).view);
        const started = performance.now();
        const loaded = await loadMessage(session, bigRef);
        const fetched = performance.now() - started;
        const rendered = await timeReaderRender(page, loaded.view);
        fetchTimes.push(fetched);
        renderTimes.push(rendered);
        openTimes.push(fetched + rendered);
      }
      // The first message: the reader panel opens with a new document.
      const firstTimes: number[] = [];
      const emptyFrameTimes: number[] = [];
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        const loaded = await loadMessage(session, bigRef);
        firstTimes.push(performance.now() - started + (await timeNewReader(page, host.origin, loaded.view)));
        emptyFrameTimes.push(await timeEmptySandboxedFrame(page));
      }
      await page.close();

      // New mail: LMTP delivery until the IDLE connection reports it.
      const arrivals: number[] = [];
      session.watch('INBOX');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (let run = 0; run < 3; run++) {
        const arrived = new Promise<number>((resolve) => {
          const subscription = session.onDidChangeFolder((change) => {
            if (change.kind === 'exists') {
              subscription.dispose();
              resolve(performance.now());
            }
          });
        });
        const delivered = performance.now();
        await stack.deliver('alice@mailroom.test', `From: bob@mailroom.test\r\nTo: alice@mailroom.test\r\nSubject: arrival ${run}\r\n\r\nhello\r\n`);
        arrivals.push((await arrived) - delivered);
      }
      notes.push('newMail.ms: from handing a message to LMTP until the IDLE connection reports it (median of 3)');

      const listPage = await browser.newPage({ viewport: { width: 420, height: 900 } });
      const maxDomRows = await measureListDom(listPage, host.origin);
      await listPage.close();
      notes.push('list.maxDomRows: the real inbox bundle in Chromium scrolled top to bottom over 100,000 rows served by a stand-in extension');
      notes.push(
        'openMessage.ms: the reader already shows a short HTML message; fetch + parse the 50 kB one in Node, then post it to the reader until its mail frame has loaded it (median of 7)',
      );
      notes.push(
        'openMessage.renderMs: from posting the message to the reader until the sanitized mail frame has loaded (Chromium, includes DOMPurify), measured in the page',
      );
      notes.push(
        "openMessage.firstMs: the reader's first message: fetch + parse, a new reader document until it is ready, then the render (median of 5); VS Code's own webview start-up is not included",
      );
      notes.push('openMessage.emptyFrameMs: loading an empty new sandboxed frame in the same page, a floor under a render that needs a new frame');
      notes.push(
        `load average while measuring: ${os
          .loadavg()
          .map((load) => load.toFixed(1))
          .join(' / ')} on ${os.cpus().length} CPUs (other test runs share this machine)`,
      );
      notes.push('activation.ms: require(dist/extension.js) + activate() in Node against a do-nothing vscode module');

      return {
        'openFolder.roundTrips': roundTrips,
        'openFolder.ms': round(median(warm)),
        'openFolder.coldMs': round(cold.ms),
        'openFolder.serverMs': round(median(serverWarm)),
        'conversations.firstScreenMs': round(conversations.conversationsMs),
        'conversations.messagesFirstScreenMs': round(conversations.messagesMs),
        'conversations.ratio': round(conversations.conversationsMs / conversations.messagesMs, 2),
        'conversations.coldMs': round(conversations.coldConversationsMs),
        'openMessage.ms': round(median(openTimes)),
        'openMessage.fetchParseMs': round(median(fetchTimes)),
        'openMessage.renderMs': round(median(renderTimes)),
        'openMessage.firstMs': round(median(firstTimes)),
        'openMessage.emptyFrameMs': round(median(emptyFrameTimes)),
        'list.maxDomRows': maxDomRows,
        'newMail.ms': round(median(arrivals)),
        'activation.ms': round(activationMs),
        'extensionHost.heapMB': round((heapAfter - heapBefore) / 1024 / 1024),
        ...floorResults(floor, floorConnectMs, mailroom),
        'openFolder.switchSplit': bySize(mailroom, (index) => switchSplitAt(floorSplit, mailroom, index)),
        ...slowNet,
        ...coldStart,
        'meta.folderSize': folderSize,
        'meta.loadAverage': os.loadavg().map((load) => round(load, 2)),
        'meta.notes': notes,
      };
    } finally {
      await session.dispose();
    }
  } finally {
    await browser.close();
    await host.close();
    await stack.stop();
  }
}

type FloorKeys =
  | 'floor.ms'
  | 'floor.connectMs'
  | 'floor.bytes'
  | 'floor.roundTrips'
  | 'openFolder.newConnectionMs'
  | 'openFolder.newConnectionRoundTrips'
  | 'openFolder.firstPaintMs'
  | 'openFolder.previewsMs'
  | 'openFolder.firstPaintRoundTrips'
  | 'openFolder.firstPaintBytes'
  | 'openFolder.fullQueryMs'
  | 'openFolder.ratioToFloor';

function bySize<T>(entries: readonly { size: number }[], value: (index: number) => T): Record<string, T> {
  return Object.fromEntries(entries.map((entry, index) => [String(entry.size), value(index)]));
}

function floorResults(floor: readonly FloorRuns[], floorConnectMs: number, mailroom: readonly OpenFolderRuns[]): Pick<InboxBenchmark, FloorKeys> {
  const at = (index: number): { floor: FloorRuns; mailroom: OpenFolderRuns } => {
    const floorRuns = floor[index];
    const mailroomRuns = mailroom[index];
    if (!floorRuns || !mailroomRuns) {
      throw new Error('the floor and Mailroom were measured on different folders');
    }
    return { floor: floorRuns, mailroom: mailroomRuns };
  };
  return {
    'floor.ms': bySize(floor, (index) => round(at(index).floor.ms, 2)),
    'floor.connectMs': round(floorConnectMs),
    'floor.bytes': bySize(floor, (index) => at(index).floor.bytes),
    'floor.roundTrips': floor[0]?.roundTrips ?? 0,
    'openFolder.newConnectionMs': bySize(mailroom, (index) => round(at(index).mailroom.newConnectionMs)),
    'openFolder.newConnectionRoundTrips': bySize(mailroom, (index) => at(index).mailroom.newConnectionRoundTrips),
    'openFolder.firstPaintMs': bySize(mailroom, (index) => round(at(index).mailroom.firstPaintMs)),
    'openFolder.previewsMs': bySize(mailroom, (index) => round(at(index).mailroom.previewsMs)),
    'openFolder.firstPaintRoundTrips': bySize(mailroom, (index) => at(index).mailroom.firstPaintRoundTrips),
    'openFolder.firstPaintBytes': bySize(mailroom, (index) => at(index).mailroom.firstPaintBytes),
    'openFolder.fullQueryMs': bySize(mailroom, (index) => round(at(index).mailroom.fullQueryMs)),
    'openFolder.ratioToFloor': bySize(floor, (index) => {
      const { floor: floorRuns, mailroom: mailroomRuns } = at(index);
      return {
        newConnection: round(mailroomRuns.newConnectionMs / (floorConnectMs + floorRuns.ms)),
        switch: round(mailroomRuns.firstPaintMs / floorRuns.ms),
        bytes: round(mailroomRuns.firstPaintBytes / floorRuns.bytes),
      };
    }),
  };
}

function switchSplitAt(floorSplit: readonly SwitchSteps[], mailroom: readonly OpenFolderRuns[], index: number): SwitchSplit {
  const floor = floorSplit[index];
  const ours = mailroom[index];
  if (!floor || !ours) {
    throw new Error('the floor and Mailroom were split on different folders');
  }
  return { mailroom: ours.switchSteps, floor, mailroomCpu: ours.switchCpu };
}

function switchSplitNotes(floorSplit: readonly SwitchSteps[], mailroom: readonly OpenFolderRuns[]): string[] {
  return [
    `openFolder.switchSplit: where a folder switch's time goes, Mailroom's first screen beside the floor, from separate probed runs (median of ${warmRuns}): socket writes and reads of each command, Dovecot's time from its tagged OK, when imapflow's mailboxOpen and fetchAll resolved (bench/switchSplit.ts)`,
    ...mailroom.map((ours, index) => describeSwitchSplit(ours.size, switchSplitAt(floorSplit, mailroom, index))),
  ];
}

function floorNotes(floor: readonly FloorRuns[], floorConnectMs: number, mailroom: readonly OpenFolderRuns[]): string[] {
  const first = floor[0]?.ms ?? Number.NaN;
  const last = floor[floor.length - 1]?.ms ?? Number.NaN;
  return [
    `floor.ms: our own minimal client (bench/floorClient.ts), EXAMINE + FETCH <newest 50> (ENVELOPE) on an authenticated connection, median of ${warmRuns}; flat: 100k / 1k = ${round(last / first, 2)} (target ≤ 2)`,
    `floor.connectMs: the same client's TLS + greeting + AUTHENTICATE (${round(floorConnectMs)} ms); openFolder.ratioToFloor.newConnection divides by connect + floor`,
    `openFolder.newConnectionMs: a new MailSession from nothing to the first screen (the Inbox's path, no cache); commands after authentication: ${mailroom[0]?.newConnectionCommands.join(' ') ?? ''}`,
    'openFolder.firstPaintMs / firstPaintBytes: CLOSE, then the first screen again on the live connection (EXAMINE + FETCH of envelope, flags, dates); bytes read from the socket, as for the floor; previewsMs: from the same start until the second FETCH filled previews and paperclips',
    'openFolder.fullQueryMs: the same switch with the former one-FETCH row query (fetchNewestRows: + BODYSTRUCTURE, thread id, first 400 bytes of part 1)',
  ];
}

const targets: Partial<Record<keyof InboxBenchmark, string>> = {
  'openFolder.roundTrips': '≤ 2',
  'floor.ms': '100k ≤ 2 × 1k',
  'openFolder.ratioToFloor': '≤ 1.5 (bytes ≤ 1.5)',
  'slowNet.signInToFirstScreenRoundTrips': '≤ 4',
  'slowNet.folderSwitchRoundTrips': '≤ 2',
  'slowNet.openMessageRoundTrips': '≤ 1',
  'slowNet.openAfterPauseRoundTrips': '≤ 1',
  'coldStart.cachedRowsMs': '≤ 100',
  'coldStart.commandsBeforeRows': '0',
  'openFolder.ms': '< 300',
  'conversations.ratio': '≤ 2',
  'openMessage.ms': '< 150',
  'list.maxDomRows': '< 200',
  'newMail.ms': '≈ 1000',
  'activation.ms': '< 50',
  'extensionHost.heapMB': '< 150',
};

export function writeInboxResults(result: InboxBenchmark): string {
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  const rows = Object.entries(result)
    .filter(([key]) => !key.startsWith('meta.'))
    .map(
      ([key, value]) =>
        `${key.padEnd(34)} ${(typeof value === 'object' ? JSON.stringify(value) : String(value)).padStart(8)}   ${targets[key as keyof InboxBenchmark] ?? ''}`,
    );
  return [
    `${'inbox'.padEnd(34)} ${'value'.padStart(8)}   target`,
    `load average ${result['meta.loadAverage'].join(' / ')} on ${os.cpus().length} CPUs`,
    ...rows,
    '',
    ...result['meta.notes'].map((note) => `- ${note}`),
    '',
    `written to ${path.relative(repositoryRoot, resultsFile)}`,
  ].join('\n');
}
