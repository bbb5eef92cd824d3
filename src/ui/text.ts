import { isMailroomError } from '../util/errors';
import { describeError } from '../util/log';
import { fillIn } from '../shared/placeholders';
import { plainText } from '../util/plainText';

/**
 * Text for the editor's own surfaces (notifications, dialogs, progress titles, pickers, the status
 * bar). The only way to make one is the {@link ui} tag, so every value interpolated into it, whether
 * it came from mail, a server or an issuer, has been neutralised: the surfaces in `./surfaces` take
 * nothing else, and lint forbids calling the editor's APIs anywhere but there. Forgetting is a type error.
 *
 * Editor-free, so `src/auth` and `src/mail` can build texts and their tests run in plain Node.
 */
export class UiText {
  /** Only {@link ui} holds the key, so a raw string cannot pose as a text, not even at run time. */
  public constructor(
    key: typeof onlyTheTag,
    public readonly value: string,
  ) {
    if (key !== onlyTheTag) {
      throw new TypeError('UiText is made by the ui`…` tag only');
    }
  }

  public toString(): string {
    return this.value;
  }
}

const onlyTheTag: unique symbol = Symbol('ui');

/** A value as long as this is cut with an ellipsis: a 10 kB subject must not fill the screen. */
const MAX_VALUE_LENGTH = 400;
/** The whole text, our own words included. */
const MAX_TEXT_LENGTH = 2000;

export type UiValue = string | number | UiText;

/** Looks up the user's language's version of one of Mailroom's messages (`{0}`, `{1}` mark the values). */
export type Translator = (message: string) => string;

const untranslated: Translator = (message) => message;
let translate: Translator = untranslated;

/**
 * Installs the editor's translator (`vscode.l10n.t`) at activation. This file stays editor-free, so
 * until then, and in plain-Node tests, texts are Mailroom's English as written.
 */
export function useTranslator(translator: Translator | undefined): void {
  translate = translator ?? untranslated;
}

/** A message of Mailroom's own (not a `ui` text: a webview's label, a setting-independent word) in the user's language. */
export function translated(message: string): string {
  return translate(message);
}

/** The message a `ui` text is translated by: its literal parts joined by `{0}`, `{1}`, … where the values go. */
export function messageOf(literals: readonly string[]): string {
  return literals.reduce((message, literal, index) => (index === 0 ? literal : `${message}{${index - 1}}${literal}`), '');
}

/**
 * `{0}`, `{1}`, … for each value a message takes: passed to `vscode.l10n.t` as its own arguments, so the
 * editor hands the message back with its placeholders in place for {@link fillIn}.
 */
export function placeholdersOf(message: string): string[] {
  const highest = Math.max(-1, ...[...message.matchAll(/\{(\d+)\}/g)].map((match) => Number(match[1])));
  return Array.from({ length: highest + 1 }, (_, index) => `{${index}}`);
}

/**
 * `ui\`New mail from ${from}: ${subject}\``: the literal parts are Mailroom's own words, translated as
 * one message (`New mail from {0}: {1}`, see `l10n/bundle.l10n.json`); each value becomes plain text
 * (see {@link plainText}) and is never translated; a value that is itself a {@link UiText} is kept, so
 * texts compose without being neutralised twice.
 */
export function ui(literals: TemplateStringsArray, ...values: readonly UiValue[]): UiText {
  return bounded(fillIn(translate(messageOf(literals)), values.map(neutralise)));
}

function bounded(text: string): UiText {
  return new UiText(onlyTheTag, text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH - 1)}…` : text);
}

function neutralise(value: UiValue): string {
  if (value instanceof UiText) {
    return value.value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : '';
  }
  return plainText(value, MAX_VALUE_LENGTH);
}

/** Lines or phrases of texts joined by one of Mailroom's own separators. */
export function joinTexts(parts: readonly UiText[], separator: '\n' | ' ' | ', '): UiText {
  return bounded(parts.map((part) => part.value).join(separator));
}

/** A message of Mailroom's own that was kept as a string (a MailroomError's, a stored draft's failure), in the user's language. */
export function ownMessage(message: string): UiText {
  return ui`${translate(message)}`;
}

/** What a failure says to the user: a Mailroom error's own message, anything else prefixed so its origin is clear. */
export function failureText(error: unknown): UiText {
  return isMailroomError(error) ? ownMessage(error.message) : ui`Mailroom: ${describeError(error)}`;
}
