import * as vscode from 'vscode';
import { systemClock } from '../util/clock';
import { NotificationPacer } from './notificationPacing';
import type { UiText } from './text';

/**
 * The one place Mailroom calls the editor's notification, dialog, progress, picker, input and
 * status-bar APIs (lint forbids them elsewhere). Each takes {@link UiText}, which only the `ui` tag
 * makes, so text from mail, servers or an issuer reaches these surfaces neutralised or not at all.
 */

type Severity = 'info' | 'warning' | 'error';

/** Every notification below goes through it, so that the editor draws a toast for each (tests give it their clock). */
export const notificationPacing = new NotificationPacer(systemClock);

interface ActionItem extends vscode.MessageItem {
  readonly action: UiText;
}

function showMessage(severity: Severity, message: string, options: vscode.MessageOptions, items: ActionItem[]): Thenable<ActionItem | undefined> {
  switch (severity) {
    case 'info':
      return vscode.window.showInformationMessage(message, options, ...items);
    case 'warning':
      return vscode.window.showWarningMessage(message, options, ...items);
    case 'error':
      return vscode.window.showErrorMessage(message, options, ...items);
  }
}

async function ask(severity: Severity, message: UiText, options: vscode.MessageOptions, actions: readonly UiText[]): Promise<UiText | undefined> {
  const chosen = await showMessage(
    severity,
    message.value,
    options,
    actions.map((action) => ({ title: action.value, action })),
  );
  return chosen?.action;
}

/**
 * A notification; resolves to the action chosen (the same object that was passed), if any. Shown once
 * {@link notificationPacing} has room: about a second later when Mailroom has just shown three.
 */
export function notify(severity: Severity, message: UiText, ...actions: readonly UiText[]): Promise<UiText | undefined> {
  const turn = notificationPacing.nextTurn();
  return turn ? turn.then(() => ask(severity, message, {}, actions)) : ask(severity, message, {}, actions);
}

/** A modal dialog with a detail line; resolves to the action chosen, undefined when cancelled. */
export function askModal(severity: Severity, message: UiText, detail: UiText | undefined, ...actions: readonly UiText[]): Promise<UiText | undefined> {
  return ask(severity, message, { modal: true, ...(detail ? { detail: detail.value } : {}) }, actions);
}

export interface ProgressOptions {
  readonly title: UiText;
  /** A notification with a Cancel button, or a quiet spinner in the status bar. */
  readonly where: 'notification' | 'window';
  readonly cancellable?: boolean;
}

export function withProgress<T>(options: ProgressOptions, task: (cancellation: vscode.CancellationToken) => Thenable<T>): Thenable<T> {
  const location = options.where === 'notification' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  if (options.where === 'notification') {
    // The work starts now; a message shown after it waits its turn. A quiet 'window' progress is not counted by the editor.
    notificationPacing.shownNow();
  }
  return vscode.window.withProgress({ location, title: options.title.value, cancellable: options.cancellable ?? false }, (_progress, token) => task(token));
}

/** An AbortSignal that aborts when the person presses a progress notification's Cancel (for code without `vscode`). */
export function abortSignalOf(cancellation: vscode.CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (cancellation.isCancellationRequested) {
    abort.abort();
  } else {
    cancellation.onCancellationRequested(() => abort.abort());
  }
  return abort.signal;
}

/** Icons Mailroom puts before a picker label; a closed set, so no text ever chooses one. */
export type PickIcon = 'send' | 'edit' | 'close' | 'error';

export interface PickItem {
  readonly label: UiText;
  readonly icon?: PickIcon;
  readonly description?: UiText;
  readonly detail?: UiText;
  readonly alwaysShow?: boolean;
}

interface EditorPickItem<T extends PickItem> extends vscode.QuickPickItem {
  readonly item: T;
}

function toEditorItem<T extends PickItem>(item: T): EditorPickItem<T> {
  return {
    label: item.icon ? `$(${item.icon}) ${item.label.value}` : item.label.value,
    ...(item.description ? { description: item.description.value } : {}),
    ...(item.detail ? { detail: item.detail.value } : {}),
    ...(item.alwaysShow ? { alwaysShow: true } : {}),
    item,
  };
}

export interface PickOptions {
  readonly title: UiText;
  readonly placeHolder?: UiText;
  readonly ignoreFocusOut?: boolean;
  readonly matchOnDescription?: boolean;
}

/** One choice from a list; resolves to the item passed in, undefined when dismissed. */
export async function pickOne<T extends PickItem>(items: readonly T[], options: PickOptions): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items.map(toEditorItem), {
    title: options.title.value,
    ...(options.placeHolder ? { placeHolder: options.placeHolder.value } : {}),
    ignoreFocusOut: options.ignoreFocusOut ?? false,
    matchOnDescription: options.matchOnDescription ?? false,
  });
  return picked?.item;
}

/**
 * A picker that stays open while its items change (free entry plus ticked items): the editor's
 * QuickPick with items that carry {@link UiText} only.
 */
export class LivePicker<T extends PickItem> implements vscode.Disposable {
  private readonly quickPick = vscode.window.createQuickPick<EditorPickItem<T>>();
  private shown: EditorPickItem<T>[] = [];

  public constructor(options: PickOptions & { readonly canSelectMany: boolean }) {
    this.quickPick.title = options.title.value;
    this.quickPick.placeholder = options.placeHolder?.value;
    this.quickPick.canSelectMany = options.canSelectMany;
    this.quickPick.ignoreFocusOut = options.ignoreFocusOut ?? false;
    this.quickPick.matchOnDescription = options.matchOnDescription ?? false;
  }

  public get value(): string {
    return this.quickPick.value;
  }

  public get items(): readonly T[] {
    return this.shown.map((shown) => shown.item);
  }

  public set items(items: readonly T[]) {
    // The editor matches selections by object identity: an item shown before keeps its wrapper.
    const previous = new Map(this.shown.map((shown) => [shown.item, shown]));
    this.shown = items.map((item) => previous.get(item) ?? toEditorItem(item));
    this.quickPick.items = this.shown;
  }

  public get selectedItems(): readonly T[] {
    return this.quickPick.selectedItems.map((shown) => shown.item);
  }

  public set selectedItems(items: readonly T[]) {
    this.quickPick.selectedItems = this.shown.filter((shown) => items.includes(shown.item));
  }

  public readonly onDidChangeValue = this.quickPick.onDidChangeValue;
  public readonly onDidAccept = this.quickPick.onDidAccept;
  public readonly onDidHide = this.quickPick.onDidHide;

  public show(): void {
    this.quickPick.show();
  }

  public dispose(): void {
    this.quickPick.dispose();
  }
}

export interface InputOptions {
  readonly title: UiText;
  readonly prompt?: UiText;
  readonly placeHolder?: UiText;
  /**
   * Text the user edits (a reply's subject, say). An input box shows its value as typed characters,
   * never as links or icons, so it stays as written: neutralising it would change what is sent.
   */
  readonly value?: string;
  readonly password?: boolean;
  readonly ignoreFocusOut?: boolean;
  readonly validate?: (value: string) => UiText | undefined;
}

export async function askText(options: InputOptions): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: options.title.value,
    ...(options.prompt ? { prompt: options.prompt.value } : {}),
    ...(options.placeHolder ? { placeHolder: options.placeHolder.value } : {}),
    ...(options.value === undefined ? {} : { value: options.value }),
    password: options.password ?? false,
    ignoreFocusOut: options.ignoreFocusOut ?? false,
    ...(options.validate ? { validateInput: (value: string) => options.validate?.(value)?.value } : {}),
  });
}

export interface StatusItemOptions {
  readonly id: string;
  readonly name: UiText;
  readonly alignment: 'left' | 'right';
  readonly priority: number;
  readonly command?: string;
}

/** A status-bar entry whose icon is Mailroom's choice and whose text and tooltip are {@link UiText}. */
export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  public constructor(options: StatusItemOptions) {
    const alignment = options.alignment === 'left' ? vscode.StatusBarAlignment.Left : vscode.StatusBarAlignment.Right;
    this.item = vscode.window.createStatusBarItem(options.id, alignment, options.priority);
    this.item.name = options.name.value;
    this.item.command = options.command;
  }

  public show(icon: 'mail', text: UiText, tooltip: UiText): void {
    this.item.text = `$(${icon}) ${text.value}`;
    this.item.tooltip = tooltip.value;
    this.item.accessibilityInformation = { label: tooltip.value };
    this.item.show();
  }

  public hide(): void {
    this.item.hide();
  }

  public dispose(): void {
    this.item.dispose();
  }
}
