import { isMailroomError } from '../util/errors';
import { describeError } from '../util/log';
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

/**
 * `ui\`New mail from ${from}: ${subject}\``: the literal parts are Mailroom's own words and kept as
 * written; each value becomes plain text (see {@link plainText}); a value that is itself a
 * {@link UiText} is kept, so texts compose without being neutralised twice.
 */
export function ui(literals: TemplateStringsArray, ...values: readonly UiValue[]): UiText {
  let text = literals[0] ?? '';
  values.forEach((value, index) => {
    text += neutralise(value) + (literals[index + 1] ?? '');
  });
  return bounded(text);
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

/** What a failure says to the user: a Mailroom error's own message, anything else prefixed so its origin is clear. */
export function failureText(error: unknown): UiText {
  return isMailroomError(error) ? ui`${error.message}` : ui`Mailroom: ${describeError(error)}`;
}
