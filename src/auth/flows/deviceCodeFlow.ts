import { MailroomError } from '../../util/errors';
import { isAllowedVerificationUri } from '../hostAllowLists';
import type { AttemptContext, SignInFlow, SignInResult } from './signInFlow';
import { withinAttempt } from './signInFlow';

/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the polling interval for good. */
const SLOW_DOWN_STEP_SECONDS = 5;

export interface DeviceCodePrompt {
  /**
   * Shows the user code and where to enter it; resolves false when the person declines.
   * `verificationUri` has already been checked (https, on the issuer's host); `openUri` is the page
   * to open, with the code filled in when the issuer offers that (and it passed the same check).
   */
  show(details: { userCode: string; verificationUri: string; openUri: string; issuerName: string }): Promise<boolean>;
}

/**
 * Device authorization grant, for editors whose browser cannot reach any redirect. Polls at the
 * issuer's interval, slows down when asked, and stops on `expired_token` or `access_denied`.
 */
export class DeviceCodeFlow implements SignInFlow {
  public readonly kind = 'deviceCode' as const;
  public readonly label = 'a one-time code entered on any device';

  public constructor(private readonly prompt: DeviceCodePrompt) {}

  public async run(context: AttemptContext): Promise<SignInResult> {
    const { client, config, logger, clock } = context;
    const authorization = await client.startDeviceAuthorization(context.scopes);
    logger.redactor.register(authorization.deviceCode);
    if (!isAllowedVerificationUri(config, authorization.verificationUri)) {
      throw new MailroomError(
        'InvalidResponse',
        `${config.displayName} sent a sign-in page address that is not an https page of its own, so Mailroom did not show it.`,
      );
    }
    const complete = authorization.verificationUriComplete;
    const openUri = complete !== undefined && isAllowedVerificationUri(config, complete) ? complete : authorization.verificationUri;
    const accepted = await withinAttempt(
      this.prompt.show({ userCode: authorization.userCode, verificationUri: authorization.verificationUri, openUri, issuerName: config.displayName }),
      context,
    );
    if (!accepted) {
      throw new MailroomError('Cancelled', 'Sign-in was cancelled.');
    }
    const deadline = clock.now() + Math.min(authorization.expiresInSeconds * 1000, context.timeoutMs);
    let intervalSeconds = Math.max(1, authorization.intervalSeconds);
    for (;;) {
      await withinAttempt(clock.sleep(intervalSeconds * 1000), context);
      if (clock.now() >= deadline) {
        throw new MailroomError('Timeout', 'The sign-in code expired before it was entered. Please start again.');
      }
      const result = await withinAttempt(client.pollDeviceAuthorization(authorization.deviceCode), context);
      if (result.kind === 'granted') {
        return { grant: result.grant, identity: result.identity };
      }
      if (result.kind === 'slowDown') {
        intervalSeconds += SLOW_DOWN_STEP_SECONDS;
        logger.debug(`Device sign-in: polling slowed down to every ${intervalSeconds} s`);
      }
    }
  }
}
