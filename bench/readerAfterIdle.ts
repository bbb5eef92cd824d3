// A first reader opened after the workbench's webviews have been idle, for bench/editor.ts (issue 12).
// editor.openMessageFirstMs opens each new reader right after the previous one used the webviews' shared
// service worker. Chromium activates a waiting version at once only when the active one has no work
// (ServiceWorkerRegistration::IsReadyToActivate: ServiceWorkerVersion::HasNoWork, i.e. no request in the
// browser and the worker idle on the renderer); otherwise it asks the active worker to stop as soon as it
// is idle and, once it stopped (OnNoWork), activates with a one-second delay. A worker is reported idle
// when its idle timer fires (30 s without events) and is then stopped, unless a DevTools client is
// attached to it (ServiceWorkerVersion::OnRequestTermination): Playwright attaches to every service worker,
// so in this benchmark the idle worker keeps running, where a person's browser would have stopped it.
// This measures both: after an idle wait as the harness leaves it, and after the same wait with the bench
// stopping the idle worker itself, as Chromium does without DevTools. In both, the new webview host's own
// navigation goes through the active worker first (starting it again if stopped), so it is busy when the
// reader's version is installed, and the activation waits the same second as editor.openMessageFirstMs.
import type { Frame } from 'playwright-core';
import { mailroomFrame } from '../test/e2e/mailroom';
import type { Workbench } from '../test/e2e/workbench';
import { closeReader, openMessage } from './editorMeasures';
import type { MessageOpening } from './editorMeasures';
import type { RunningStatusChange, ServiceWorkerVersions } from './serviceWorkerVersions';
import { median, round } from './statistics';

/** Longer than Chromium's service-worker idle delay (blink::mojom::kServiceWorkerDefaultIdleDelayInSeconds, 30 s). */
const idleMs = 35_000;
export const idleRuns = 3;

export interface IdleOpening {
  opening: MessageOpening;
  /** The active version's running status after the idle wait (before the bench stopped it, if it did). */
  afterIdle: string;
  /** Its running status when Enter was pressed. */
  atEnter: string;
  /** Enter until the active worker took the new webview host's own navigation (pre/index.html); NaN if it did not. */
  hostWorkerStartMs: number;
  /** Its running-status changes during the wait and from Enter on, as `status@ms` (from the wait's start, from Enter). */
  duringIdle: string;
  afterEnter: string;
}

const trail = (changes: readonly RunningStatusChange[], from: number): string =>
  changes.map((change) => `${change.runningStatus}@${Math.round(change.at - from)}`).join(' ') || 'none';

/** Closes every editor, waits `idleMs`, optionally stops the idle active worker, then opens a message in a new reader. */
async function openAfterIdle(
  workbench: Workbench,
  inbox: Frame,
  subject: string,
  workers: ServiceWorkerVersions,
  stopIdleWorker: boolean,
): Promise<IdleOpening> {
  await closeReader(workbench);
  const idleFrom = Date.now();
  await workbench.page.waitForTimeout(idleMs);
  const active = workers.activeVersion();
  if (!active) {
    throw new Error('no activated service-worker version after the idle wait');
  }
  const duringIdle = trail(workers.runningStatusChanges(active.versionId, idleFrom), idleFrom);
  if (stopIdleWorker && active.runningStatus !== 'stopped') {
    await workers.stopWorker(active.versionId);
  }
  const opening = await openMessage(workbench, inbox, subject, workers);
  const host = (await mailroomFrame(workbench.page, 'reader')).parentFrame();
  // The host page's Navigation Timing: workerStart is 0 unless a service worker took its navigation.
  const hostWorkerStartAt = Number(
    await host?.evaluate(`(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      return navigation && navigation.workerStart > 0 ? performance.timeOrigin + navigation.workerStart : Number.NaN;
    })()`),
  );
  const changes = workers.runningStatusChanges(active.versionId, 0);
  return {
    opening,
    afterIdle: active.runningStatus,
    hostWorkerStartMs: hostWorkerStartAt - opening.enterAt,
    atEnter: changes.filter((change) => change.at <= opening.enterAt).at(-1)?.runningStatus ?? 'unknown',
    duringIdle,
    afterEnter: trail(
      changes.filter((change) => change.at > opening.enterAt),
      opening.enterAt,
    ),
  };
}

export interface IdleOpenings {
  /** After the idle wait, the worker as the harness leaves it (DevTools attached). */
  kept: IdleOpening[];
  /** After the idle wait, the bench having stopped the idle worker (as Chromium does without DevTools). */
  stopped: IdleOpening[];
}

/** `idleRuns` openings of each kind, alternating. */
export async function openFirstReadersAfterIdle(workbench: Workbench, inbox: Frame, subject: string, workers: ServiceWorkerVersions): Promise<IdleOpenings> {
  const openings: IdleOpenings = { kept: [], stopped: [] };
  for (let run = 0; run < idleRuns; run++) {
    openings.kept.push(await openAfterIdle(workbench, inbox, subject, workers, false));
    openings.stopped.push(await openAfterIdle(workbench, inbox, subject, workers, true));
  }
  return openings;
}

const medianMs = (openings: readonly IdleOpening[], pick: (opening: MessageOpening) => number | undefined): number =>
  round(median(openings.map((idle) => pick(idle.opening)).filter((value): value is number => value !== undefined && Number.isFinite(value))));

function breakdownOf(prefix: string, openings: readonly IdleOpening[]): Record<string, number | string> {
  return {
    [`${prefix}Ms`]: medianMs(openings, (opening) => opening.ms),
    [`${prefix}Runs`]: openings.map((idle) => round(idle.opening.ms)).join(' '),
    // Each run from Enter: the host's navigation taken by the old worker, the new version activated, Mailroom's document written.
    [`${prefix}RunSteps`]: openings
      .map(({ opening, hostWorkerStartMs }) => [hostWorkerStartMs, opening.workerActivatedMs, opening.writtenMs].map((ms) => round(ms ?? Number.NaN)).join('/'))
      .join(' '),
    [`${prefix}WorkerActivationMs`]: medianMs(openings, (opening) => opening.workerActivationMs),
    [`${prefix}WorkerActivatedMs`]: medianMs(openings, (opening) => opening.workerActivatedMs),
    [`${prefix}ActiveWorkerAfterIdle`]: openings.map((idle) => idle.afterIdle).join(' '),
    [`${prefix}ActiveWorkerAtEnter`]: openings.map((idle) => idle.atEnter).join(' '),
    [`${prefix}ActiveWorkerDuringIdle`]: openings.map((idle) => idle.duringIdle).join(' | '),
    [`${prefix}ActiveWorkerAfterEnter`]: openings.map((idle) => idle.afterEnter).join(' | '),
  };
}

export function idleBreakdown(openings: IdleOpenings): Record<string, number | string> {
  return { ...breakdownOf('openMessageFirstAfterIdle', openings.kept), ...breakdownOf('openMessageFirstAfterIdleStopped', openings.stopped) };
}

export const idleNote =
  `openMessageFirstAfterIdle*: editor.openMessageFirstMs's opening made after all editors were closed and the workbench left alone for ${idleMs / 1000} s (longer than Chromium's 30 s service-worker idle delay), median of ${idleRuns}; ` +
  `…WorkerActivationMs/…WorkerActivatedMs as newReaderWorker*; …ActiveWorkerAfterIdle/AtEnter: the running status of the active version (the one the reader's version replaces) after the wait and at Enter; ` +
  `…RunSteps: each run's hostWorkerStart/workerActivated/written ms from Enter, where hostWorkerStart is when the active worker took the new webview host page's own navigation (its Navigation Timing's workerStart; NaN: no worker took it); ` +
  `…DuringIdle/AfterEnter: its running-status changes (status@ms from the wait's start, from Enter; DevTools ServiceWorker domain). ` +
  `Chromium activates a new version at once only if the active one has no work (no request in the browser, and its idle timer fired on the renderer or it is stopped); otherwise it has the active worker stop as soon as it is idle and activates 1 s after it stopped. ` +
  `A worker whose idle timer fired is stopped, except while a DevTools client is attached to it: Playwright attaches to every service worker, so in this harness the idle worker keeps running (openMessageFirstAfterIdle*). ` +
  `openMessageFirstAfterIdleStopped*: the same wait, then the bench stops the active worker (DevTools ServiceWorker.stopWorker) as Chromium would have done without DevTools, the state a person's browser is in after 30 s without webview traffic; ` +
  `either way the active worker takes the new webview host page's own navigation (pre/index.html is in its scope; …RunSteps' hostWorkerStart), starting again if it was stopped (…AfterEnter), so when the reader's version is installed moments later the active worker has just had work: Chromium has it stop as soon as it is idle and activates the new version 1 s after it stopped, as for editor.openMessageFirstMs. ` +
  `Waiting before the first message does not avoid the second, in this harness or in a browser without DevTools`;
