/** The resources as clients see them (SPEC §2): snake_case, ISO 8601 UTC timestamps. */

interface AuthorSummary {
  id: number;
  slug: string;
  name: string;
}

interface TagSummary {
  id: number;
  slug: string;
  name: string;
  derived: boolean;
}

interface Image {
  caption: string;
  credit: string | null;
  date: string | null;
}

export interface ArticleSummary {
  id: number;
  slug: string;
  title: string;
  subtitle: string | null;
  excerpt: string;
  images: Image[];
  authors: AuthorSummary[];
  tags: TagSummary[];
  language: string | null;
  word_count: number;
  reading_time_minutes: number;
  published_at: string | null;
  source_url: string | null;
  content_hash: string;
  created_at: string;
  updated_at: string;
}

export interface Article extends ArticleSummary {
  body_text: string;
  body_html: string;
}

/** An article as the API serves it by default: the body once, as HTML; `body_text` when asked for. */
export type ArticleView = Omit<Article, 'body_text'> & { body_text?: string };

export interface Author {
  id: number;
  slug: string;
  name: string;
  bio: string | null;
  article_count: number;
}

export interface Tag {
  id: number;
  slug: string;
  name: string;
  article_count: number;
}

export interface Page<T> {
  data: T[];
  page: { next_cursor: string | null; limit: number; total?: number };
}

export type ArticleSort = '-published_at' | 'published_at' | 'relevance';

export type FacetName = 'tag' | 'author' | 'month';

export interface FacetCount {
  value: string;
  name: string;
  count: number;
}

/** A list item: a summary, with the body when asked for and a highlighted snippet when searching. */
type ArticleListItem = ArticleSummary &
  Partial<Pick<Article, 'body_text' | 'body_html'>> & { snippet?: string };

export interface ArticlePage extends Page<ArticleListItem> {
  page: Page<ArticleListItem>['page'] & { estimated?: boolean };
  facets?: Partial<Record<FacetName, FacetCount[]>>;
}

export interface ArticleListQuery {
  limit: number;
  cursor?: string | undefined;
  sort: ArticleSort;
  /** A full-text query already translated by the search module. */
  match?: string | undefined;
  withBodies?: boolean | undefined;
  facets?: FacetName[] | undefined;
  tags?: string[] | undefined;
  authors?: string[] | undefined;
  language?: string | undefined;
  publishedAfter?: string | undefined;
  publishedBefore?: string | undefined;
  includeTotal: boolean;
}

/** `name` is alphabetical; `-article_count` puts the most used first, ties by name. */
type CollectionSort = 'name' | '-article_count';

export interface CollectionQuery {
  limit: number;
  cursor?: string | undefined;
  includeTotal: boolean;
  sort?: CollectionSort | undefined;
  /** Case- and accent-insensitive prefix of the name or of any word in it (authors only). */
  q?: string | undefined;
}

/** An article sharing tags or authors with another, and why it matched. */
export interface RelatedArticle extends ArticleSummary {
  related: { score: number; shared_tags: string[]; shared_authors: string[] };
}
