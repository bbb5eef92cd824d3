import type { CallbackOutcome } from '../callback';
import type { PendingSignIn } from '../pendingSignIn';
import type { FlowKind } from '../providerConfig';
import type { AttemptContext, SignInResult } from './signInFlow';
import { withinAttempt } from './signInFlow';
import { MailroomError } from '../../util/errors';

export interface RedirectTarget {
  flow: FlowKind;
  /** Sent as redirect_uri and repeated exactly at the token endpoint. */
  redirectUri: string;
  /** Path the callback arrives on at the receiver. */
  callbackPath: string;
  /** Only for the forwarding redirect: the callback URL that the forwarding page sends the browser to. */
  state?: string;
}

/** A receiver waits for the callback of one attempt and resolves with its outcome (never `ignored`). */
export type CallbackReceiver = (pending: PendingSignIn) => { outcome: Promise<Exclude<CallbackOutcome, { kind: 'ignored' }>>; dispose(): void };

/**
 * The part the URI-handler and loopback flows share: one pending record, the authorization URL
 * opened in the browser, the callback awaited (with cancel and timeout), the code exchanged.
 * The pending record is dropped whatever happens, so a late callback finds nothing.
 */
export async function runRedirectAttempt(context: AttemptContext, target: RedirectTarget, receive: CallbackReceiver): Promise<SignInResult> {
  const { client, config, logger } = context;
  const issRequired = await client.requiresIssParameter();
  const issuer = (await client.metadata()).issuer;
  const pending = context.pendingSignIns.create({
    provider: config.kind,
    flow: target.flow,
    issuer,
    issRequired,
    issuerName: config.displayName,
    clientId: config.clientId,
    redirectUri: target.redirectUri,
    callbackPath: target.callbackPath,
    scopes: context.scopes,
    state: target.state,
  });
  for (const secret of [pending.state, pending.codeVerifier, pending.nonce]) {
    logger.redactor.register(secret);
  }
  const receiver = receive(pending);
  try {
    const authorizationUrl = await client.authorizationUrl(pending);
    logger.info(`Opening the browser to sign in with ${config.displayName} (${target.flow})`);
    if (!(await context.openExternal(authorizationUrl))) {
      throw new MailroomError('Cancelled', 'The browser could not be opened for sign-in.');
    }
    const outcome = await withinAttempt(receiver.outcome, context);
    if (outcome.kind === 'error') {
      throw outcome.error;
    }
    logger.redactor.register(outcome.parameters.get('code') ?? undefined);
    return await client.exchangeCode(outcome.pending, outcome.parameters);
  } finally {
    receiver.dispose();
    context.pendingSignIns.discard(pending);
  }
}
