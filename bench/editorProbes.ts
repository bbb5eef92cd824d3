// Timestamps taken inside Mailroom's webviews in the real editor, for bench/editor.ts. The workbench hosts
// each webview in a host frame (VS Code's pre/index.html) that writes the view's document into a child
// frame with document.open/write; listeners added to that child before the write would be erased. So a
// script added to every frame of the browser context acts in Mailroom's host frames only: each time a
// Mailroom view has been written into a child frame, it listens in that view's window (capture phase,
// before Mailroom's own handlers) and keeps the timestamps in the host frame's `__mailroomBench`.
//
// Every time is `performance.timeOrigin + performance.now()`: milliseconds since the epoch at sub-
// millisecond resolution, comparable between the workbench's frames (and, to the millisecond, with the
// test process's Date.now()).

export interface ProbeRecord {
  /** The view the host frame shows (inbox, reader, composer), once its document has loaded. */
  view?: string;
  /** When the child frame started to load (its placeholder's timeOrigin, which the written view keeps). */
  documentStartedAt?: number;
  /** When the view's document had been written into it. */
  documentWrittenAt?: number;
  clicks: number[];
  enters: number[];
  /** Messages from the extension, by type, as the view's window received them. */
  received: { at: number; type: string }[];
  /** Load events of frames inside the view (the reader's mail frame), with the size of their srcdoc. */
  frameLoads: { at: number; srcdocLength: number }[];
}

/** Runs in every frame (Playwright's addInitScript); stays inert outside Mailroom's webview host frames. */
export function installWebviewProbes(extensionId: string): void {
  const host = globalThis as unknown as {
    location: { search: string };
    document: { querySelectorAll(selector: string): Iterable<unknown>; documentElement: unknown };
    MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
    __mailroomBench?: ProbeRecord;
  };
  if (!new URLSearchParams(host.location.search).get('extensionId')?.includes(extensionId) || host.__mailroomBench) {
    return;
  }
  type ViewWindow = {
    performance: { timeOrigin: number; now(): number };
    document: {
      body: { dataset: Record<string, string | undefined> } | null;
      addEventListener(type: 'load', listener: (event: { target?: unknown }) => void, capture: boolean): void;
    };
    addEventListener(type: string, listener: (event: { key?: string; data?: unknown; target?: unknown }) => void, capture: boolean): void;
  };
  type ChildFrame = { contentWindow: ViewWindow | null };
  const now = (): number => performance.timeOrigin + performance.now();
  const record: ProbeRecord = { clicks: [], enters: [], received: [], frameLoads: [] };
  host.__mailroomBench = record;
  const listened = new WeakSet<object>();
  const listenIn = (view: ViewWindow): void => {
    const body = view.document.body;
    if (!body?.dataset.view || listened.has(view.document)) {
      return; // the placeholder document before the write, or already listening
    }
    listened.add(view.document);
    record.view = body.dataset.view;
    record.documentStartedAt = view.performance.timeOrigin;
    record.documentWrittenAt = now();
    view.addEventListener('click', () => record.clicks.push(now()), true);
    view.addEventListener('keydown', (event) => event.key === 'Enter' && record.enters.push(now()), true);
    view.addEventListener(
      'message',
      (event) => {
        const type = (event.data as { type?: unknown } | null)?.type;
        record.received.push({ at: now(), type: typeof type === 'string' ? type : '?' });
      },
      true,
    );
    // On the document: a load event of an element does not reach the window.
    view.document.addEventListener(
      'load',
      (event) => {
        const frame = event.target as { tagName?: string; srcdoc?: string };
        if (frame.tagName === 'IFRAME') {
          record.frameLoads.push({ at: now(), srcdocLength: frame.srcdoc?.length ?? 0 });
        }
      },
      true,
    );
  };
  // The host frame writes the view's document into the child frame (document.open/write/close) when the
  // child's placeholder page has fired DOMContentLoaded. Listeners added before the write would be erased,
  // so the placeholder document's close() is wrapped: once the view's document is written, listen in it.
  const hooked = new WeakSet<object>();
  const hookFrames = (): void => {
    for (const frame of host.document.querySelectorAll('iframe') as Iterable<ChildFrame>) {
      const view = frame.contentWindow;
      if (view && !hooked.has(frame)) {
        hooked.add(frame);
        view.addEventListener(
          'DOMContentLoaded',
          (event) => {
            const placeholder = event.target as { close(): void };
            const close = placeholder.close.bind(placeholder);
            placeholder.close = () => {
              close();
              listenIn(view);
              // If the parser still waits for a script, the body comes later.
              view.addEventListener('DOMContentLoaded', () => listenIn(view), true);
            };
          },
          true,
        );
      }
    }
  };
  new host.MutationObserver(hookFrames).observe(host.document.documentElement, { childList: true, subtree: true });
}
