import type { TransferRepository } from '../../domain/ports.js';
import type { PostgresDb } from './connection.js';
import { openPostgresExport } from './transfer-export.js';
import { beginPostgresImport } from './transfer-import.js';

/** Export and import of a whole PostgreSQL database, in the format SQLite's uses. */
export function createPostgresTransferRepository(db: PostgresDb): TransferRepository {
  return {
    openExport: () => openPostgresExport(db.$client),
    beginImport: () => beginPostgresImport(db.$client),
  };
}
