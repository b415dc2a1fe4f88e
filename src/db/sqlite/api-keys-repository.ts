import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ApiKeyRecord } from '../../domain/api-keys.js';
import type { ApiKeysRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';
import { apiKeys } from './schema.js';

export function createApiKeysRepository(db: Db): ApiKeysRepository {
  const columns = {
    id: apiKeys.id,
    name: apiKeys.name,
    prefix: apiKeys.prefix,
    scopes: apiKeys.scopes,
    created_at: apiKeys.createdAt,
    revoked_at: apiKeys.revokedAt,
  };
  const all = db.select(columns).from(apiKeys).orderBy(apiKeys.id).prepare();
  const byHash = db
    .select(columns)
    .from(apiKeys)
    .where(eq(apiKeys.hash, sql.placeholder('hash')))
    .prepare();

  return {
    async createApiKey(input) {
      const { lastInsertRowid } = db
        .insert(apiKeys)
        .values({
          name: input.name,
          prefix: input.prefix,
          hash: input.hash,
          scopes: input.scopes,
          createdAt: input.now,
        })
        .run();
      return Number(lastInsertRowid);
    },
    async listApiKeys(): Promise<ApiKeyRecord[]> {
      return all.all();
    },
    /** Looked up by the sha256 of the presented key; the index makes this a point lookup. */
    async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
      return byHash.get({ hash });
    },
    /** Returns false when no live key has that id. */
    async revokeApiKey(id: number, now: string): Promise<boolean> {
      const { changes } = db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .run();
      return changes === 1;
    },
  };
}
