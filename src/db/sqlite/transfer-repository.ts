import type { TransferRepository } from '../../domain/ports.js';
import type { Db } from './connection.js';
import { openSqliteExport } from './transfer-export.js';
import { beginSqliteImport } from './transfer-import.js';

/** Export and import of the whole database (`gazette export`, `gazette import`). */
export function createTransferRepository(db: Db): TransferRepository {
  return {
    async openExport() {
      return openSqliteExport(db.$client);
    },
    async beginImport() {
      return beginSqliteImport(db.$client);
    },
  };
}
