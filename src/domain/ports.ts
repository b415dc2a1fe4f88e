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
import type { ChangeEvent } from './changes.js';
import type { Author, CollectionQuery, Tag } from './collections.js';
import type { EditableArticle, NamedVersion } from './edits.js';
import type { IngestRecord, StoredIngest, StoredIngestWithRaw, StoreOutcome } from './ingest.js';
import type { Page } from './page.js';
import type { ExportLine, ExportSection } from './transfer.js';
import type { Webhook, WebhookDelivery } from './webhooks.js';

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
   * Stores ingests in order: each becomes a new article, a duplicate of an existing one (same source
   * URL or content), or a replay of an idempotency key. It may commit them in several transactions;
   * on a storage failure those committed before it stay stored and the rest fail with it.
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

export interface ChangesRepository {
  /**
   * Up to `limit` events after event `after`, in order: each resource's latest event only, so an
   * event another change of the same resource superseded is skipped.
   */
  listChanges(after: number, limit: number): Promise<ChangeEvent[]>;
  /** The id of the newest event, 0 when there is none. */
  latestChangeId(): Promise<number>;
}

/** A subscription as the dispatcher needs it to deliver. */
export interface WebhookTarget {
  id: number;
  url: string;
  secret: string;
  /** Failed attempts at the next event so far, and since when (epoch ms) it has been failing. */
  attempt: number;
  failingSince: number | null;
  /** When the event after the cursor may be tried again (epoch ms). */
  nextAttemptAt: number;
}

/** An event as stored: `data` is its JSON. */
export interface StoredEvent {
  id: number;
  type: string;
  occurred_at: string;
  data: string;
}

/** One attempt's outcome, recorded with the attempt. */
export interface DeliveryAttempt {
  webhookId: number;
  eventId: number;
  attempt: number;
  redelivery: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseBody: string | null;
  attemptedAt: string;
}

/** What follows a failed attempt: a retry at `nextAttemptAt` (epoch ms), or disabling with a reason. */
export type AfterFailure = { nextAttemptAt: number } | { disabledReason: string };

export interface WebhooksRepository {
  /** Stores a subscription whose cursor is the newest event now, so it receives only later ones. */
  createWebhook(input: {
    url: string;
    description: string;
    eventTypes: readonly string[];
    secret: string;
    now: string;
  }): Promise<Webhook>;
  listWebhooks(): Promise<Webhook[]>;
  findWebhook(id: number): Promise<Webhook | undefined>;
  /** Removes it with its attempts; false when there was none. */
  deleteWebhook(id: number): Promise<boolean>;
  /** Makes a disabled subscription active again, from its cursor, with no failures counted. */
  enableWebhook(id: number): Promise<Webhook | undefined>;
  /** Attempts of one subscription, newest first, a page at a time. */
  listDeliveries(
    webhookId: number,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<WebhookDelivery>>;
  findEvent(id: number): Promise<StoredEvent | undefined>;
  /** Queues a one-off re-send of an event to a subscription. */
  queueRedelivery(webhookId: number, eventId: number, now: string): Promise<void>;
  /**
   * Leases up to `limit` subscriptions with something due (an event past the cursor whose retry
   * time has come, or a queued re-send) to `owner` until `leasedUntil`, in one write.
   */
  claimDue(owner: string, now: number, leasedUntil: number, limit: number): Promise<WebhookTarget[]>;
  /** The first subscribed event after the cursor, or undefined when it has caught up. */
  nextEvent(webhookId: number): Promise<StoredEvent | undefined>;
  /** The oldest queued re-send, with its event. */
  nextRedelivery(webhookId: number): Promise<{ id: number; event: StoredEvent } | undefined>;
  /**
   * Records a 2xx for the event after the cursor and moves the cursor to it, renewing the lease;
   * false when the lease was lost (another process took the subscription over).
   */
  recordSuccess(attempt: DeliveryAttempt, owner: string, leasedUntil: number): Promise<boolean>;
  /** Records a failed attempt and schedules the retry or disables the subscription; ends the lease. */
  recordFailure(
    attempt: DeliveryAttempt,
    owner: string,
    failingSince: number,
    after: AfterFailure,
  ): Promise<void>;
  /**
   * Records a re-send's one attempt and takes it off the queue, renewing the lease; it moves
   * neither cursor nor retries.
   */
  recordRedelivery(
    redeliveryId: number,
    attempt: DeliveryAttempt,
    owner: string,
    leasedUntil: number,
  ): Promise<void>;
  /**
   * Gives the lease up, so the subscription is due again at once when it has more to send; when it
   * has caught up, its cursor passes the events of types it does not take.
   */
  release(webhookId: number, owner: string): Promise<void>;
}

/** Whether the storage can serve: what the readiness probe reports. */
export interface DatabaseCheck {
  reachable: boolean;
  migrationsCurrent: boolean;
  /** False while writes fail for want of storage (a full disk, a write I/O error). */
  storage: boolean;
}

/** A whole database read for export from one consistent snapshot; closed when done. */
export interface ExportSnapshot {
  /** How many lines the export holds, for progress. */
  countLines(): Promise<number>;
  /** Up to `limit` lines of one kind after the one with key `afterKey`, in key order. */
  readLines(section: ExportSection, afterKey: number, limit: number): Promise<ExportLine[]>;
  close(): Promise<void>;
}

/** An import: every line written in one transaction, so a failed import leaves the database empty. */
export interface ImportTransaction {
  writeLines(lines: ExportLine[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface TransferRepository {
  openExport(): Promise<ExportSnapshot>;
  /** Starts an import; a Conflict when the database already holds articles, authors, tags or ingests. */
  beginImport(): Promise<ImportTransaction>;
}

export interface Repositories {
  articles: ArticlesRepository;
  authors: AuthorsRepository;
  tags: TagsRepository;
  ingest: IngestRepository;
  apiKeys: ApiKeysRepository;
  related: RelatedRepository;
  changes: ChangesRepository;
  webhooks: WebhooksRepository;
  edits: EditsRepository;
  transfer: TransferRepository;
}
