// Small stand-ins for the editor surface, shared by the sign-in tests.
import { Emitter } from '../../../src/util/event';
import { Logger } from '../../../src/util/log';
import type { LogSink } from '../../../src/util/log';
import type { SecretStorageLike } from '../../../src/auth/tokenStore';
import type { CancellationLike } from '../../../src/auth/flows/signInAttempt';

/** SecretStorage in memory; `onDidChange` fires for every write, like the editor's does. */
export class MemorySecretStorage implements SecretStorageLike {
  public readonly values = new Map<string, string>();
  private readonly changed = new Emitter<{ key: string }>();
  public readonly onDidChange = this.changed.event;
  /** When set, every `get` throws (a locked keychain). */
  public failReads = false;
  public writes = 0;

  public async get(key: string): Promise<string | undefined> {
    if (this.failReads) {
      throw new Error('keychain locked');
    }
    return this.values.get(key);
  }

  public async store(key: string, value: string): Promise<void> {
    this.writes++;
    this.values.set(key, value);
    this.changed.fire({ key });
  }

  public async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }

  /** Another window writing the same storage. */
  public externalWrite(key: string, value: string): void {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
}

/** A LogSink that keeps every line, for sentinel scans. */
export class RecordingSink implements LogSink {
  public readonly lines: string[] = [];
  public trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  public debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  public info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  public warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  public error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

export function recordingLogger(): { logger: Logger; sink: RecordingSink } {
  const sink = new RecordingSink();
  return { logger: new Logger(sink), sink };
}

/** A cancellation token the test can trigger. */
export function cancellationSource(): { token: CancellationLike; cancel(): void } {
  const emitter = new Emitter<unknown>();
  let cancelled = false;
  return {
    token: {
      get isCancellationRequested() {
        return cancelled;
      },
      onCancellationRequested: emitter.event,
    },
    cancel() {
      cancelled = true;
      emitter.fire(undefined);
    },
  };
}

export const neverCancelled: CancellationLike = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

import { providerConfig } from '../../../src/auth/presets';
import type { ProviderConfig, ProviderSettings } from '../../../src/auth/presets';

/** Settings for a custom OpenID Connect issuer (the kind the stack and the fake issuer are). */
export function oidcSettings(issuer: string, clientId: string, overrides: Partial<ProviderSettings['oidc']> = {}): ProviderSettings {
  return {
    google: { clientId: 'google-client.apps.googleusercontent.com' },
    microsoft: { clientId: '00000000-0000-0000-0000-000000000001', tenant: 'common' },
    oidc: {
      issuer,
      clientId,
      scopes: ['openid', 'email', 'offline_access', 'mail'],
      redirectUri: '',
      imap: { host: '127.0.0.1', port: 993 },
      smtp: { host: '127.0.0.1', port: 465 },
      ...overrides,
    },
  };
}

export function oidcConfig(issuer: string, clientId: string, overrides: Partial<ProviderSettings['oidc']> = {}): ProviderConfig {
  return providerConfig('oidc', oidcSettings(issuer, clientId, overrides));
}
