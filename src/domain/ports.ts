import type { ApiKeyRecord, ApiKeyScope } from './api-keys.js';
import type {
  Article,
  ArticleDraft,
  ArticleListQuery,
  ArticlePage,
  ArticleSummary,
  ArticleView,
  DeletedArticle,
} from './article.js';
import type { Author, CollectionQuery, Tag } from './collections.js';
import type { EditableArticle, NamedVersion } from './edits.js';
import type { IngestRecord, StoredIngest, StoredIngestWithRaw, StoreOutcome } from './ingest.js';
import type { Page } from './page.js';

/**
 * The storage services use, one interface per store. src/db implements them on SQLite; every method
 * is async so another implementation (PostgreSQL, a remote pool) can serve the same services.
 */

export interface ArticlesRepository {
  listArticles(query: ArticleListQuery): Promise<ArticlePage>;
  /** One article by id or slug, with both bodies. */
  findArticle(idOrSlug: string): Promise<Article | undefined>;
  /** The article as served: `body_html` always, `body_text` only when asked for. */
  findArticleView(idOrSlug: string, withText: boolean): Promise<ArticleView | undefined>;
  hasArticles(): Promise<boolean>;
  countArticles(): Promise<number>;
  /** The tombstone of a deleted article by its id or its slug (the latest one with that slug). */
  findDeletedArticle(idOrSlug: string): Promise<DeletedArticle | undefined>;
  /**
   * Deletes article `id` with its links, search entry and related rows, and leaves a tombstone, in
   * one transaction; only while its `updated_at` is still `expectedUpdatedAt`, so a check made on
   * what was read holds. False when the article is gone or changed meanwhile.
   */
  deleteArticle(id: number, expectedUpdatedAt: string, now: string): Promise<boolean>;
}

export interface AuthorsRepository {
  listAuthors(query: CollectionQuery): Promise<Page<Author>>;
  findAuthor(idOrSlug: string): Promise<Author | undefined>;
}

export interface TagsRepository {
  listTags(query: CollectionQuery): Promise<Page<Tag>>;
  findTag(idOrSlug: string): Promise<Tag | undefined>;
  /** Each slug as the slug of the tag that answers to it now (after a merge or a rename); unknown ones as given. */
  currentTagSlugs(slugs: string[]): Promise<string[]>;
}

/** An article summary ranked by how much it shares with another; higher scores first. */
type ScoredArticleSummary = ArticleSummary & { score: number };

export interface RelatedRepository {
  /** Up to `limit` articles sharing tags or authors with article `id`, best match first, then newest. */
  listRelatedArticles(id: number, limit: number): Promise<ScoredArticleSummary[]>;
}

/** A re-parse of a stored payload: the article's new draft and the ingest's new report. */
export interface Reparse {
  ingestId: number;
  articleId: number;
  draft: ArticleDraft;
  warnings: string[];
  report: object;
  parserVersion: string;
  now: string;
}

export interface IngestRepository {
  /**
   * Stores ingests in order, all or none on a storage failure: each becomes a new article, a
   * duplicate of an existing one (same source URL or content), or a replay of an idempotency key.
   */
  storeArticles(items: { draft: ArticleDraft; record: IngestRecord }[]): Promise<StoreOutcome[]>;
  /** Rewrites an article from a newer parse of its stored payload; the slug stays as it was. */
  reparseArticle(reparse: Reparse): Promise<void>;
  findIngest(id: number): Promise<StoredIngest | undefined>;
  /** The ingest `caller` made with this Idempotency-Key; another caller's same key is not it. */
  findIngestByIdempotencyKey(caller: string | null, key: string): Promise<StoredIngest | undefined>;
  /** Stored payloads of live articles, in ingest order, a batch at a time. */
  listStoredPayloads(afterIngestId: number, limit: number): Promise<StoredIngestWithRaw[]>;
}

/**
 * Edits of articles, authors and tags. Each write applies only while the resource is still the
 * version the edit was made on (false otherwise), and records its change-feed events.
 */
export interface EditsRepository {
  /** The article by id, slug or former slug, as an edit starts from it. */
  findEditableArticle(idOrSlug: string): Promise<EditableArticle | undefined>;
  /**
   * Rewrites article `id` from the draft: row, links, simhash bands, and a new slug (the old one
   * kept resolving) when `draft.slug` differs; only while `updated_at` is still `expectedUpdatedAt`.
   */
  updateArticle(id: number, expectedUpdatedAt: string, draft: ArticleDraft, now: string): Promise<boolean>;
  /** Renames an author or changes their bio, while the stored name and bio are still `expected`. */
  updateAuthor(id: number, expected: NamedVersion, next: NamedVersion, now: string): Promise<boolean>;
  /** Renames a tag or changes its description, while they are still `expected`. */
  updateTag(id: number, expected: NamedVersion, next: NamedVersion, now: string): Promise<boolean>;
  /**
   * Folds tag `fromId` into tag `intoId`: its articles carry the other tag instead, its slug then
   * names the other tag, and it is removed; while its name and description are still `expected`.
   */
  mergeTag(fromId: number, expected: NamedVersion, intoId: number, now: string): Promise<boolean>;
}

export interface ApiKeysRepository {
  /** Stores a key by its hash; returns its id. */
  createApiKey(input: {
    name: string;
    prefix: string;
    hash: string;
    scopes: ApiKeyScope[];
    now: string;
  }): Promise<number>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Looked up by the sha256 of the presented key. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** Returns false when no live key has that id. */
  revokeApiKey(id: number, now: string): Promise<boolean>;
}

/** Whether the storage can serve: what the readiness probe reports. */
export interface DatabaseCheck {
  reachable: boolean;
  migrationsCurrent: boolean;
  /** False while writes fail for want of storage (a full disk, a write I/O error). */
  storage: boolean;
}

export interface Repositories {
  articles: ArticlesRepository;
  authors: AuthorsRepository;
  tags: TagsRepository;
  ingest: IngestRepository;
  apiKeys: ApiKeysRepository;
  related: RelatedRepository;
  edits: EditsRepository;
}
