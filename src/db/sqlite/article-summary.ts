import type { ArticleSummary } from '../../domain/article.js';
import type { StoredRow } from './rows.js';
import type { articles } from './schema.js';

/**
 * The columns of an article summary for `articles a`, with its authors and tags as JSON arrays in
 * byline and tag order, read ready-built from `article_cards`, so one statement returns whole
 * summaries with no follow-up queries.
 */
export const articleSummaryColumns = `a.id, a.slug, a.title, a.subtitle, a.excerpt, a.images, a.language,
  a.word_count, a.reading_time_minutes, a.published_at, a.source_url, a.content_hash, a.created_at, a.updated_at,
  (SELECT c.authors FROM article_cards c WHERE c.article_id = a.id) AS authors,
  (SELECT c.tags FROM article_cards c WHERE c.article_id = a.id) AS tags`;

/** A row of `articleSummaryColumns`: the article's own columns, and its authors and tags as JSON. */
export type ArticleSummaryRow = Pick<
  StoredRow<typeof articles>,
  | 'id'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'excerpt'
  | 'images'
  | 'language'
  | 'word_count'
  | 'reading_time_minutes'
  | 'published_at'
  | 'source_url'
  | 'content_hash'
  | 'created_at'
  | 'updated_at'
> & { authors: string; tags: string };

/** A row with the article's bodies too. */
export type ArticleBodiesRow = ArticleSummaryRow &
  Pick<StoredRow<typeof articles>, 'body_text' | 'body_html'>;

/**
 * Parses the JSON columns of a freshly read row in place: rows are built per request and owned by
 * the caller, and skipping a copy of every row is measurable on list pages.
 */
export function toArticleSummary<T extends ArticleSummaryRow>(
  row: T,
): Omit<T, 'images' | 'authors' | 'tags'> & Pick<ArticleSummary, 'images' | 'authors' | 'tags'> {
  return Object.assign(row, {
    images: JSON.parse(row.images),
    authors: JSON.parse(row.authors),
    tags: JSON.parse(row.tags),
  });
}
