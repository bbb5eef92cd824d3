import type { CheckTarget } from '../diagnostics/accountCheck';
import { ui } from '../ui/text';
import type { UiText } from '../ui/text';

/** "Mailroom: Check Account…" as a service: the command, and the button next to a failed sign-in, read or send. */
export interface AccountChecking {
  /** Checks `target`, or the account or provider the person picks; opens the report. */
  check(target?: CheckTarget): Promise<void>;
}

/** The button offered next to a failed sign-in, read or send (made when offered, so it is in the editor's language). */
export function checkAccountAction(): UiText {
  return ui`Check Account…`;
}
