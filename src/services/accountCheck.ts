import type { ProviderKind } from '../auth/accountApi';
import type { AccountService } from '../auth/accountService';
import { readProviderSettings } from '../auth/editorSurface';
import { providerConfig } from '../auth/presets';
import { PROVIDER_KINDS, PROVIDER_LABELS } from '../auth/providerConfig';
import type { CheckTarget } from '../diagnostics/accountCheck';
import { checkAccount, checkDependenciesFor } from '../diagnostics/accountCheck';
import { renderCheckReport } from '../diagnostics/checkReport';
import { notify, pickOne, withProgress } from '../ui/surfaces';
import { failureText, ui } from '../ui/text';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import type { AccountChecking } from './accountChecking';

export interface AccountCheckDependencies {
  readonly accounts: AccountService;
  readonly logger: Logger;
  readonly clock: Pick<Clock, 'now'>;
  /** Opens the rendered report (a read-only Markdown preview). */
  showReport(markdown: string): Promise<void>;
}

/**
 * "Mailroom: Check Account…": runs each step of src/diagnostics on an account (or a provider without
 * one) with the settings as they are now, and shows the report.
 */
export class AccountCheck implements AccountChecking {
  public constructor(private readonly deps: AccountCheckDependencies) {}

  public async check(target?: CheckTarget): Promise<void> {
    const chosen = target ?? (await this.pickTarget());
    if (!chosen) {
      return;
    }
    const { accounts, logger, clock } = this.deps;
    const dependencies = checkDependenciesFor(accounts, (kind) => providerConfig(kind, readProviderSettings()), logger, clock);
    try {
      const report = await withProgress({ title: ui`Checking the mail account…`, where: 'notification' }, () => checkAccount(chosen, dependencies));
      await this.deps.showReport(logger.redactor.redact(renderCheckReport(report)));
    } catch (error) {
      logger.error('Check Account failed', error);
      void notify('error', failureText(error));
    }
  }

  /** Every signed-in account (including those that must sign in again), then each provider without one. */
  private async pickTarget(): Promise<CheckTarget | undefined> {
    const stored = this.deps.accounts.allStoredAccounts();
    const withAccount = new Set<ProviderKind>(stored.map((account) => account.provider));
    const picked = await pickOne(
      [
        ...stored.map((account) => ({
          label: ui`${account.email}`,
          description: ui`${PROVIDER_LABELS[account.provider]}`,
          ...(account.signInRequired === undefined ? {} : { detail: ui`Needs to sign in again` }),
          target: { accountId: account.id } as CheckTarget,
        })),
        ...PROVIDER_KINDS.filter((kind) => !withAccount.has(kind)).map((kind) => ({
          label: ui`${PROVIDER_LABELS[kind]}`,
          description: ui`no account yet: checks the settings and the issuer`,
          target: { provider: kind } as CheckTarget,
        })),
      ],
      { title: ui`Check a mail account`, placeHolder: ui`Which account or provider?` },
    );
    return picked?.target;
  }
}
