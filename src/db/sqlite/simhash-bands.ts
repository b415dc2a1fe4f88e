import type Database from 'better-sqlite3';
import { nearDuplicateBits, nearDuplicateCandidates } from '../../domain/ingest.js';
import { hammingDistance } from '../../ingest/simhash.js';

import { simhashBands } from '../simhash-bands.js';
import type { StoredRow } from './rows.js';
import type { articles } from './schema.js';

/**
 * An index of articles by the bands of their simhash. Two hashes within `nearDuplicateBits` bits
 * share at least one whole band, so candidates are found by band and only those are compared.
 */
export function createSimhashBands(sqlite: Database.Database) {
  const insertBand = sqlite.prepare(
    'INSERT OR IGNORE INTO article_simhash_bands (band, article_id) VALUES (?, ?)',
  );
  const deleteBands = sqlite.prepare('DELETE FROM article_simhash_bands WHERE article_id = ?');
  const candidates = sqlite.prepare<
    number[],
    Pick<StoredRow<typeof articles>, 'id' | 'simhash'>
  >(`SELECT a.id, a.simhash FROM (SELECT DISTINCT article_id FROM article_simhash_bands
      WHERE band IN (?, ?, ?, ?) ORDER BY article_id DESC LIMIT ${nearDuplicateCandidates}) newest
    JOIN articles a ON a.id = newest.article_id ORDER BY a.id`);

  return {
    add(articleId: number, simhash: string): void {
      for (const band of simhashBands(simhash)) insertBand.run(band, articleId);
    },

    remove(articleId: number): void {
      deleteBands.run(articleId);
    },

    /** The oldest of the newest candidates whose text nearly matches this simhash, or null. */
    nearDuplicateOf(simhash: string): number | null {
      const found = candidates.all(...simhashBands(simhash));
      return (
        found.find((candidate) => hammingDistance(candidate.simhash, simhash) <= nearDuplicateBits)?.id ??
        null
      );
    },
  };
}
