import type Database from 'better-sqlite3';
import { nearDuplicateBits, nearDuplicateCandidates } from '../../domain/ingest.js';
import { hammingDistance } from '../../ingest/simhash.js';

import { simhashBands } from '../simhash-bands.js';

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
  // bounded walks down the covering index find them, however many articles a band holds. Merging
  // the walks here costs less than a UNION, which sorts them all in a temporary b-tree.
  const newestOfBand = sqlite
    .prepare<[number], [number, string]>(
      `SELECT article_id, simhash FROM article_simhash_bands
        INDEXED BY article_simhash_bands_band_article_simhash
        WHERE band = ? ORDER BY article_id DESC LIMIT ${nearDuplicateCandidates}`,
    )
    .raw();

  return {
    add(articleId: number, simhash: string): void {
      for (const band of simhashBands(simhash)) insertBand.run(band, articleId, simhash);
    },

    remove(articleId: number): void {
      deleteBands.run(articleId);
    },

    /** The oldest of the newest candidates whose text nearly matches this simhash, or null. */
    nearDuplicateOf(simhash: string): number | null {
      const candidates = new Map<number, string>();
      for (const band of simhashBands(simhash))
        for (const [id, hash] of newestOfBand.all(band)) candidates.set(id, hash);
      // Ascending, so the first match among the newest is the oldest of them.
      const ids = Float64Array.from(candidates.keys()).sort();
      for (const id of ids.subarray(Math.max(0, ids.length - nearDuplicateCandidates)))
        if (hammingDistance(candidates.get(id)!, simhash) <= nearDuplicateBits) return id;
      return null;
    },
  };
}
