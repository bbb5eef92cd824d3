import type * as vscode from 'vscode';
import { MailroomError } from '../../util/errors';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/log';
import type { OAuthClient } from '../oauthClient';
import type { SignedInIdentity, TokenGrant } from '../tokenResponse';
import type { PendingSignIns } from '../pendingSignIn';
import type { FlowKind, ProviderConfig } from '../providerConfig';
import { ui } from '../../ui/text';

/** The shape of `vscode.CancellationToken`, so flows run in plain Node tests too. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  readonly onCancellationRequested: vscode.Event<unknown>;
}

/** What one sign-in attempt gets to work with; the editor surface is injected, never imported. */
export interface AttemptContext {
  readonly config: ProviderConfig;
  readonly client: OAuthClient;
  readonly pendingSignIns: PendingSignIns;
  readonly scopes: readonly string[];
  readonly logger: Logger;
  /** Opens a URL in the user's browser (`env.openExternal`); never a webview. */
  readonly openExternal: (url: string) => Promise<boolean>;
  readonly cancellation: CancellationLike;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

export interface SignInResult {
  grant: TokenGrant;
  identity: SignedInIdentity;
}

export interface SignInFlow {
  readonly kind: FlowKind;
  /** How the attempt is described to people ("your browser, back through VS Code"). */
  readonly label: string;
  run(context: AttemptContext): Promise<SignInResult>;
}

/**
 * Waits for `promise` unless the person cancels or the attempt times out first. The losing
 * promise is left to settle on its own; callers clean up in `finally`.
 */
export function withinAttempt<T>(promise: Promise<T>, context: Pick<AttemptContext, 'cancellation' | 'timeoutMs'>): Promise<T> {
  if (context.cancellation.isCancellationRequested) {
    return Promise.reject(new MailroomError('Cancelled', 'Sign-in was cancelled.'));
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new MailroomError(
          'Timeout',
          ui`Sign-in did not complete within ${Math.round(context.timeoutMs / 60_000) || 1} minutes. If the browser showed an error instead of a sign-in page, check the client ID and the redirect URIs registered with the provider.`,
        ),
      );
    }, context.timeoutMs);
    const subscription = context.cancellation.onCancellationRequested(() => {
      finish();
      reject(new MailroomError('Cancelled', 'Sign-in was cancelled.'));
    });
    function finish(): void {
      clearTimeout(timer);
      subscription.dispose();
    }
    promise.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
