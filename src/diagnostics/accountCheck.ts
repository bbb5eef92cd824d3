import type { ListResponse } from 'imapflow';
import type { ProviderKind } from '../auth/accountApi';
import { toMailAccount } from '../auth/accountChanges';
import type { ProviderConfig } from '../auth/providerConfig';
import { PROVIDER_LABELS } from '../auth/providerConfig';
import type { StoredAccount } from '../auth/tokenStore';
import type { ImapTimeouts } from '../mail/connection';
import { DEFAULT_IMAP_TIMEOUTS } from '../mail/connection';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { MailroomError } from '../util/errors';
import { plainText } from '../util/plainText';
import type { CheckReport, CheckStepId, CheckStepResult } from './checkResult';
import { CHECK_STEPS, failed, skipped, stepTitle } from './checkResult';
import { ui } from '../ui/text';
import type { IssuerProbe } from './issuerSteps';
import { checkDiscovery, checkGrant, checkScopes, checkTokenEndpoint } from './issuerSteps';
import { recognizeMistake } from './knownMistakes';
import { checkFolders, checkImap, checkSmtp } from './mailSteps';

/** What to check: a signed-in account, or a provider that has no account yet (its settings and issuer only). */
export type CheckTarget =
  { readonly accountId: string; readonly earlierFailure?: string } | { readonly provider: ProviderKind; readonly earlierFailure?: string };

/** Sign-in's pieces Check Account runs on; the extension passes the account service's, tests their own. */
export interface AccountCheckDependencies {
  /** The provider's configuration from presets + settings; throws a MailroomError when settings are missing. */
  configFor(kind: ProviderKind): ProviderConfig;
  storedAccount(accountId: string): StoredAccount | undefined;
  /** The OAuth client of the account (the one that issued its tokens), or of the provider as configured. */
  issuerFor(subject: StoredAccount | ProviderKind): IssuerProbe;
  /** `MailAccounts.getAccessToken`: the token manager's single-flight path and the mail-host allow-list. */
  accessToken(accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string>;
  readonly clock: Pick<Clock, 'now'>;
  readonly logger: Logger;
  readonly imapTimeouts?: ImapTimeouts;
}

/** The account service's parts Check Account uses (src/auth's AccountService has them). */
export interface CheckableAccounts {
  allStoredAccounts(): StoredAccount[];
  clientForAccount(account: StoredAccount): IssuerProbe;
  clientForProvider(kind: ProviderKind): IssuerProbe;
  getAccessToken(accountId: string, host: string, options?: { forceRefresh?: boolean }): Promise<string>;
}

/** Check Account on the account service: its stored accounts, its OAuth clients, its token manager. */
export function checkDependenciesFor(
  accounts: CheckableAccounts,
  configFor: (kind: ProviderKind) => ProviderConfig,
  logger: Logger,
  clock: Pick<Clock, 'now'>,
): AccountCheckDependencies {
  return {
    configFor,
    storedAccount: (accountId) => accounts.allStoredAccounts().find((account) => account.id === accountId),
    issuerFor: (subject) => (typeof subject === 'string' ? accounts.clientForProvider(subject) : accounts.clientForAccount(subject)),
    accessToken: (accountId, host, options) => accounts.getAccessToken(accountId, host, options),
    clock,
    logger,
  };
}

const needsAccount = (): string => ui`Nothing to check before an account has signed in with this provider. Sign in, then check again.`.value;

/** Runs the steps in order; a step whose prerequisite failed is skipped and says which one. */
export async function checkAccount(target: CheckTarget, dependencies: AccountCheckDependencies): Promise<CheckReport> {
  const account = 'accountId' in target ? dependencies.storedAccount(target.accountId) : undefined;
  const provider = 'accountId' in target ? account?.provider : target.provider;
  if (!provider) {
    throw new MailroomError('NotFound', ui`That account is no longer signed in.`);
  }
  const results = new Map<CheckStepId, CheckStepResult>();
  const skipAfter = (step: CheckStepId, because: CheckStepId): void =>
    void results.set(step, skipped(step, ui`Not checked: "${stepTitle(because)}" did not pass.`.value));
  let config: ProviderConfig | undefined;
  try {
    config = dependencies.configFor(provider);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.set(
      'discovery',
      failed('discovery', message, ui`Fill in the provider's settings as the README's "Signing in" section describes.`.value, undefined),
    );
    skipAfter('tokenEndpoint', 'discovery');
  }
  if (config) {
    // An account is checked with the client that issued its tokens, which may differ from today's settings.
    const issuer = dependencies.issuerFor(account ?? provider);
    const issuerConfig = account ? { ...config, clientId: account.clientId, issuer: provider === 'oidc' ? account.issuer : config.issuer } : config;
    results.set('discovery', await checkDiscovery(issuerConfig, issuer));
    if (results.get('discovery')?.status === 'fail') {
      skipAfter('tokenEndpoint', 'discovery');
    } else {
      results.set('tokenEndpoint', await checkTokenEndpoint(issuerConfig, issuer));
    }
  }
  if (!account) {
    for (const step of ['grant', 'scopes', 'imap', 'folders', 'smtp'] as const) {
      results.set(step, skipped(step, needsAccount()));
    }
  } else {
    await checkSignedInAccount(account, config, dependencies, results);
  }
  return {
    subject: { provider, providerName: config?.displayName ?? PROVIDER_LABELS[provider], email: account?.email },
    checkedAtMs: dependencies.clock.now(),
    steps: CHECK_STEPS.map((step) => masked(results.get(step) ?? skipped(step, ui`Not checked.`.value), dependencies.logger)),
    ...(target.earlierFailure
      ? { earlierFailure: { text: masked(target.earlierFailure, dependencies.logger), mistake: recognizeMistake({ provider, text: target.earlierFailure }) } }
      : {}),
  };
}

async function checkSignedInAccount(
  account: StoredAccount,
  config: ProviderConfig | undefined,
  dependencies: AccountCheckDependencies,
  results: Map<CheckStepId, CheckStepResult>,
): Promise<void> {
  const mailAccount = toMailAccount(account);
  const refresh = (): Promise<string> => dependencies.accessToken(account.id, account.imap.host, { forceRefresh: true });
  results.set('grant', await checkGrant(account, account.provider, refresh, dependencies.clock));
  results.set('scopes', config ? checkScopes(account, config) : skipped('scopes', ui`Not checked: the provider's settings are incomplete.`.value));
  if (results.get('grant')?.status !== 'pass') {
    for (const step of ['imap', 'folders', 'smtp'] as const) {
      results.set(step, skipped(step, ui`Not checked: the mail servers need a valid sign-in first.`.value));
    }
    return;
  }
  const mailDependencies = {
    accessToken: (host: string) => dependencies.accessToken(account.id, host),
    logger: dependencies.logger,
    timeouts: dependencies.imapTimeouts ?? DEFAULT_IMAP_TIMEOUTS,
    testWiring: dependencies,
  };
  const imap: { result: CheckStepResult; folders?: ListResponse[] } = await checkImap(mailAccount, mailDependencies);
  results.set('imap', imap.result);
  results.set(
    'folders',
    imap.folders ? checkFolders(mailAccount, imap.folders) : skipped('folders', ui`Not checked: "${stepTitle('imap')}" did not pass.`.value),
  );
  results.set('smtp', await checkSmtp(mailAccount, mailDependencies));
}

/** The last line of defence: every text of the report goes through the log's redactor, which knows the account's tokens. */
function masked<T extends CheckStepResult | string>(value: T, logger: Logger): T {
  const mask = (text: string): string => logger.redactor.redact(text);
  if (typeof value === 'string') {
    return plainText(mask(value), 600) as T;
  }
  const result = value as CheckStepResult;
  return {
    ...result,
    detail: mask(result.detail),
    ...(result.fix ? { fix: mask(result.fix) } : {}),
    ...(result.mistake ? { mistake: { ...result.mistake, fix: mask(result.mistake.fix) } } : {}),
  } as T;
}
