/** What an API key may do; `admin` may do everything. */
export const apiKeyScopes = ['ingest', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export interface ApiKeyRecord {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  created_at: string;
  revoked_at: string | null;
}
