// The end-to-end fixture: the packaged Mailroom (.vsix) installed into code-server, its workbench open in
// Chromium as a person would use it, optionally with the local stack and Mailroom pointed at it.
//
//   const workbench = await openWorkbench({ name: 'inbox', stack: { seed: 'fixture' } });
//   await workbench.runCommand('Mailroom: Sign In…');
//   await workbench.screenshot('inbox-signed-in');
//   await workbench.close();
//
// Build first: `node esbuild.js --tests && npx vsce package --no-dependencies` (or set MAILROOM_VSIX to a .vsix).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Stack, StackOptions } from '../stack';
import { launchChromium } from '../editor/browser';
import { startCodeServer } from '../editor/codeServer';
import type { CodeServer } from '../editor/codeServer';
import { packagedExtensionPath, screenshotDirectory } from '../editor/paths';
import { prepareEditorTestContext } from '../editor/testContext';
import type { EditorTestContext } from '../editor/testContext';

export interface WorkbenchOptions {
  /** Names the editor's folder under .test-output/editor/e2e-<name>/ and prefixes screenshots. */
  name: string;
  /** Start the local stack (with these options) and configure Mailroom for it. */
  stack?: StackOptions;
  /** Extra user settings (applied after the stack's); a function gets the started stack (e.g. its forwarder URL). */
  settings?: Record<string, unknown> | ((stack: Stack | undefined) => Record<string, unknown>);
  /** Extra environment for the server and extension host. */
  env?: Record<string, string>;
  /** Keep workspace trust on, so the opened folder is untrusted (Restricted Mode); see CodeServerOptions. */
  workspaceTrust?: boolean;
  /**
   * Install the packaged Mailroom before the editor starts (the default). `false` starts the editor without it,
   * for a test that installs it the way a person does, in the running editor.
   */
  installBeforeStart?: boolean;
  /** Extra Chromium switches (see launchChromium). */
  browserArguments?: readonly string[];
  /** Keep SecretStorage in the browser's localStorage, as code-server does (see CodeServerOptions). */
  persistSecrets?: boolean;
  /** Fills the workspace folder before the workbench opens it (a Git repository the Git extension finds at start). */
  prepareWorkspace?: (workspaceDirectory: string) => void;
}

export interface Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  readonly stack: Stack | undefined;
  /** Saves a PNG of the whole window under .test-output/screenshots/ and returns its path. */
  screenshot(label: string): Promise<string>;
  /** For `afterEach`: a screenshot named after the test, if it failed. */
  screenshotIfFailed(test: { state?: string; title: string } | undefined): Promise<void>;
  /** Opens the command palette, types `query` and returns the labels it lists (e.g. "Mailroom: Sign In…"). */
  listCommands(query: string): Promise<string[]>;
  /** Runs a command by its palette label, as a person would (F1, type, Enter). */
  runCommand(label: string): Promise<void>;
  /** The labels of the open quick pick (command palette, a command's choices), once the list is stable. */
  readQuickInputLabels(): Promise<string[]>;
  /** Clicks the entry of the open quick pick whose label is exactly `label`. */
  pickQuickInputItem(label: string): Promise<void>;
  /** Types into the open quick input (an input box or a quick pick's filter) and presses Enter. */
  answerQuickInput(text: string): Promise<void>;
  /** Clicks the entry of the open context menu (e.g. the Accounts menu) whose label matches. */
  chooseMenuItem(label: string | RegExp): Promise<void>;
  /** A modal dialog (e.g. Mailroom's sign-in consent) containing this text. */
  dialog(text: string | RegExp): Locator;
  /** A notification toast containing this text. */
  notification(text: string | RegExp): Locator;
  /** Presses Escape until no quick input, menu or dialog is open. */
  dismiss(): Promise<void>;
  /** Closes every other browser tab (a sign-in page, say; not another window) and brings the workbench to the front. */
  returnToEditor(): Promise<void>;
  /** The activity bar entry with this title (e.g. "Mail"). */
  activityBarItem(title: string): Locator;
  /** Opens the Accounts menu (bottom of the activity bar) and returns the labels of its entries ([] if it has none). */
  openAccountsMenu(): Promise<string[]>;
  /**
   * Another window of the same editor: a new tab of the same browser (so the same browser storage, where the
   * workbench keeps SecretStorage) on the same server, which gives it its own extension host. Resolves once its
   * workbench is ready; its `close` closes that tab only.
   */
  openAnotherWindow(name: string): Promise<Workbench>;
  /** Closes this window's tab as a person closes a window (its unload handlers run); the server goes on. */
  closeWindow(): Promise<void>;
  /** Closes the browser, stops code-server and the stack (another window's: closes its tab). */
  close(): Promise<void>;
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

function activityBarEntry(page: Page, title: string): Locator {
  return page.locator('.part.activitybar .action-item a.action-label').and(page.locator(`[aria-label^="${title}"]`));
}

/**
 * The workbench runs without the smoke-test driver (which would refuse every dialog, sign-in consent
 * included), so readiness is what a person sees: the activity bar with Mailroom's Mail entry (the
 * extension's contributions are processed; when it was installed before the start) and the status bar.
 */
async function waitForWorkbench(page: Page, mailroomInstalled: boolean): Promise<void> {
  const timeout = 60_000;
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  if (mailroomInstalled) {
    await activityBarEntry(page, 'Mail').waitFor({ state: 'visible', timeout });
  }
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/**
 * The texts of the dialogs on screen ('' when none), for the run's output. Never a one-time sign-in code: the
 * device-code dialog names one, and the question about opening the verification page carries it in the URL.
 */
async function dialogTexts(page: Page): Promise<string> {
  const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
  if (dialogs.length === 0) {
    return '';
  }
  return JSON.stringify(dialogs)
    .replace(/\bcode\s+[^\s"]+/gi, 'code …')
    .replace(/(https?:\/\/[^\s"?#]*)[?#][^\s"]*/gi, '$1?…');
}

type WorkbenchHelpers = Omit<Workbench, 'page' | 'server' | 'stack' | 'close' | 'closeWindow' | 'openAnotherWindow'>;

/** Matches exactly this text (a label, a title), as `hasText` takes it. */
export function exactly(label: string): RegExp {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function workbenchHelpers(page: Page, name: string, windowPages: ReadonlySet<Page>): WorkbenchHelpers {
  const dismiss = async (): Promise<void> => {
    // A dialog's modal block counts even when its box is not (yet) visible: the block alone takes every click.
    const overlays = page.locator(`${QUICK_INPUT}:visible, .context-view .monaco-menu:visible, .monaco-dialog-box:visible, .monaco-dialog-modal-block`);
    for (let attempt = 0; attempt < 3 && (await overlays.count()) > 0; attempt += 1) {
      // Which dialog a step had to close goes to the run's output: a dialog nobody expected is a finding.
      const dialogs = await dialogTexts(page);
      if (dialogs) {
        console.log(`      [${name}] closing a dialog: ${dialogs.slice(0, 300)}`);
      }
      await page.keyboard.press('Escape');
      // Let it close before anything else is clicked: a click during the close can be swallowed.
      await overlays
        .first()
        .waitFor({ state: 'hidden', timeout: 2_000 })
        .catch(() => undefined);
    }
  };

  const openPalette = async (query: string): Promise<void> => {
    await dismiss();
    // A focused webview (the Inbox, the reader, the composer) does not always hand a shortcut on to the
    // workbench: take the focus back first, as a click outside the webview would.
    await page.evaluate('document.activeElement?.blur()');
    await page.keyboard.press('F1');
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible' });
    // F1 starts with ">"; keep it so the palette searches commands.
    await input.fill(`>${query}`);
  };

  const readQuickInputLabels = async (): Promise<string[]> => {
    // Rows of a list the quick input showed before (the palette's) can stay in the DOM, hidden: read the visible ones.
    const labels = page.locator(QUICK_INPUT_ROWS).locator('.label-name').filter({ visible: true });
    await labels.first().waitFor({ state: 'visible' });
    // The list re-renders while the filter settles: read until two reads in a row agree.
    let previous = '';
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const current = await labels.allInnerTexts();
      if (current.join('\n') === previous) {
        return current;
      }
      previous = current.join('\n');
      await page.waitForTimeout(250);
    }
    return previous.split('\n');
  };

  const pickQuickInputItem = async (label: string): Promise<void> => {
    // Only a visible row: the palette's earlier list can stay in the DOM, hidden, with the same label (the row
    // "Notifications: Clear All Notifications" once resolved to such a stale row and the click waited 30 s on it).
    const row = page
      .locator(QUICK_INPUT_ROWS)
      .filter({ has: page.locator('.label-name', { hasText: exactly(label) }), visible: true })
      .first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  };

  const answerQuickInput = async (text: string): Promise<void> => {
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await input.press('Enter');
  };

  const listCommands = async (query: string): Promise<string[]> => {
    await openPalette(query);
    return readQuickInputLabels();
  };

  const runCommand = async (label: string): Promise<void> => {
    await openPalette(label);
    await pickQuickInputItem(label);
  };

  const chooseMenuItem = async (label: string | RegExp): Promise<void> => {
    const text = { hasText: typeof label === 'string' ? exactly(label) : label };
    const item = page.locator('.context-view .monaco-menu .action-item .action-label', text).first();
    await item.waitFor({ state: 'visible' });
    // Chosen with the keyboard: the workbench's menus ignore a mouse-up that comes too soon after they were drawn
    // (so the click that opened a menu cannot also choose from it), and under load "too soon" was seen to swallow a
    // click made 250 ms later (the Accounts menu stayed open with its entry highlighted). Hovering focuses the entry.
    await item.hover();
    await page.locator('.context-view .monaco-menu .action-item.focused .action-label', text).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
  };

  const returnToEditor = async (): Promise<void> => {
    await Promise.all(
      page
        .context()
        .pages()
        .filter((tab) => tab !== page && !windowPages.has(tab))
        .map(async (tab) => tab.close().catch(() => undefined)),
    );
    // As a person does after the browser part of a sign-in: back to the editor, nothing else open.
    await page.bringToFront();
  };

  const activityBarItem = (title: string): Locator => activityBarEntry(page, title);
  const dialog = (text: string | RegExp): Locator => page.locator('.monaco-dialog-box', { hasText: text });
  const notification = (text: string | RegExp): Locator => page.locator('.notification-toast', { hasText: text });

  const openAccountsMenu = async (): Promise<string[]> => {
    // Click the entry rather than its icon: a "Sign in requested" badge covers the icon.
    const entry = page.locator('.part.activitybar .action-item').filter({ has: page.locator('a.codicon-accounts-view-bar-icon') });
    // In one CI run a modal dialog's block took this click for 30 s, after sign-in (the run kept no picture of
    // it; the dismissal before the click had not seen its box). A dialog can open between the dismissal and the
    // click: dismiss again and retry; the dismissal names the dialog it closes, and one that stays is named in
    // the failure.
    for (const deadline = Date.now() + 30_000; ;) {
      await dismiss();
      const clicked = await entry.click({ timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (clicked) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`the Accounts menu could not be opened; dialogs on screen: ${await dialogTexts(page)}`);
      }
    }
    // With no account and no sign-in request the editor shows no menu at all.
    const menu = page.locator('.context-view .monaco-menu');
    const opened = await menu.waitFor({ state: 'visible', timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (!opened) {
      return [];
    }
    const items = menu.locator('.action-item .action-label');
    return (await items.allInnerTexts()).map((text) => text.trim()).filter((text) => text.length > 0);
  };

  const screenshot = async (label: string): Promise<string> => {
    fs.mkdirSync(screenshotDirectory, { recursive: true });
    const file = path.join(screenshotDirectory, `${name}-${label}.png`);
    await page.screenshot({ path: file });
    return file;
  };

  const screenshotIfFailed = async (test: { state?: string; title: string } | undefined): Promise<void> => {
    if (test?.state === 'failed') {
      await screenshot(`failed-${test.title.replace(/\W+/g, '-')}`);
    }
  };

  return {
    screenshot,
    screenshotIfFailed,
    listCommands,
    runCommand,
    readQuickInputLabels,
    pickQuickInputItem,
    answerQuickInput,
    chooseMenuItem,
    dialog,
    notification,
    dismiss,
    returnToEditor,
    activityBarItem,
    openAccountsMenu,
  };
}

/** The workbench's console and uncaught errors (webviews' included), for reading after a failure. */
function recordBrowserConsole(page: Page, file: string): void {
  const append = (line: string): void => fs.appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
  page.on('console', (message) => append(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => append(`[uncaught] ${error.message}`));
}

/** Closes one window's tab as a person does (the page's unload handlers run) and resolves once it is gone. */
async function closeTab(page: Page): Promise<void> {
  const closed = new Promise<void>((resolve) => page.once('close', () => resolve()));
  await page.close({ runBeforeUnload: true });
  await closed;
}

/** Starts what the options ask for and opens the workbench with the packaged extension installed. */
export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const vsix = packagedExtensionPath();
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} is missing; build it with: npx vsce package --no-dependencies`);
  }
  let context: EditorTestContext | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    await context?.stop();
  };
  try {
    context = await prepareEditorTestContext(options.stack);
    server = await startCodeServer({
      name: `e2e-${options.name}`,
      installExtensions: options.installBeforeStart === false ? [] : [vsix],
      settings: { ...context.settings, ...(typeof options.settings === 'function' ? options.settings(context.stack) : options.settings) },
      env: { ...context.env, ...options.env },
      ...(options.workspaceTrust ? { workspaceTrust: true } : {}),
      ...(options.persistSecrets ? { persistSecrets: true } : {}),
    });
    options.prepareWorkspace?.(server.workspaceDirectory);
    browser = await launchChromium(options.browserArguments);
    const browserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { stack } = context;
    const started = server;
    const mailroomInstalled = options.installBeforeStart !== false;
    const windowPages = new Set<Page>();
    const openWindow = async (name: string, windowClose: (page: Page) => Promise<void>): Promise<Workbench> => {
      const page = await browserContext.newPage();
      windowPages.add(page);
      page.once('close', () => windowPages.delete(page));
      recordBrowserConsole(page, path.join(started.directory, name === options.name ? 'browser-console.log' : `browser-console-${name}.log`));
      await page.goto(started.workbenchUrl());
      await waitForWorkbench(page, mailroomInstalled);
      return {
        page,
        server: started,
        stack,
        close: () => windowClose(page),
        closeWindow: () => closeTab(page),
        openAnotherWindow: (other) => openWindow(other, closeTab),
        ...workbenchHelpers(page, name, windowPages),
      };
    };
    return await openWindow(options.name, close);
  } catch (error) {
    await close();
    throw error;
  }
}
