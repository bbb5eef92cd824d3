// Small stand-ins for the editor surface, shared by the sign-in tests.
import { Emitter } from '../../../src/util/event';
import type { SecretStorageLike } from '../../../src/auth/tokenStore';
import type { CancellationLike } from '../../../src/auth/flows/signInFlow';

// The harness takes its recording logger from here; there is one, in test/support/logging.ts.
export { RecordingSink, recordingLogger } from '../logging';

export type SecretOperation = 'get' | 'store' | 'delete';

/**
 * SecretStorage in memory; `onDidChange` fires for every write, like the editor's does. Plays a
 * keychain that fails: every read (`failReads`, a locked keychain), every write (`failWrites`),
 * or the next few calls of one kind, optionally for one key only, then recovers (`failNext`).
 */
export class MemorySecretStorage implements SecretStorageLike {
  public readonly values = new Map<string, string>();
  private readonly changed = new Emitter<{ key: string }>();
  public readonly onDidChange = this.changed.event;
  public failReads = false;
  /** Makes `store` and `delete` throw. */
  public failWrites = false;
  public writes = 0;
  /** Every call that threw, as `operation key`. */
  public readonly failures: string[] = [];
  private readonly scripted: { operation: SecretOperation; key: string | undefined; times: number }[] = [];

  /** The next `times` calls of `operation` (on `key`, when given) throw; later ones work again. */
  public failNext(operation: SecretOperation, options: { key?: string; times?: number } = {}): void {
    this.scripted.push({ operation, key: options.key, times: options.times ?? 1 });
  }

  /** The keychain works again. */
  public recover(): void {
    this.failReads = false;
    this.failWrites = false;
    this.scripted.length = 0;
  }

  private throwIfFailing(operation: SecretOperation, key: string): void {
    const scripted = this.scripted.find((each) => each.operation === operation && (each.key === undefined || each.key === key) && each.times > 0);
    if (scripted) {
      scripted.times--;
    }
    if (scripted || (operation === 'get' ? this.failReads : this.failWrites)) {
      this.failures.push(`${operation} ${key}`);
      throw new Error(operation === 'get' ? 'keychain locked' : 'keychain refused the write');
    }
  }

  public async get(key: string): Promise<string | undefined> {
    this.throwIfFailing('get', key);
    return this.values.get(key);
  }

  public async store(key: string, value: string): Promise<void> {
    this.throwIfFailing('store', key);
    this.writes++;
    this.values.set(key, value);
    this.changed.fire({ key });
  }

  public async delete(key: string): Promise<void> {
    this.throwIfFailing('delete', key);
    this.values.delete(key);
    this.changed.fire({ key });
  }

  /** Another window writing the same storage. */
  public externalWrite(key: string, value: string): void {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
}

/** What SecretStorage holds: the refresh token of every account the index lists. */
export function storedRefreshTokens(secrets: MemorySecretStorage): string[] {
  return listedIds(secrets).flatMap((id) => {
    const raw = secrets.values.get(`mailroom.account:${id}`);
    const refreshToken = raw === undefined ? undefined : (JSON.parse(raw) as { tokens?: { refreshToken?: string } }).tokens?.refreshToken;
    return refreshToken === undefined ? [] : [refreshToken];
  });
}

/** Account secrets the index does not list: Mailroom could never find them again, to use or to revoke. */
export function unlistedAccountKeys(secrets: MemorySecretStorage): string[] {
  const listed = new Set(listedIds(secrets).map((id) => `mailroom.account:${id}`));
  return [...secrets.values.keys()].filter((key) => key.startsWith('mailroom.account:') && !listed.has(key));
}

function listedIds(secrets: MemorySecretStorage): string[] {
  return JSON.parse(secrets.values.get('mailroom.accounts') ?? '[]') as string[];
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
import type { ProviderConfig, ProviderSettings } from '../../../src/auth/providerConfig';

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
import type { StoredAccount } from '../../../src/auth/tokenStore';

export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain GET that does not follow redirects (like a browser would show them). */
export function httpGet(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      })
      .on('error', reject);
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

/** A signed-in account of an OpenID Connect issuer with mail at imap.example / smtp.example, as the token store keeps it. */
export function storedOidcAccount(issuer: string, overrides: Partial<StoredAccount> = {}): StoredAccount {
  return {
    version: 1,
    id: `${issuer}#sub-1`,
    provider: 'oidc',
    issuer,
    subject: 'sub-1',
    email: 'alice@example.com',
    clientId: 'mailroom',
    grantedScopes: ['openid', 'email', 'offline_access', 'mail'],
    imap: { host: 'imap.example', port: 993, implicitTls: true },
    smtp: { host: 'smtp.example', port: 465, implicitTls: true },
    mailHosts: ['imap.example', 'smtp.example'],
    serverSavesSent: false,
    tokens: { accessToken: 'fakeAccess', refreshToken: 'fakeRefresh', expiresAtMs: undefined, issuedAtMs: 0 },
    signInRequired: undefined,
    ...overrides,
  };
}
