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

import * as http from 'node:http';

export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain GET that does not follow redirects (like a browser would show them). */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject);
  });
}

/** Delivers a redirect like the browser would: loopback URLs are requested, editor URIs go to the URI handler. */
export async function deliverRedirect(redirect: string, handleUri: (uri: { path: string; query: string }) => void): Promise<void> {
  if (redirect.startsWith('http://127.0.0.1:')) {
    await httpGet(redirect);
    return;
  }
  const url = new URL(redirect);
  handleUri({ path: url.pathname, query: decodeURIComponent(url.search.slice(1)) });
}
