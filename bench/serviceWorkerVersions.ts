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
}

export interface ServiceWorkerVersions {
  /** When the version registered by the webview with this id became `activating` and `activated` (ms since the epoch). */
  activationOf(webviewId: string): { activatingAt?: number; activatedAt?: number };
}

export async function watchServiceWorkerVersions(page: Page): Promise<ServiceWorkerVersions> {
  const session = await page.context().newCDPSession(page);
  const seen = new Map<string, { scriptURL: string; statusAt: Map<string, number> }>();
  session.on('ServiceWorker.workerVersionUpdated', (event: { versions: VersionUpdate[] }) => {
    const at = Date.now();
    for (const version of event.versions) {
      const entry = seen.get(version.versionId) ?? { scriptURL: version.scriptURL, statusAt: new Map<string, number>() };
      seen.set(version.versionId, entry);
      if (!entry.statusAt.has(version.status)) {
        entry.statusAt.set(version.status, at);
      }
    }
  });
  await session.send('ServiceWorker.enable');
  return {
    activationOf(webviewId) {
      const version = [...seen.values()].find((entry) => new URL(entry.scriptURL).searchParams.get('id') === webviewId);
      return { activatingAt: version?.statusAt.get('activating'), activatedAt: version?.statusAt.get('activated') };
    },
  };
}

/** The webview id of a Mailroom view's host frame (its `id` parameter), which its service worker's script URL carries. */
export function webviewIdOf(hostFrameUrl: string): string | undefined {
  return new URL(hostFrameUrl).searchParams.get('id') ?? undefined;
}
