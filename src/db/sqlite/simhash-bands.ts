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
    'INSERT OR IGNORE INTO article_simhash_bands (band, article_id, simhash) VALUES (?, ?, ?)',
  );
  const deleteBands = sqlite.prepare('DELETE FROM article_simhash_bands WHERE article_id = ?');
  // The newest articles sharing any band are among the newest of each band they share, so four
  // bounded walks down the covering index find them, however many articles a band holds.
  const newestOfBand = `SELECT * FROM (SELECT article_id AS id, simhash FROM article_simhash_bands
      INDEXED BY article_simhash_bands_band_article_simhash
      WHERE band = ? ORDER BY article_id DESC LIMIT ${nearDuplicateCandidates})`;
  const candidates = sqlite.prepare<number[], Pick<StoredRow<typeof articles>, 'id' | 'simhash'>>(
    `SELECT id, simhash FROM (${Array(4).fill(newestOfBand).join(' UNION ')}
      ORDER BY id DESC LIMIT ${nearDuplicateCandidates}) ORDER BY id`,
  );

  return {
    add(articleId: number, simhash: string): void {
      for (const band of simhashBands(simhash)) insertBand.run(band, articleId, simhash);
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
