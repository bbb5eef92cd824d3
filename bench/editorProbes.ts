// Timestamps taken inside Mailroom's webviews in the real editor, for bench/editor.ts. The workbench hosts
// each webview in a host frame (VS Code's pre/index.html) that loads a placeholder page into a child frame
// and then writes the view's document into it (document.open/write/close); listeners added before the
// write would be erased. So this script, added to every frame of the browser context, keeps a record in
// each of Mailroom's host frames (`__mailroomBench`), and in a placeholder page whose parent holds such a
// record it wraps close() of that window's documents: once the view is written, it listens in the view's
// window (capture phase, before Mailroom's own handlers) and writes into the host frame's record.
//
// Every time is `performance.timeOrigin + performance.now()`: milliseconds since the epoch at sub-
// millisecond resolution, comparable between the workbench's frames (and, to the millisecond, with the
// test process's Date.now()).

/** The Resource Timing of VS Code's placeholder page (fake.html), ms from its frame's start. */
export interface PlaceholderTiming {
  startTime: number;
  workerStart: number;
  fetchStart: number;
  domainLookupStart: number;
  connectStart: number;
  connectEnd: number;
  requestStart: number;
  responseStart: number;
  responseEnd: number;
  nextHopProtocol: string;
}

export interface ProbeRecord {
  /** The view the host frame shows (inbox, reader, composer), once its document has loaded. */
  view?: string;
  /** When the child frame started to load (its placeholder's timeOrigin, which the written view keeps). */
  documentStartedAt?: number;
  /** When the host started writing the view over the placeholder page (VS Code's fake.html), and that page's navigation timing (ms from the frame's start). */
  placeholderLoadedAt?: number;
  placeholderTiming?: PlaceholderTiming;
  /** When the view's document had been written into it. */
  documentWrittenAt?: number;
  clicks: number[];
  enters: number[];
  /** Messages from the extension, by type, as the view's window received them. */
  received: { at: number; type: string }[];
  /** Load events of frames inside the view (the reader's mail frame), with the size of their srcdoc. */
  frameLoads: { at: number; srcdocLength: number }[];
  /** What the probes did, for the message of a failed measurement. */
  trace: string[];
}

/** Runs in every frame (Playwright's addInitScript); does nothing outside Mailroom's webviews. */
export function installWebviewProbes(extensionId: string): void {
  type ViewWindow = {
    location: { search: string };
    parent: unknown;
    performance: { timeOrigin: number; now(): number };
    document: {
      body: { dataset: Record<string, string | undefined> } | null;
      addEventListener(type: 'load', listener: (event: { target?: unknown }) => void, capture: boolean): void;
    };
    addEventListener(type: string, listener: (event: { key?: string; data?: unknown; target?: unknown }) => void, capture: boolean): void;
    __mailroomBench?: ProbeRecord;
  };
  const self = globalThis as unknown as ViewWindow;
  if (new URLSearchParams(self.location.search).get('extensionId') === extensionId) {
    self.__mailroomBench ??= { clicks: [], enters: [], received: [], frameLoads: [], trace: [] };
    return;
  }
  let record: ProbeRecord | undefined;
  try {
    record = self.parent !== self ? (self.parent as ViewWindow).__mailroomBench : undefined;
  } catch {
    return; // a frame of another origin (the reader's sandboxed mail frame)
  }
  if (!record) {
    return;
  }
  const probe = record;
  const now = (): number => performance.timeOrigin + performance.now();
  let listening = false;
  const listenIn = (view: ViewWindow): void => {
    const body = view.document.body;
    if (listening || !body?.dataset.view) {
      return;
    }
    listening = true;
    probe.trace.push(`listening in ${body.dataset.view}`);
    probe.view = body.dataset.view;
    probe.documentStartedAt = view.performance.timeOrigin;
    probe.documentWrittenAt = now();
    view.addEventListener('click', () => probe.clicks.push(now()), true);
    view.addEventListener('keydown', (event) => event.key === 'Enter' && probe.enters.push(now()), true);
    view.addEventListener(
      'message',
      (event) => {
        const type = (event.data as { type?: unknown } | null)?.type;
        probe.received.push({ at: now(), type: typeof type === 'string' ? type : '?' });
      },
      true,
    );
    // On the document: a load event of an element does not reach the window.
    view.document.addEventListener(
      'load',
      (event) => {
        const frame = event.target as { tagName?: string; srcdoc?: string };
        if (frame.tagName === 'IFRAME') {
          probe.frameLoads.push({ at: now(), srcdocLength: frame.srcdoc?.length ?? 0 });
        }
      },
      true,
    );
  };
  probe.trace.push('placeholder page');
  // The prototype's close(), not the document's own: document.open() keeps the window and its realm.
  const documentPrototype = (self as unknown as { Document: { prototype: { close(this: unknown): void } } }).Document.prototype;
  const close = documentPrototype.close;
  const location = self.location as unknown as { href: string };
  probe.trace.push(`placeholder ${location.href.split('?')[0] ?? ''}`);
  documentPrototype.close = function closeAndListen(this: unknown): void {
    // Before the write replaces it: the placeholder as the host found it, and how its page loaded.
    probe.placeholderLoadedAt = now();
    probe.trace.push(`written over ${location.href.split('?')[0] ?? ''}`);
    const timing = performance as unknown as { getEntriesByType(type: string): PlaceholderTiming[] };
    const [navigation] = timing.getEntriesByType('navigation');
    if (navigation) {
      const { startTime, workerStart, fetchStart, domainLookupStart, connectStart, connectEnd, requestStart, responseStart, responseEnd, nextHopProtocol } =
        navigation;
      probe.placeholderTiming = {
        startTime,
        workerStart,
        fetchStart,
        domainLookupStart,
        connectStart,
        connectEnd,
        requestStart,
        responseStart,
        responseEnd,
        nextHopProtocol,
      };
    }
    close.call(this);
    listenIn(self);
    // If the parser still waits for a script, the body comes later.
    self.addEventListener('DOMContentLoaded', () => listenIn(self), true);
  };
}
