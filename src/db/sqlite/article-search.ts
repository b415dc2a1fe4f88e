import type Database from 'better-sqlite3';
import { positivePhrases } from '../../search/query.js';
import { fullTextSearch } from '../../search/sqlite.js';
import type { ArticleFilter } from './article-filters.js';
import type { StoredRow } from './rows.js';
import type { articles } from './schema.js';
import type { PrepareCached } from './statements.js';

/**
 * How many matches one search works on by default: ranking, totals and facets consider at most the
 * newest this many, so a word found in every article costs what a word found in 2,000 does.
 */
const defaultSearchSampleSize = 2000;

type ArticleId = StoredRow<typeof articles>['id'];

/** Phrases scored at most, the rarest first: bm25 reads every match of each phrase it scores. */
const maxScoredPhrases = 4;

/** The matches a search works on, newest first, and how many there are in all. */
export interface SearchSample {
  ids: number[];
  /** True when `ids` holds every match. */
  complete: boolean;
  /** Exact when complete; otherwise extrapolated from how far back the sample reaches. */
  total: number;
}

/** Articles containing a phrase, remembered until the collection grows or shrinks by a tenth. */
function createDocumentCounts(sqlite: Database.Database) {
  const countMatches = sqlite
    .prepare<{ match: string }, number>(`SELECT count(*) FROM articles_fts WHERE ${fullTextSearch.where}`)
    .pluck();
  const counts = new Map<string, number>();
  let countsAtSize = 0;
  return (phrase: string, size: number): number => {
    if (size > countsAtSize * 1.1 || size < countsAtSize * 0.9) {
      counts.clear();
      countsAtSize = size;
    }
    let count = counts.get(phrase);
    if (count === undefined) {
      count = countMatches.get({ match: phrase }) ?? 0;
      if (counts.size >= 10_000) counts.clear();
      counts.set(phrase, count);
    }
    return count;
  };
}

/**
 * The sample's ids ordered by their scores (lower is better, ties by id); unscored ids after, in
 * the sample's order, newest first. The scores are read once each: a sort that looked them up in
 * the map at every comparison took 0.6–0.9 ms for 2,000 ids, against 0.25.
 */
export function byScore(ids: number[], scores: Map<number, number>): number[] {
  const scored: { id: number; score: number }[] = [];
  const unscored: number[] = [];
  for (const id of ids) {
    const score = scores.get(id);
    if (score === undefined) unscored.push(id);
    else scored.push({ id, score });
  }
  scored.sort((a, b) => a.score - b.score || a.id - b.id);
  return [...scored.map(({ id }) => id), ...unscored];
}

/** The sample's lowest and highest ids: the range of the index a ranking reads. */
type IdRange = { low?: number | undefined; high?: number | undefined };

/**
 * When no phrase is worth scoring, bm25 would order by how dense the words are; the title matches
 * come first instead (the title weighs most in bm25), each group newest first.
 */
function titleMatchesFirst(prepare: PrepareCached, ids: number[], match: string, range: IdRange): number[] {
  const titled = new Set(
    prepare<ArticleId>(
      'titled',
      () => `SELECT ${fullTextSearch.id} FROM ${fullTextSearch.alone}
        WHERE ${fullTextSearch.where} AND ${fullTextSearch.idBetween}`,
    )
      .pluck()
      .all({ match: `{title subtitle} : (${match})`, ...range }),
  );
  return [...ids.filter((id) => titled.has(id)), ...ids.filter((id) => !titled.has(id))];
}

/** bm25 scores of the sample's articles for `match`, read over the sample's id range only. */
function scoresOf(prepare: PrepareCached, ids: number[], match: string, range: IdRange): Map<number, number> {
  const inSample = new Set(ids);
  const scores = new Map<number, number>();
  const rows = prepare<{ id: ArticleId; score: number }>(
    'score',
    () => `SELECT ${fullTextSearch.id} AS id, ${fullTextSearch.rank} AS score FROM ${fullTextSearch.alone}
      WHERE ${fullTextSearch.where} AND ${fullTextSearch.idBetween}`,
  ).all({ match, ...range });
  for (const row of rows) if (inSample.has(row.id)) scores.set(row.id, row.score);
  return scores;
}

/**
 * Bounded full-text search over FTS5. Two costs grow with the number of matches in FTS5 itself:
 * ranking every match, and bm25's count of each phrase's matches (its IDF), which it redoes on every
 * statement. So a search takes the newest matches in index order, which FTS5 reads without ranking
 * and stops after the sample; scores those with bm25 over only the phrases bm25 gives weight to; and
 * remembers each phrase's document count per connection.
 */
export function createArticleSearch(
  sqlite: Database.Database,
  prepare: PrepareCached,
  sampleSize: number = defaultSearchSampleSize,
) {
  const newestId = sqlite.prepare<[], ArticleId | null>('SELECT max(id) FROM articles').pluck();
  const documentCount = createDocumentCounts(sqlite);
  // A phrase in fewer articles than this is cheap to count, however common it is in a small collection.
  const cheapToScore = sampleSize * 2.5;

  /** The newest matches of the query and its filters, at most `sampleSize`. */
  function sample(filter: ArticleFilter): SearchSample {
    // With no filter but the query, the index alone lists its matches, newest first, and stops early.
    const indexAlone = filter.clauses.length === 1;
    const ids = prepare<ArticleId>(`sample:${filter.shape}`, () =>
      indexAlone
        ? `SELECT ${fullTextSearch.id} FROM ${fullTextSearch.alone} WHERE ${fullTextSearch.where}
            ORDER BY ${fullTextSearch.id} DESC LIMIT ${sampleSize + 1}`
        : `SELECT a.id FROM ${fullTextSearch.alone} CROSS JOIN articles a ON a.id = ${fullTextSearch.id}
            WHERE ${filter.clauses.join(' AND ')} ORDER BY ${fullTextSearch.id} DESC LIMIT ${sampleSize + 1}`,
    )
      .pluck()
      .all(filter.params);
    if (ids.length <= sampleSize) return { ids, complete: true, total: ids.length };
    ids.pop();
    // Ids grow with time: the share of the id range the sample covers estimates the share of matches.
    const newest = newestId.get() ?? 0;
    const reach = newest - ids.at(-1)! + 1;
    return {
      ids,
      complete: false,
      total: Math.max(sampleSize + 1, Math.round((sampleSize * newest) / reach)),
    };
  }

  /**
   * The phrases worth scoring, rarest first, at most `maxScoredPhrases`. bm25 gives a phrase found in
   * more than half the articles almost no weight (its IDF is clamped to ~0), yet counting such a
   * phrase's matches is the costliest part of scoring it: so a phrase that is both that common and
   * in many articles only filters.
   */
  function phrasesToScore(phrases: string[], size: number): string[] {
    const common = (count: number) => count > Math.max(size / 2, cheapToScore);
    // bm25 counts a phrase's matches by reading the positions of all its words: a phrase made only
    // of common words (`"the year"`) costs what its commonest word does, however rare it is.
    const costly = (phrase: string) => {
      const words = phrase.replace(/^"|"\*?$/g, '').split(' ');
      return words.length > 1 && words.every((word) => common(documentCount(`"${word}"`, size)));
    };
    return phrases
      .filter((phrase) => !costly(phrase))
      .map((phrase) => ({ phrase, count: documentCount(phrase, size) }))
      .filter(({ count }) => !common(count))
      .sort((a, b) => a.count - b.count)
      .slice(0, maxScoredPhrases)
      .map(({ phrase }) => phrase);
  }

  return {
    /** Articles in the collection, near enough: the newest id (ids only grow; deletions are rare). */
    articleCount: (): number => newestId.get() ?? 0,

    sample,

    /** The sample's ids, best first, at most `limit`. */
    rank(match: string, sample: SearchSample, limit: number): number[] {
      if (sample.ids.length === 0) return [];
      const size = newestId.get() ?? 0;
      const { phrases, anyOr } = positivePhrases(match);
      const join = anyOr ? ' OR ' : ' ';
      const scored = phrasesToScore(phrases, size);
      const range = { low: sample.ids.at(-1), high: sample.ids[0] };
      const ranked =
        scored.length === 0
          ? titleMatchesFirst(prepare, sample.ids, phrases.join(join), range)
          : byScore(sample.ids, scoresOf(prepare, sample.ids, scored.join(join), range));
      return ranked.slice(0, limit);
    },
  };
}

export type ArticleSearch = ReturnType<typeof createArticleSearch>;
