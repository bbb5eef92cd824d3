import { createHash } from 'node:crypto';

/**
 * The access token the server rejected even after a refresh, remembered as its SHA-256 fingerprint
 * (never the token itself). A rejected token is never sent again: until sign-in hands out a
 * different one, connecting fails at once, without network traffic.
 */
export class RejectedToken {
  private fingerprint: string | undefined;

  public remember(token: string): void {
    this.fingerprint = fingerprintOf(token);
  }

  public matches(token: string): boolean {
    return this.fingerprint !== undefined && this.fingerprint === fingerprintOf(token);
  }

  /** The server accepted a token: nothing is rejected any more. */
  public forget(): void {
    this.fingerprint = undefined;
  }
}

function fingerprintOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
