// The single measurements of the editor benchmark (bench/editor.ts), each done as a person does it in
// code-server's workbench: pick a folder, press Enter on a row, wait for mail. Start and end are taken in
// the webviews (bench/editorProbes.ts); the only end taken in the test process is the LMTP delivery.
import type { Frame, Page } from 'playwright-core';
import type { Stack } from '../test/stack';
import { mailroomFrame, readerShowing } from '../test/e2e/mailroom';
import type { Workbench } from '../test/e2e/workbench';
import type { ProbeRecord } from './editorProbes';
import { webviewIdOf } from './serviceWorkerVersions';
import type { ServiceWorkerVersions } from './serviceWorkerVersions';

/** A time the probes should have taken; a missing one is a broken probe, not a number. */
function taken(at: number | undefined, what: string, record: ProbeRecord): number {
  if (at === undefined || !Number.isFinite(at)) {
    throw new Error(`the webview probes did not see ${what}; they did: ${record.trace.join(', ')}`);
  }
  return at;
}

async function probeOf(view: Frame): Promise<ProbeRecord> {
  const host = view.parentFrame();
  if (!host) {
    throw new Error('a Mailroom view without its webview host frame');
  }
  const record = (await host.evaluate('globalThis.__mailroomBench')) as ProbeRecord | undefined;
  if (!record) {
    throw new Error('the webview probes are not installed (bench/editorProbes.ts)');
  }
  return record;
}

/** The first message from the extension the view received after `after`, if any. */
function firstReceivedAfter(record: ProbeRecord, after: number): { at: number; type: string } | undefined {
  return record.received.find((message) => message.at >= after);
}

/**
 * Starts watching the inbox for a row: the first real row matching `selector`, or a row whose subject
 * line is `subject`. `rowSeenAt` then resolves with the time it appeared.
 */
async function watchForRow(inbox: Frame, wanted: { selector: string } | { subject: string }): Promise<void> {
  await inbox.evaluate((row) => {
    type Element = { textContent: string | null };
    type View = {
      __benchRowAt?: Promise<number>;
      document: { body: unknown; querySelector(selector: string): Element | null; querySelectorAll(selector: string): Iterable<Element> };
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
    };
    const view = globalThis as unknown as View;
    const seen = (): boolean =>
      'selector' in row
        ? view.document.querySelector(row.selector) !== null
        : [...view.document.querySelectorAll('.list .row .subject')].some((line) => line.textContent === row.subject);
    view.__benchRowAt = new Promise<number>((resolve) => {
      const observer = new view.MutationObserver(() => {
        if (seen()) {
          observer.disconnect();
          resolve(performance.timeOrigin + performance.now());
        }
      });
      observer.observe(view.document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    });
  }, wanted);
}

async function rowSeenAt(inbox: Frame): Promise<number> {
  return (await inbox.evaluate('globalThis.__benchRowAt')) as number;
}

export interface FolderOpening {
  ms: number;
  /** Click until the first message from the extension arrived in the view, and its type. */
  extensionMs: number;
  firstMessageType: string;
  /** Click until the message that brought the rows arrived (the rest is the webview drawing them), and its type. */
  rowsMessageMs: number;
  rowsMessageType: string;
}

/** Picks a folder in the Inbox's folder picker; from the click on it until a row of it is in the webview's DOM. */
export async function openFolder(inbox: Frame, folderPattern: RegExp, rowSelector: string): Promise<FolderOpening> {
  await inbox.locator('.folder-select .select-face').click();
  const option = inbox.locator('.folder-select li.option', { hasText: folderPattern }).first();
  await option.waitFor();
  await watchForRow(inbox, { selector: `.list .row:not(.placeholder)${rowSelector}` });
  await option.click();
  const rowAt = await rowSeenAt(inbox);
  const record = await probeOf(inbox);
  const clickAt = taken(record.clicks.filter((at) => at <= rowAt).pop(), 'the click on the folder', record);
  const first = firstReceivedAfter(record, clickAt);
  // The message that brought the rows: the last one the view received before they were drawn.
  const rows = record.received.filter((message) => message.at >= clickAt && message.at <= rowAt).pop();
  return {
    ms: rowAt - clickAt,
    extensionMs: (first?.at ?? Number.NaN) - clickAt,
    firstMessageType: first?.type ?? 'none',
    rowsMessageMs: (rows?.at ?? Number.NaN) - clickAt,
    rowsMessageType: rows?.type ?? 'none',
  };
}

/** Moves the Inbox's focus to the row showing `subject` with the keyboard, as a person does before Enter. */
async function focusRow(page: Page, inbox: Frame, subject: string): Promise<void> {
  const id = await inbox
    .locator('.list .row', { has: inbox.locator('.subject', { hasText: subject }) })
    .first()
    .getAttribute('id');
  const index = Number(/^row-(\d+)$/.exec(id ?? '')?.[1] ?? Number.NaN);
  if (!Number.isInteger(index)) {
    throw new Error(`no row shows "${subject}"`);
  }
  await inbox.locator('.list').focus();
  await page.keyboard.press('Home');
  for (let step = 0; step < index; step++) {
    await page.keyboard.press('j');
  }
}

export interface MessageOpening {
  ms: number;
  /** When Enter was pressed (the Inbox webview's clock, ms since the epoch). */
  enterAt: number;
  /** A new reader only: Enter until its frame started to load, until Mailroom's document was written into it. */
  newDocumentMs?: number;
  /** A new reader only: Enter until VS Code's placeholder page in its frame had loaded, and that page's time to its first byte. */
  placeholderMs?: number;
  placeholderFirstByteMs?: number;
  /**
   * A new reader only, from its frame's start (Resource Timing of the placeholder): until the service worker took the
   * navigation (workerStart), until the request went to the server (requestStart); the server's answer is the rest.
   */
  placeholderWorkerStartMs?: number;
  placeholderRequestStartMs?: number;
  /** A new reader only: its webview's service-worker version, from `activating` until `activated`, and from Enter until `activated`. */
  workerActivationMs?: number;
  workerActivatedMs?: number;
  writtenMs?: number;
  /**
   * Enter (a new reader: its document written) until the message reached the reader's window: the extension host's
   * fetch, parse and post (a new reader: also its script's start and its `ready`, while the fetch runs).
   */
  extensionMs: number;
  /** From then until the mail frame had loaded the message: the reader's render. */
  renderMs: number;
}

async function loadedMailFrameAfter(reader: Frame, after: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const load = (await probeOf(reader)).frameLoads.find((entry) => entry.at >= after && entry.srcdocLength > 0);
    if (load) {
      return load.at;
    }
    if (Date.now() > deadline) {
      const record = await probeOf(reader);
      throw new Error(`the mail frame never loaded the message after ${after}: ${JSON.stringify({ ...record, received: record.received.slice(-5) })}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Enter on the row showing `subject`, until the reader's mail frame has loaded it. */
export async function openMessage(workbench: Workbench, inbox: Frame, subject: string, workers?: ServiceWorkerVersions): Promise<MessageOpening> {
  const { page } = workbench;
  await focusRow(page, inbox, subject);
  await page.keyboard.press('Enter');
  const reader = await readerShowing(page, subject);
  const inboxRecord = await probeOf(inbox);
  const enterAt = taken(inboxRecord.enters.pop(), 'Enter in the Inbox', inboxRecord);
  const loadedAt = await loadedMailFrameAfter(reader, enterAt);
  const record = await probeOf(reader);
  const received = record.received.filter((message) => message.at >= enterAt && message.at <= loadedAt && message.type === 'message').pop();
  const receivedAt = received?.at ?? Number.NaN;
  if (record.documentStartedAt === undefined || record.documentStartedAt < enterAt) {
    return { ms: loadedAt - enterAt, enterAt, extensionMs: receivedAt - enterAt, renderMs: loadedAt - receivedAt };
  }
  const writtenAt = record.documentWrittenAt ?? Number.NaN;
  const webviewId = webviewIdOf(reader.parentFrame()?.url() ?? 'about:blank');
  const worker = webviewId === undefined ? {} : (workers?.activationOf(webviewId) ?? {});
  return {
    ms: loadedAt - enterAt,
    enterAt,
    newDocumentMs: record.documentStartedAt - enterAt,
    placeholderMs: (record.placeholderLoadedAt ?? Number.NaN) - enterAt,
    placeholderFirstByteMs: record.placeholderTiming?.responseStart ?? Number.NaN,
    placeholderWorkerStartMs: record.placeholderTiming?.workerStart ?? Number.NaN,
    placeholderRequestStartMs: record.placeholderTiming?.requestStart ?? Number.NaN,
    workerActivationMs: (worker.activatedAt ?? Number.NaN) - (worker.activatingAt ?? Number.NaN),
    workerActivatedMs: (worker.activatedAt ?? Number.NaN) - enterAt,
    writtenMs: writtenAt - enterAt,
    extensionMs: receivedAt - writtenAt,
    renderMs: loadedAt - receivedAt,
  };
}

/** Closes every editor (the reader with them), so the next message opens a new reader. */
export async function closeReader(workbench: Workbench): Promise<void> {
  await workbench.runCommand('View: Close All Editors');
  const deadline = Date.now() + 10_000;
  while (
    await mailroomFrame(workbench.page, 'reader', 300).then(
      () => true,
      () => false,
    )
  ) {
    if (Date.now() > deadline) {
      throw new Error('the reader did not close');
    }
  }
}

export interface MailArrival {
  ms: number;
  /** The LMTP transaction itself (until the server said it was delivered). */
  lmtpMs: number;
  /** Delivered until the first message from the extension reached the Inbox. */
  extensionMs: number;
}

/** From handing a message to LMTP until its row is in the Inbox's DOM. */
export async function deliverAndWait(stack: Stack, inbox: Frame, subject: string): Promise<MailArrival> {
  await watchForRow(inbox, { subject });
  const startedAt = Date.now();
  await stack.deliver(
    'alice@mailroom.test',
    `From: bob@mailroom.test\r\nTo: alice@mailroom.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n\r\nhello\r\n`,
  );
  const deliveredAt = Date.now();
  const rowAt = await rowSeenAt(inbox);
  const first = firstReceivedAfter(await probeOf(inbox), deliveredAt);
  return { ms: rowAt - startedAt, lmtpMs: deliveredAt - startedAt, extensionMs: (first?.at ?? Number.NaN) - deliveredAt };
}

/** Scrolls the Inbox's list from top to bottom and waits for the last rows; returns the most rows the DOM held. */
export async function scrollToEnd(inbox: Frame): Promise<number> {
  const most = await inbox.locator('.list').evaluate(async (list) => {
    let largest = list.querySelectorAll('.row').length;
    const step = list.clientHeight * 3;
    while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      list.scrollTop += step;
      const frames = globalThis as unknown as { requestAnimationFrame(callback: () => void): void };
      await new Promise<void>((resolve) => frames.requestAnimationFrame(() => frames.requestAnimationFrame(resolve)));
      largest = Math.max(largest, list.querySelectorAll('.row').length);
    }
    return largest;
  });
  await inbox.locator('.list .row.placeholder').first().waitFor({ state: 'detached', timeout: 60_000 });
  return most;
}

export interface ActivationTimes {
  codeLoadingMs: number;
  activateCallMs: number;
  activateResolvedMs: number;
  activationEvent: string;
}

/**
 * The workbench's own activation times for Mailroom, from "Developer: Startup Performance" (its table
 * "Extension Activation Stats": Load Code, Call Activate, Finish Activate, as the extension host
 * reported them). The editor shows the table as text; the find widget brings Mailroom's line into view.
 */
export async function readActivationTimes(workbench: Workbench, extensionId: string): Promise<ActivationTimes> {
  const { page } = workbench;
  await workbench.runCommand('Developer: Startup Performance');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor();
  const line = page.locator('.editor-instance .view-line', { hasText: `| ${extensionId}` }).first();
  const deadline = Date.now() + 30_000;
  while (!(await line.isVisible())) {
    if (Date.now() > deadline) {
      throw new Error(`the Startup Performance editor shows no line for ${extensionId}`);
    }
    await editor.click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type(`| ${extensionId}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
  }
  const cells = (await line.innerText())
    .replace(/\u00a0/g, ' ')
    .split('|')
    .map((cell) => cell.trim())
    .filter((cell) => cell.length > 0);
  // Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By
  const [, , load, call, finish, event] = cells;
  const times = { codeLoadingMs: Number(load), activateCallMs: Number(call), activateResolvedMs: Number(finish), activationEvent: event ?? '?' };
  if (![times.codeLoadingMs, times.activateCallMs, times.activateResolvedMs].every(Number.isFinite)) {
    throw new Error(`cannot read the activation times from "${cells.join(' | ')}"`);
  }
  await workbench.runCommand('View: Close All Editors');
  return times;
}
