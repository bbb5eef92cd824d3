import { MailroomError, isMailroomError } from '../util/errors';
import type { MailroomErrorCode } from '../util/errors';
import type { Clock } from '../util/clock';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';
import type { Logger } from '../util/log';
import type { ConsentText } from './consent';
import { consentText } from './consent';
import type { SignInEnvironment } from './flowSelection';
import { selectFlows } from './flowSelection';
import type { OAuthClient } from './oauthClient';
import type { PendingSignIns } from './pendingSignIn';
import type { FlowKind, ProviderConfig } from './providerConfig';
import { explainScope } from './scopes';
import type { CancellationLike, SignInFlow, SignInResult } from './flows/signInFlow';

/** The editor interactions of a sign-in, injected so the sequence runs in plain Node tests. */
export interface SignInUi {
  /** Modal consent before the browser opens; resolves true to continue. */
  confirmConsent(text: ConsentText): Promise<boolean>;
  /** Runs one attempt inside a cancellable progress notification. */
  withProgress<T>(title: UiText, task: (cancellation: CancellationLike) => Promise<T>): Promise<T>;
  /** After a failed attempt: "try another way?" Resolves true to go on with `nextLabel`. */
  offerAnotherWay(failure: MailroomError, nextLabel: string): Promise<boolean>;
}

export interface SignInRunnerOptions {
  flows: Partial<Record<FlowKind, SignInFlow>>;
  pendingSignIns: PendingSignIns;
  logger: Logger;
  clock: Clock;
  ui: SignInUi;
  openExternal: (url: string) => Promise<boolean>;
  environment: () => SignInEnvironment;
  /** Time allowed for each attempt. */
  attemptTimeoutMs: number;
}

/** Failures another flow cannot fix: offering "try another way" would only loop. */
const FINAL_FAILURES = new Set<MailroomErrorCode>([
  'AccessDenied',
  'InvalidScope',
  'ScopeNotGranted',
  'InvalidClient',
  'MissingClientId',
  'MissingClientSecret',
  'IssuerMismatch',
  'StorageUnavailable',
  'InsecureEndpoint',
]);

/** Mail scopes the issuer did not grant. A response without `scope` granted what was asked (RFC 6749 §5.1). */
function missingMailScopes(config: Pick<ProviderConfig, 'mailScopes'>, grantedScopes: readonly string[] | undefined): string[] {
  if (grantedScopes === undefined) {
    return [];
  }
  const granted = new Set(grantedScopes.map((scope) => scope.toLowerCase()));
  return config.mailScopes.filter((scope) => !granted.has(scope.toLowerCase()));
}

/**
 * One sign-in from consent to tokens: metadata first (so a wrong issuer fails before anything
 * opens), consent, then each usable flow in order, each in its own progress notification with a
 * timeout, with "try another way" between them. Nothing is stored here.
 */
export class SignInRunner {
  public constructor(private readonly options: SignInRunnerOptions) {}

  public async signIn(config: ProviderConfig, client: OAuthClient, accountHint?: string): Promise<SignInResult> {
    const { ui: surface, logger } = this.options;
    logger.info(`Sign-in to ${config.displayName} started`);
    const deviceAuthorizationSupported = await client.supportsDeviceAuthorization();
    const kinds = selectFlows(this.options.environment(), {
      redirectKinds: config.redirectKinds,
      deviceAuthorizationSupported,
      hasForwardingRedirect: config.forwardingRedirectUri !== undefined,
    });
    const flows = kinds.map((kind) => this.options.flows[kind]).filter((flow): flow is SignInFlow => flow !== undefined);
    if (flows.length === 0) {
      throw new MailroomError(
        'InvalidInput',
        ui`${config.displayName} cannot be signed in to from this kind of editor window: none of its sign-in methods can reach it here.`,
      );
    }
    if (!(await surface.confirmConsent(consentText(config, config.scopes, accountHint)))) {
      throw new MailroomError('Cancelled', 'Sign-in was cancelled.');
    }
    for (const [index, flow] of flows.entries()) {
      try {
        const result = await surface.withProgress(ui`Signing in to ${config.displayName} through ${flow.label}…`, (cancellation) =>
          flow.run({
            config,
            client,
            pendingSignIns: this.options.pendingSignIns,
            scopes: config.scopes,
            logger,
            openExternal: this.options.openExternal,
            cancellation,
            timeoutMs: this.options.attemptTimeoutMs,
            clock: this.options.clock,
          }),
        );
        this.checkGrantedScopes(config, client, result);
        logger.info(`Signed in to ${config.displayName} as ${result.identity.email} (${flow.kind})`);
        return result;
      } catch (error) {
        const failure = isMailroomError(error) ? error : new MailroomError('InvalidResponse', ui`Signing in to ${config.displayName} failed unexpectedly.`);
        logger.warn(`Sign-in through ${flow.kind} did not complete: ${failure.code}`);
        const next = flows[index + 1];
        if (FINAL_FAILURES.has(failure.code) || !next || !(await surface.offerAnotherWay(failure, next.label))) {
          throw failure;
        }
      }
    }
    throw new MailroomError('Cancelled', 'Sign-in was cancelled.');
  }

  private checkGrantedScopes(config: ProviderConfig, client: OAuthClient, result: SignInResult): void {
    const missing = missingMailScopes(config, result.grant.grantedScopes);
    if (missing.length > 0) {
      // Nothing is stored, so the grant is useless: give it back rather than leave it at the issuer.
      const refreshToken = result.grant.refreshToken;
      if (refreshToken) {
        this.options.logger.redactor.register(refreshToken);
        client.revokeRefreshToken(refreshToken).catch(() => undefined);
      }
      // A list rather than an English "and": the message around it is translated whole.
      const words = missing.map((scope) => `"${explainScope(scope)}"`).join(', ');
      throw new MailroomError(
        'ScopeNotGranted',
        ui`${config.displayName} did not grant all the permissions mail needs (missing: ${words}). Mailroom will not connect. Sign in again and allow every permission, or ask your administrator.`,
      );
    }
  }
}
