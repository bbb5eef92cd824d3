import type * as vscode from 'vscode';
import type { MailEndpoint, ProviderKind } from './accountApi';
import { MailroomError } from '../util/errors';
import type { UiText } from '../ui/text';
import { ui } from '../ui/text';
import { Emitter } from '../util/event';
import type { Logger } from '../util/log';

/** The part of `vscode.SecretStorage` Mailroom uses; tests pass an in-memory fake. */
export interface SecretStorageLike {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
  readonly onDidChange: vscode.Event<{ readonly key: string }>;
}

export interface StoredTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** From `expires_in` at request time; undefined when the issuer did not say (refresh on auth failure). */
  expiresAtMs: number | undefined;
  issuedAtMs: number;
}

/** One account as kept in SecretStorage. Everything about an account lives here, nowhere else. */
export interface StoredAccount {
  version: 1;
  /** issuer + subject: what the issuer guarantees is stable, unlike the email address. */
  id: string;
  provider: ProviderKind;
  issuer: string;
  subject: string;
  email: string;
  clientId: string;
  grantedScopes: string[];
  imap: MailEndpoint;
  smtp: MailEndpoint;
  /** Pinned at sign-in: a later settings change cannot redirect this account's tokens elsewhere. */
  mailHosts: string[];
  serverSavesSent: boolean;
  tokens: StoredTokens | undefined;
  /** When the person signed in (the grant began); Check Account compares it with Google's 7-day Testing limit. Absent on older accounts. */
  signedInAtMs?: number;
  /** Set (with the reason) when the grant is gone; the account stays listed until the user acts. */
  signInRequired: string | undefined;
}

const PREFIX = 'mailroom.';
const INDEX_KEY = `${PREFIX}accounts`;
const ACCOUNT_KEY_PREFIX = `${PREFIX}account:`;
const CLIENT_SECRET_KEY_PREFIX = `${PREFIX}clientSecret:`;

export function accountIdFor(issuer: string, subject: string): string {
  return `${issuer}#${subject}`;
}

function isStoredAccount(value: unknown): value is StoredAccount {
  const record = value as Partial<StoredAccount> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    record.version === 1 &&
    typeof record.id === 'string' &&
    typeof record.email === 'string' &&
    typeof record.provider === 'string' &&
    Array.isArray(record.mailHosts)
  );
}

/** What a failed read or write of SecretStorage says in the log: never the value, only what went wrong. */
function storageFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

/**
 * Accounts and tokens in SecretStorage, and only there. A secret that is missing or malformed
 * reads as "signed out" (undefined). A secret that could not be read is a different thing: it
 * throws MailroomError 'StorageUnavailable', so no caller mistakes a locked keychain for an empty
 * one and writes that emptiness back over the other accounts. Changes made by another window
 * arrive through `secrets.onDidChange` and are re-announced as {@link onDidChange}.
 */
export class TokenStore {
  private readonly changed = new Emitter<void>();
  public readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Index updates are read-modify-write: one at a time, so two sign-ins never drop each other. */
  private indexUpdates: Promise<void> = Promise.resolve();

  public constructor(
    private readonly secrets: SecretStorageLike,
    private readonly logger: Logger,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key.startsWith(PREFIX)) {
        this.changed.fire();
      }
    });
  }

  public dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** The secret under `key`, or undefined when there is none. Throws 'StorageUnavailable' when it could not be read. */
  private read(key: string): Promise<string | undefined> {
    return this.atStorage(
      'read',
      key,
      () => this.secrets.get(key),
      ui`Mailroom could not read its sign-ins from the editor's secret storage (is the system keychain locked?). Nothing was changed; try again once it is available.`,
    );
  }

  private write(key: string, value: string): Promise<void> {
    return this.atStorage(
      'write',
      key,
      () => this.secrets.store(key, value),
      ui`Mailroom could not save a sign-in in the editor's secret storage (is the system keychain locked or full?). What was stored before is unchanged.`,
    );
  }

  private erase(key: string): Promise<void> {
    return this.atStorage(
      'delete',
      key,
      () => this.secrets.delete(key),
      ui`Mailroom could not delete a sign-in from the editor's secret storage (is the system keychain locked?). It is still stored; try again.`,
    );
  }

  /** One storage operation; a failure is logged (the key's name only) and becomes 'StorageUnavailable' with what it means. */
  private async atStorage<T>(operation: 'read' | 'write' | 'delete', key: string, run: () => Thenable<T>, meaning: UiText): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.logger.warn(`Could not ${operation} ${key} ${operation === 'write' ? 'to' : 'from'} secret storage (${storageFailure(error)})`);
      throw new MailroomError('StorageUnavailable', meaning, { cause: error });
    }
  }

  private async readIndex(): Promise<string[]> {
    const raw = await this.read(INDEX_KEY);
    if (!raw) {
      return [];
    }
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      this.logger.warn('The list of Mailroom accounts in secret storage is malformed; starting a new one');
      return [];
    }
  }

  /** The stored account, or undefined when it is absent or malformed. Throws 'StorageUnavailable' when it could not be read. */
  public async get(id: string): Promise<StoredAccount | undefined> {
    const raw = await this.read(ACCOUNT_KEY_PREFIX + id);
    if (!raw) {
      return undefined;
    }
    try {
      const parsed: unknown = JSON.parse(raw);
      return isStoredAccount(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every account, in sign-in order; entries whose secret is gone are skipped. Throws 'StorageUnavailable' when any could not be read. */
  public async list(): Promise<StoredAccount[]> {
    const ids = await this.readIndex();
    const accounts = await Promise.all(ids.map((id) => this.get(id)));
    return accounts.filter((account): account is StoredAccount => account !== undefined);
  }

  /**
   * Writes an account (and adds it to the index if new). Resolves once SecretStorage has it.
   * The index comes first: if it cannot be read nothing is written, and a listed id whose secret
   * is missing is skipped harmlessly, whereas a stored token the index does not list could never
   * be found again (to use, or to revoke at sign-out).
   */
  public async put(account: StoredAccount): Promise<void> {
    await this.updateIndex((ids) => (ids.includes(account.id) ? undefined : [...ids, account.id]));
    await this.write(ACCOUNT_KEY_PREFIX + account.id, JSON.stringify(account));
  }

  /** Deletes the account's secret, then its index entry (the reverse of {@link put}, for the same reason). */
  public async remove(id: string): Promise<void> {
    await this.erase(ACCOUNT_KEY_PREFIX + id);
    await this.updateIndex((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : undefined));
  }

  /** Applies `change` to the index (undefined: leave it as it is), after any update already running. */
  private updateIndex(change: (ids: string[]) => string[] | undefined): Promise<void> {
    const update = this.indexUpdates.then(async () => {
      const next = change(await this.readIndex());
      if (next) {
        await this.write(INDEX_KEY, JSON.stringify(next));
      }
    });
    this.indexUpdates = update.catch(() => undefined);
    return update;
  }

  public async getClientSecret(provider: ProviderKind): Promise<string | undefined> {
    return (await this.read(CLIENT_SECRET_KEY_PREFIX + provider)) || undefined;
  }

  public async setClientSecret(provider: ProviderKind, secret: string): Promise<void> {
    await this.write(CLIENT_SECRET_KEY_PREFIX + provider, secret);
  }
}
