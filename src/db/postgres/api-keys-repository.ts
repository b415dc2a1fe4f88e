import { and, eq, isNull } from 'drizzle-orm';
import type { ApiKeysRepository } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { apiKeys } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** A key as listed: never its hash. */
const record = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  created_at: apiKeys.createdAt,
  revoked_at: apiKeys.revokedAt,
};

export function createPostgresApiKeysRepository(db: PostgresDb): ApiKeysRepository {
  return {
    async createApiKey({ name, prefix, hash, scopes, now }) {
      const [row] = await writeTransaction(db, (tx) =>
        tx
          .insert(apiKeys)
          .values({ name, prefix, hash, scopes, createdAt: now })
          .returning({ id: apiKeys.id }),
      );
      return row!.id;
    },
    listApiKeys: () => db.select(record).from(apiKeys).orderBy(apiKeys.id),
    async findApiKeyByHash(hash) {
      const [row] = await db.select(record).from(apiKeys).where(eq(apiKeys.hash, hash));
      return row;
    },
    async revokeApiKey(id, now) {
      const revoked = await writeTransaction(db, (tx) =>
        tx
          .update(apiKeys)
          .set({ revokedAt: now })
          .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id }),
      );
      return revoked.length === 1;
    },
  };
}
