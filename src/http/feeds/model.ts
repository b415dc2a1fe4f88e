import type { Article } from '../../domain/article.js';

/** A feed independent of its format: Atom, RSS and JSON Feed each render this. */
export interface Feed {
  /** Absolute URL of this feed with its filters; also the Atom feed id. */
  selfUrl: string;
  /** Absolute URL of the same articles as a JSON list. */
  homeUrl: string;
  title: string;
  description: string;
  /** ISO 8601; the newest `updated_at` among the entries. */
  updated: string;
  entries: FeedEntry[];
}

export interface FeedEntry {
  /** Absolute URL of the article in the API; stable, so it is the entry's id too. */
  url: string;
  /** Where the article was first published, when known. */
  sourceUrl: string | null;
  title: string;
  summary: string;
  contentHtml: string;
  contentText: string;
  /** ISO 8601; null when the source did not say. */
  published: string | null;
  updated: string;
  language: string | null;
  authors: { name: string; url: string }[];
  categories: { term: string; label: string; url: string }[];
}

export interface FeedFilters {
  tags?: string[] | undefined;
  authors?: string[] | undefined;
}

/** An empty feed has no newest article; the epoch keeps its `updated` (and so its ETag) stable. */
const emptyFeedUpdated = new Date(0).toISOString();

function describeFilters(filters: FeedFilters): string {
  const parts: string[] = [];
  if (filters.tags?.length) parts.push(`tagged ${filters.tags.join(' or ')}`);
  if (filters.authors?.length) parts.push(`by ${filters.authors.join(' or ')}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

/** The filters as a canonical query string, so one selection has one feed URL whatever the spelling. */
function queryOf(filters: FeedFilters): string {
  const query = new URLSearchParams();
  if (filters.tags?.length) query.set('tag', filters.tags.join(','));
  if (filters.authors?.length) query.set('author', filters.authors.join(','));
  const text = query.toString().replaceAll('%2C', ',');
  return text ? `?${text}` : '';
}

/**
 * Builds the feed for `articles` (newest first), with absolute URLs under `origin` (`https://host`).
 * `feedPath` is the path of the format being served, e.g. `/v1/feeds/articles.atom`.
 */
export function buildFeed(articles: Article[], origin: string, feedPath: string, filters: FeedFilters): Feed {
  const query = queryOf(filters);
  const updated = articles.reduce<string | null>(
    (newest, article) => (newest === null || article.updated_at > newest ? article.updated_at : newest),
    null,
  );
  return {
    selfUrl: `${origin}${feedPath}${query}`,
    homeUrl: `${origin}/v1/articles${query}`,
    title: `Gazette: latest articles${describeFilters(filters)}`,
    description: `The newest articles in Gazette${describeFilters(filters)}.`,
    updated: updated ?? emptyFeedUpdated,
    entries: articles.map((article) => ({
      url: `${origin}/v1/articles/${encodeURIComponent(article.slug)}`,
      sourceUrl: article.source_url,
      title: article.title,
      summary: article.excerpt,
      contentHtml: article.body_html,
      contentText: article.body_text,
      published: article.published_at,
      updated: article.updated_at,
      language: article.language,
      authors: article.authors.map((author) => ({
        name: author.name,
        url: `${origin}/v1/authors/${encodeURIComponent(author.slug)}`,
      })),
      categories: article.tags.map((tag) => ({
        term: tag.slug,
        label: tag.name,
        url: `${origin}/v1/tags/${encodeURIComponent(tag.slug)}`,
      })),
    })),
  };
}
