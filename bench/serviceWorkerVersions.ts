// The workbench's webview service-worker versions, for bench/editor.ts: why a new reader's placeholder page
// (VS Code's fake.html) waits about a second. Every webview host (VS Code's pre/index.html) registers
// `service-worker.js?…&id=<its webview id>`; code-server serves every webview from the workbench's own origin,
// so all webviews share one registration, and each new webview's script URL installs a new version over the
// running one. Chromium activates it only after the outgoing worker has stopped, and then continues the
// activation one second later (ServiceWorkerRegistration::ActivateWaitingVersion with `delay`); the host's
// fake.html navigation is answered by the new version once it is activated. The DevTools protocol's
// ServiceWorker domain reports each version's status change; the times are the test process's clock.
import type { Page } from 'playwright-core';

interface VersionUpdate {
  versionId: string;
  scriptURL: string;
  status: string;
  runningStatus: string;
}

/** A version's running status (stopped, starting, running, stopping) from `at` (ms since the epoch). */
export interface RunningStatusChange {
  at: number;
  runningStatus: string;
}

export interface ActiveVersion {
  versionId: string;
  runningStatus: string;
}

export interface ServiceWorkerVersions {
  /** When the version registered by the webview with this id became `activating` and `activated` (ms since the epoch). */
  activationOf(webviewId: string): { activatingAt?: number; activatedAt?: number };
  /** The version that is `activated` now (the one a new webview's version must replace), if any. */
  activeVersion(): ActiveVersion | undefined;
  /** The running-status changes of a version since `since` (ms since the epoch). */
  runningStatusChanges(versionId: string, since: number): RunningStatusChange[];
  /** Stops a version's worker (DevTools protocol), resolving once it is reported stopped. */
  stopWorker(versionId: string): Promise<void>;
}

export async function watchServiceWorkerVersions(page: Page): Promise<ServiceWorkerVersions> {
  const session = await page.context().newCDPSession(page);
  const seen = new Map<string, { scriptURL: string; status: string; statusAt: Map<string, number>; running: RunningStatusChange[] }>();
  session.on('ServiceWorker.workerVersionUpdated', (event: { versions: VersionUpdate[] }) => {
    const at = Date.now();
    for (const version of event.versions) {
      const entry = seen.get(version.versionId) ?? { scriptURL: version.scriptURL, status: version.status, statusAt: new Map<string, number>(), running: [] };
      seen.set(version.versionId, entry);
      entry.status = version.status;
      if (!entry.statusAt.has(version.status)) {
        entry.statusAt.set(version.status, at);
      }
      if (entry.running.at(-1)?.runningStatus !== version.runningStatus) {
        entry.running.push({ at, runningStatus: version.runningStatus });
      }
    }
  });
  await session.send('ServiceWorker.enable');
  return {
    activationOf(webviewId) {
      const version = [...seen.values()].find((entry) => new URL(entry.scriptURL).searchParams.get('id') === webviewId);
      return { activatingAt: version?.statusAt.get('activating'), activatedAt: version?.statusAt.get('activated') };
    },
    activeVersion() {
      const active = [...seen.entries()].filter(([, entry]) => entry.status === 'activated');
      if (active.length > 1) {
        throw new Error(`more than one activated service-worker version: ${active.map(([, entry]) => entry.scriptURL).join(', ')}`);
      }
      const [versionId, entry] = active[0] ?? [];
      return versionId === undefined || !entry ? undefined : { versionId, runningStatus: entry.running.at(-1)?.runningStatus ?? 'unknown' };
    },
    runningStatusChanges(versionId, since) {
      return (seen.get(versionId)?.running ?? []).filter((change) => change.at >= since);
    },
    async stopWorker(versionId) {
      await session.send('ServiceWorker.stopWorker', { versionId });
      const deadline = Date.now() + 10_000;
      while (seen.get(versionId)?.running.at(-1)?.runningStatus !== 'stopped') {
        if (Date.now() > deadline) {
          throw new Error(`service-worker version ${versionId} did not stop`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** The webview id of a Mailroom view's host frame (its `id` parameter), which its service worker's script URL carries. */
export function webviewIdOf(hostFrameUrl: string): string | undefined {
  return new URL(hostFrameUrl).searchParams.get('id') ?? undefined;
}
