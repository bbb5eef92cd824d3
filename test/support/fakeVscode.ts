import Module, { createRequire } from 'node:module';
import { PACING_WINDOW_MS } from '../../src/ui/notificationPacing';
import type * as Surfaces from '../../src/ui/surfaces';
import type { Clock } from '../../src/util/clock';
import { systemClock } from '../../src/util/clock';

/**
 * A stand-in for the `vscode` module that records every string the editor's surfaces are handed, so
 * a plain-Node test can check what a notification, picker or status-bar item would render.
 */
export interface Rendered {
  readonly surface: string;
  readonly text: string;
  /** When the editor was handed it, on {@link FakeEditor.now}. */
  readonly at: number;
}

export class FakeEditor {
  public readonly rendered: Rendered[] = [];
  /** Every `vscode.commands.executeCommand` call, with its arguments. */
  public readonly executedCommands: unknown[][] = [];
  /** The answer a message or picker gives: the index of the action or item to choose. */
  public choose: number | undefined = 0;
  /** The time a rendering is stamped with (a test's fake clock). */
  public now: () => number = () => 0;

  private record(surface: string, ...texts: (string | undefined)[]): void {
    for (const text of texts) {
      if (text !== undefined) {
        this.rendered.push({ surface, text, at: this.now() });
      }
    }
  }

  public readonly module = {
    ProgressLocation: { Window: 10, Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    commands: {
      executeCommand: async (...call: unknown[]): Promise<undefined> => {
        this.executedCommands.push(call);
        return undefined;
      },
    },
    window: {
      showInformationMessage: (message: string, options: { detail?: string }, ...items: { title: string }[]) =>
        this.message('information', message, options, items),
      showWarningMessage: (message: string, options: { detail?: string }, ...items: { title: string }[]) => this.message('warning', message, options, items),
      showErrorMessage: (message: string, options: { detail?: string }, ...items: { title: string }[]) => this.message('error', message, options, items),
      withProgress: async (options: { title: string }, task: (progress: unknown, token: unknown) => Promise<unknown>) => {
        this.record('progress title', options.title);
        return task({}, { isCancellationRequested: false });
      },
      showQuickPick: async (items: { label: string; description?: string; detail?: string }[], options: { title?: string; placeHolder?: string }) => {
        this.record('picker', options.title, options.placeHolder);
        items.forEach((item) => this.record('picker item', item.label, item.description, item.detail));
        return this.choose === undefined ? undefined : items[this.choose];
      },
      createQuickPick: () => {
        const record = (...texts: (string | undefined)[]): void => this.record('live picker', ...texts);
        return {
          set title(value: string) {
            record(value);
          },
          set placeholder(value: string | undefined) {
            record(value);
          },
          set items(items: { label: string; description?: string; detail?: string }[]) {
            items.forEach((item) => record(item.label, item.description, item.detail));
          },
          selectedItems: [],
          value: '',
          onDidChangeValue: () => ({ dispose() {} }),
          onDidAccept: () => ({ dispose() {} }),
          onDidHide: () => ({ dispose() {} }),
          show() {},
          dispose() {},
        };
      },
      showInputBox: async (options: { title?: string; prompt?: string; placeHolder?: string; validateInput?: (value: string) => string | undefined }) => {
        this.record('input box', options.title, options.prompt, options.placeHolder, options.validateInput?.(''));
        return undefined;
      },
      createStatusBarItem: () => {
        const record = (part: string, text: string): void => this.record(`status bar ${part}`, text);
        return {
          set name(value: string) {
            record('name', value);
          },
          set text(value: string) {
            record('text', value);
          },
          set tooltip(value: string) {
            record('tooltip', value);
          },
          set accessibilityInformation(value: { label: string }) {
            record('label', value.label);
          },
          command: undefined,
          show() {},
          hide() {},
          dispose() {},
        };
      },
    },
  };

  private async message(severity: string, message: string, options: { detail?: string }, items: { title: string }[]): Promise<{ title: string } | undefined> {
    this.record(`${severity} message`, message, options.detail);
    items.forEach((item) => this.record(`${severity} button`, item.title));
    return this.choose === undefined ? undefined : items[this.choose];
  }
}

type Resolver = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolver; _cache: object };
const FAKE_PATH = '/fake-vscode-for-tests.js';

/** The editor `require('vscode')` answers for right now. */
let current: FakeEditor | undefined;

/**
 * One `vscode` module for the whole test process: a module that imports `vscode` is loaded once and
 * keeps what it got, so the fake delegates to whichever editor is installed when a call is made.
 */
/** A namespace of the fake module (`window`, `commands`) that forwards to the installed editor's. */
function forwardToCurrent(namespace: 'window' | 'commands'): object {
  return new Proxy(
    {},
    {
      get: (_target, name) => {
        if (!current) {
          throw new Error('no fake editor is installed');
        }
        return Reflect.get(current.module[namespace], name);
      },
    },
  );
}

const sharedModule = {
  ProgressLocation: { Window: 10, Notification: 15 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  window: forwardToCurrent('window'),
  commands: forwardToCurrent('commands'),
};

/** A clock on which every reading is a pacing window after the one before: no notification waits for its turn. */
function clockWithRoomForEveryNotification(): Clock {
  let time = 0;
  return {
    now: () => (time += PACING_WINDOW_MS),
    sleep: async () => undefined,
  };
}

/**
 * Makes `require('vscode')` reach `editor` until the returned function is called. The fake editor has no
 * toast limit, so Mailroom's notifications reach it at once (src/ui/notificationPacing.ts keeps them to the
 * real editor's); a test of that pacing gives `notificationPacing` its own clock after this.
 */
export function installFakeVscode(editor: FakeEditor): () => void {
  const original = loader._resolveFilename;
  current = editor;
  loader._resolveFilename = (request, ...rest) => (request === 'vscode' ? FAKE_PATH : original(request, ...rest));
  Reflect.set(loader._cache, FAKE_PATH, { id: FAKE_PATH, filename: FAKE_PATH, loaded: true, children: [], exports: sharedModule });
  // Loaded only now: the module reaches for `vscode` as it loads.
  const { notificationPacing } = createRequire(__filename)('../../src/ui/surfaces') as typeof Surfaces;
  notificationPacing.useClock(clockWithRoomForEveryNotification());
  return () => {
    notificationPacing.useClock(systemClock);
    loader._resolveFilename = original;
    current = undefined;
  };
}
