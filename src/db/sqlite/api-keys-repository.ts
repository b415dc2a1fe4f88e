import type { ApiKeyRecord } from '../../domain/api-keys.js';
import type { ApiKeysRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';

type ApiKeyRow = Omit<ApiKeyRecord, 'scopes'> & { scopes: string };
const toRecord = (row: ApiKeyRow): ApiKeyRecord => ({ ...row, scopes: JSON.parse(row.scopes) });

export function createApiKeysRepository(db: Db): ApiKeysRepository {
  const sqlite = db.$client;
  const columns = 'id, name, prefix, scopes, created_at, revoked_at';
  const insert = sqlite.prepare(
    'INSERT INTO api_keys (name, prefix, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const all = sqlite.prepare(`SELECT ${columns} FROM api_keys ORDER BY id`);
  const byHash = sqlite.prepare(`SELECT ${columns} FROM api_keys WHERE hash = ?`);
  const revoke = sqlite.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    async createApiKey(input) {
      return Number(
        insert.run(input.name, input.prefix, input.hash, JSON.stringify(input.scopes), input.now)
          .lastInsertRowid,
      );
    },
    async listApiKeys(): Promise<ApiKeyRecord[]> {
      return (all.all() as ApiKeyRow[]).map(toRecord);
    },
    /** Looked up by the sha256 of the presented key; the index makes this a point lookup. */
    async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
      const row = byHash.get(hash) as ApiKeyRow | undefined;
      return row && toRecord(row);
    },
    /** Returns false when no live key has that id. */
    async revokeApiKey(id: number, now: string): Promise<boolean> {
      return revoke.run(now, id).changes === 1;
    },
  };
}
