import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiKeyRecord, type ApiKeyScope, apiKeyScopes } from '../domain/api-keys.js';
import type { Repositories } from '../domain/ports.js';
import { Forbidden, NotFound, Unauthorized } from '../lib/errors.js';
import { sha256 } from '../lib/hash.js';

export interface Caller {
  /** Stable for the key, never the secret: `env:N` for the Nth environment key, `db:ID` for stored keys. */
  id: string;
  name: string;
  scopes: readonly ApiKeyScope[];
}

/**
 * API keys: random, shown once, stored as a sha256 hash. `API_KEYS` from the environment are
 * full-scope keys that exist only in memory, for containers and tests.
 */
export function createApiKeyService(repositories: Repositories, environmentKeys: readonly string[]) {
  const { apiKeys } = repositories;
  const environmentHashes = environmentKeys.map((key) => Buffer.from(sha256(key), 'hex'));

  /**
   * The index of the environment key with this hash, or -1. Every key is compared in constant time,
   * so timing reveals neither which nor how much matched.
   */
  function environmentKeyIndex(hash: Buffer): number {
    let matched = -1;
    environmentHashes.forEach((candidate, index) => {
      if (timingSafeEqual(candidate, hash)) matched = index;
    });
    return matched;
  }

  return {
    /** Resolves a bearer token to its caller; throws 401 for a missing, unknown or revoked key. */
    async authenticate(token: string | undefined): Promise<Caller> {
      if (!token) throw new Unauthorized('Send an API key as "Authorization: Bearer <key>".');
      const hash = sha256(token);
      const environmentIndex = environmentKeyIndex(Buffer.from(hash, 'hex'));
      if (environmentIndex >= 0) {
        return { id: `env:${environmentIndex}`, name: 'environment', scopes: apiKeyScopes };
      }
      // The lookup is by hash, so the stored secret is never compared byte by byte.
      const record = await apiKeys.findApiKeyByHash(hash);
      if (!record || record.revoked_at) throw new Unauthorized('The API key is unknown or has been revoked.');
      return { id: `db:${record.id}`, name: record.name, scopes: record.scopes };
    },

    authorize(caller: Caller, scope: ApiKeyScope): void {
      if (!caller.scopes.includes(scope) && !caller.scopes.includes('admin')) {
        throw new Forbidden(`The API key "${caller.name}" lacks the "${scope}" scope this operation needs.`);
      }
    },

    /** Creates a key and returns it in full: the only time it is ever shown. */
    async createKey(name: string, scopes: ApiKeyScope[]): Promise<{ id: number; key: string }> {
      const key = `gz_${randomBytes(24).toString('base64url')}`;
      const id = await apiKeys.createApiKey({
        name,
        prefix: key.slice(0, 8),
        hash: sha256(key),
        scopes,
        now: new Date().toISOString(),
      });
      return { id, key };
    },

    listKeys(): Promise<ApiKeyRecord[]> {
      return apiKeys.listApiKeys();
    },

    async revokeKey(id: number): Promise<void> {
      if (!(await apiKeys.revokeApiKey(id, new Date().toISOString()))) {
        throw new NotFound(`No live API key has the id ${id}.`);
      }
    },
  };
}
