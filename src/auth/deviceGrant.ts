/** The device authorization grant's (RFC 8628) shapes and answers, apart from the client that makes its requests. */
import type { SignedInIdentity, TokenGrant } from './tokenResponse';

/** The polling interval when the device authorization response names none (RFC 8628 §3.2). */
export const DEFAULT_DEVICE_POLL_INTERVAL_SECONDS = 5;

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | undefined;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export type DevicePollResult = { kind: 'granted'; grant: TokenGrant; identity: SignedInIdentity } | { kind: 'pending' } | { kind: 'slowDown' };

/** The device grant's "not yet" answers (RFC 8628 §3.5), which are no failure. */
export function devicePollAnswer(error: unknown): DevicePollResult | undefined {
  const body = error as { code?: unknown; error?: unknown };
  if (body.code !== 'OAUTH_RESPONSE_BODY_ERROR') {
    return undefined;
  }
  if (body.error === 'authorization_pending') {
    return { kind: 'pending' };
  }
  return body.error === 'slow_down' ? { kind: 'slowDown' } : undefined;
}
