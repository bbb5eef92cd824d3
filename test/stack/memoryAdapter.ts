// In-memory storage for oidc-provider that, unlike the built-in one, can find every grant of an account
// (needed to simulate a user removing the app's access at the provider) and can list every credential it
// ever handed out (the values leak scans look for).
import type { Adapter, AdapterFactory, AdapterPayload } from './oidcProviderTypes';

/** The models whose ids are the values a client receives (opaque formats: the id is the token). */
const CREDENTIAL_MODELS = ['AuthorizationCode', 'AccessToken', 'RefreshToken', 'DeviceCode', 'ClientCredentials'] as const;
export type CredentialKind = (typeof CREDENTIAL_MODELS)[number];

/** A credential the provider issued, kept after it is consumed, rotated, revoked or expired. */
export interface IssuedCredential {
  kind: CredentialKind;
  value: string;
  clientId: string | undefined;
  /** The account (subject) it was issued for; undefined for client credentials. */
  accountId: string | undefined;
}

function isCredentialModel(modelName: string): modelName is CredentialKind {
  return (CREDENTIAL_MODELS as readonly string[]).includes(modelName);
}

interface StoredEntry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

export interface MemoryStore {
  adapterFactory: AdapterFactory;
  /** Revokes every grant (and the codes and tokens issued under it) that belongs to the account. */
  revokeGrantsOfAccount(accountId: string): void;
  /** Every code and token issued so far, oldest first (test-only: for introspection and leak scans). */
  issuedCredentials(): IssuedCredential[];
}

export function createMemoryStore(): MemoryStore {
  const entries = new Map<string, StoredEntry>();
  const keysByGrantId = new Map<string, Set<string>>();
  const keysByUserCode = new Map<string, string>();
  const keysByUid = new Map<string, string>();
  const issued = new Map<string, IssuedCredential>();

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  const revokeByGrantId = (grantId: string): void => {
    for (const key of keysByGrantId.get(grantId) ?? []) entries.delete(key);
    keysByGrantId.delete(grantId);
    entries.delete(`Grant:${grantId}`);
  };

  const adapterFactory: AdapterFactory = (modelName: string): Adapter => {
    const keyOf = (id: string): string => `${modelName}:${id}`;
    return {
      async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
        const key = keyOf(id);
        entries.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
        if (isCredentialModel(modelName) && !issued.has(key)) {
          issued.set(key, { kind: modelName, value: id, clientId: payload.clientId, accountId: payload.accountId });
        }
        if (payload.grantId) {
          const keys = keysByGrantId.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          keysByGrantId.set(payload.grantId, keys);
        }
        if (payload.userCode) keysByUserCode.set(payload.userCode, key);
        if (payload.uid) keysByUid.set(payload.uid, key);
      },
      async find(id: string): Promise<AdapterPayload | undefined> {
        return read(keyOf(id));
      },
      async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
        const key = keysByUserCode.get(userCode);
        return key ? read(key) : undefined;
      },
      async findByUid(uid: string): Promise<AdapterPayload | undefined> {
        const key = keysByUid.get(uid);
        return key ? read(key) : undefined;
      },
      async consume(id: string): Promise<void> {
        const entry = entries.get(keyOf(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string): Promise<void> {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId: string): Promise<void> {
        revokeByGrantId(grantId);
      },
    };
  };

  const revokeGrantsOfAccount = (accountId: string): void => {
    const grantIds: string[] = [];
    for (const [key, entry] of entries) {
      if (key.startsWith('Grant:') && entry.payload.accountId === accountId) grantIds.push(key.slice('Grant:'.length));
    }
    grantIds.forEach(revokeByGrantId);
  };

  return { adapterFactory, revokeGrantsOfAccount, issuedCredentials: () => [...issued.values()] };
}
