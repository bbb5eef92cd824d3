import { randomBytes } from 'node:crypto';
import type { ProviderKind } from './accountApi';
import type { FlowKind } from './providerConfig';

/** Lifetime of one sign-in attempt; after this its callback is ignored [SEC-4]. */
const PENDING_SIGN_IN_LIFETIME_MS = 10 * 60_000;

/** Everything that binds one authorization request to its callback. Never logged, never stored. */
export interface PendingSignIn {
  readonly provider: ProviderKind;
  readonly flow: FlowKind;
  /** The issuer the attempt was sent to; a callback's `iss` must name it (mix-up defence). */
  readonly issuer: string;
  /** The issuer promised `iss` in every authorization response (RFC 9207). */
  readonly issRequired: boolean;
  /** For messages: "Gmail", the custom issuer's host… */
  readonly issuerName: string;
  readonly clientId: string;
  /** The exact redirect_uri sent in the request; the token request must repeat it byte for byte. */
  readonly redirectUri: string;
  /** Path a callback must arrive on (loopback path or URI-handler path). */
  readonly callbackPath: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly scopes: readonly string[];
  readonly startedAtMs: number;
  readonly expiresAtMs: number;
}

export type PendingSignInInit = Omit<PendingSignIn, 'state' | 'codeVerifier' | 'nonce' | 'startedAtMs' | 'expiresAtMs'> & {
  /**
   * A state chosen by the flow. The forwarding redirect needs the state to be the callback URL
   * itself, which then carries a fresh {@link randomUrlSafe} value; otherwise the state is random.
   */
  state?: string;
};

/** 32 random bytes, base64url: the entropy RFC 7636 §7.1 asks of a verifier, reused for state and nonce. */
export function randomUrlSafe(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The pending sign-ins of this window. A state is found at most once: {@link take} removes it, so a
 * replayed callback finds nothing. Expired records are dropped whenever the registry is touched.
 */
export class PendingSignIns {
  private readonly byState = new Map<string, PendingSignIn>();

  public constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => string = randomUrlSafe,
    private readonly lifetimeMs: number = PENDING_SIGN_IN_LIFETIME_MS,
  ) {}

  public create(init: PendingSignInInit): PendingSignIn {
    this.dropExpired();
    const { state, ...rest } = init;
    const startedAtMs = this.now();
    const record: PendingSignIn = {
      ...rest,
      state: state ?? this.random(),
      codeVerifier: this.random(),
      nonce: this.random(),
      startedAtMs,
      expiresAtMs: startedAtMs + this.lifetimeMs,
    };
    this.byState.set(record.state, record);
    return record;
  }

  /** Looks a state up without using it (to decide whether a callback is ours at all). */
  public peek(state: string): PendingSignIn | undefined {
    this.dropExpired();
    return this.byState.get(state);
  }

  /** Returns the record for `state` and forgets it: a state works once. */
  public take(state: string): PendingSignIn | undefined {
    const record = this.peek(state);
    this.byState.delete(state);
    return record;
  }

  /** Forgets an attempt that was cancelled, timed out or failed. */
  public discard(record: PendingSignIn): void {
    this.byState.delete(record.state);
  }

  public get size(): number {
    this.dropExpired();
    return this.byState.size;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [state, record] of this.byState) {
      if (record.expiresAtMs <= now) {
        this.byState.delete(state);
      }
    }
  }
}
