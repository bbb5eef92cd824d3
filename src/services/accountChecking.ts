import type { CheckTarget } from '../diagnostics/accountCheck';
import { ui } from '../ui/text';

/** "Mailroom: Check Account…" as a service: the command, and the button next to a failed sign-in, read or send. */
export interface AccountChecking {
  /** Checks `target`, or the account or provider the person picks; opens the report. */
  check(target?: CheckTarget): Promise<void>;
}

/** The button offered next to a failed sign-in, read or send. */
export const CHECK_ACCOUNT_ACTION = ui`Check Account…`;
