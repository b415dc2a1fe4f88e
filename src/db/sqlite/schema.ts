import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { ApiKeyScope } from '../../domain/api-keys.js';
import type { Image } from '../../domain/article.js';
import type { ChangeType } from '../../domain/changes.js';
import { changeTypes, webhookStatuses } from '../../domain/column-values.js';
import { ingestStatuses } from '../../domain/ingest.js';

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

export const articles = sqliteTable(
  'articles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    subtitle: text('subtitle'),
    excerpt: text('excerpt').notNull(),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html').notNull(),
    /** JSON array of {caption, credit, date}. */
    images: text('images', { mode: 'json' }).$type<Image[]>().notNull(),
    language: text('language'),
    wordCount: integer('word_count').notNull(),
    readingTimeMinutes: integer('reading_time_minutes').notNull(),
    /** ISO 8601 UTC; timestamps are stored as text so they sort and compare as written. */
    publishedAt: text('published_at'),
    /** published_at with unknown dates as '' (below every real date), so NULLs stay inside index ranges. */
    publishedSort: text('published_sort')
      .notNull()
      .generatedAlwaysAs(sql`coalesce(published_at, '')`, { mode: 'virtual' }),
    sourceUrl: text('source_url'),
    contentHash: text('content_hash').notNull(),
    /** Author and tag names, space-separated, so the full-text index covers them with the body. */
    authorNames: text('author_names').notNull().default(''),
    tagNames: text('tag_names').notNull().default(''),
    simhash: text('simhash').notNull(),
    /** When an editor last changed the article through the API; a re-parse leaves such articles alone. */
    editedAt: text('edited_at'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('articles_slug_unique').on(table.slug),
    uniqueIndex('articles_source_url_unique').on(table.sourceUrl),
    uniqueIndex('articles_content_hash_unique').on(table.contentHash),
    // Keyset pagination walks (published_at, id) with unknown dates last in the default newest-first
    // order; the expression keeps NULLs inside a range scan, so page 1,000 costs what page 1 does.
    index('articles_published_sort_id').on(table.publishedSort, table.id),
    index('articles_language_published_sort_id').on(table.language, table.publishedSort, table.id),
    // A search's month facet reads the dates of its sample by id: from the table, each date lies
    // past both bodies, on their overflow pages.
    index('articles_id_published_at').on(table.id, table.publishedAt),
  ],
);

export const authors = sqliteTable(
  'authors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** Case- and accent-folded name: two spellings of one person are one author. */
    nameKey: text('name_key').notNull(),
    bio: text('bio'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('authors_slug_unique').on(table.slug),
    uniqueIndex('authors_name_key_unique').on(table.nameKey),
    index('authors_name').on(table.name),
  ],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    ...timestamps,
  },
  (table) => [uniqueIndex('tags_slug_unique').on(table.slug), index('tags_name').on(table.name)],
);

export const articleAuthors = sqliteTable(
  'article_authors',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    /** Byline order, from 0. */
    position: integer('position').notNull(),
    /** The article's published_sort, kept by triggers, so an author's page is one index range. */
    publishedSort: text('published_sort').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.articleId, table.authorId] }),
    index('article_authors_author_article').on(table.authorId, table.articleId),
    index('article_authors_author_published_sort').on(table.authorId, table.publishedSort, table.articleId),
  ],
);

export const articleTags = sqliteTable(
  'article_tags',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    /** True when Gazette derived the tag instead of the source naming it. */
    derived: integer('derived', { mode: 'boolean' }).notNull().default(false),
    /**
     * The article's published_sort, kept by triggers, so a tag's page is one index range: newest
     * first, whether the tag has 40 articles or 40,000.
     */
    publishedSort: text('published_sort').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.articleId, table.tagId] }),
    index('article_tags_tag_article').on(table.tagId, table.articleId),
    index('article_tags_tag_published_sort').on(table.tagId, table.publishedSort, table.articleId),
  ],
);

/**
 * Each article's authors and tags as the JSON arrays its summary shows, kept by triggers on the
 * links and on author and tag names (migration 0017): a page of 20 reads 20 rows here instead of
 * joining and sorting every link.
 */
export const articleCards = sqliteTable('article_cards', {
  articleId: integer('article_id')
    .primaryKey()
    .references(() => articles.id, { onDelete: 'cascade' }),
  authors: text('authors').notNull().default('[]'),
  tags: text('tags').notNull().default('[]'),
});

/**
 * The four 16-bit bands of each article's simhash. Two hashes within 3 bits of each other share at
 * least one band exactly, so near-duplicate candidates come from an index lookup, not a full scan.
 */
export const articleSimhashBands = sqliteTable(
  'article_simhash_bands',
  {
    /** band number × 65536 + the band's 16 bits. */
    band: integer('band').notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    /**
     * The article's simhash again: candidates are compared from this index alone, where reading
     * it from the article row would walk past both bodies into overflow pages.
     */
    simhash: text('simhash').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.band, table.articleId] }),
    index('article_simhash_bands_article').on(table.articleId),
    index('article_simhash_bands_band_article_simhash').on(table.band, table.articleId, table.simhash),
  ],
);

/**
 * Articles carrying a renamed author or tag, whose version, event and names columns (`author_names`,
 * `tag_names`, read by the full-text index) are still to follow. Re-indexing a long article costs
 * about a millisecond, so a rename commits the name and the cards at once and these follow in short
 * transactions (collection-editing.ts); the list survives a crash and is finished on start.
 */
export const articleNameRefresh = sqliteTable('article_name_refresh', {
  articleId: integer('article_id')
    .primaryKey()
    .references(() => articles.id, { onDelete: 'cascade' }),
  /** When the rename happened: the article's new version is worked out from it. */
  renamedAt: text('renamed_at').notNull(),
});

/**
 * Each distinct raw payload once, by its sha256, so articles can be re-parsed when the parser
 * improves; ingests refer to it, and a payload sent again adds an ingest, not another copy.
 */
export const rawPayloads = sqliteTable('raw_payloads', {
  sha256: text('sha256').primaryKey(),
  raw: blob('raw', { mode: 'buffer' }).notNull(),
});

export const ingests = sqliteTable(
  'ingests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: text('received_at').notNull(),
    contentType: text('content_type').notNull(),
    sourceUrl: text('source_url'),
    /** The payload as received, in `raw_payloads`: the same bytes sent again are stored once. */
    rawSha256: text('raw_sha256').notNull(),
    /** The JSON ingest request without `raw` (explicit tags, authors, dates), kept for re-parsing. */
    overrides: text('overrides', { mode: 'json' }).$type<Record<string, unknown>>(),
    status: text('status', { enum: ingestStatuses }).notNull(),
    articleId: integer('article_id').references(() => articles.id, { onDelete: 'set null' }),
    duplicateOf: integer('duplicate_of').references(() => articles.id, { onDelete: 'set null' }),
    warnings: text('warnings', { mode: 'json' }).$type<string[]>().notNull(),
    /** Which rule produced each field, what was removed as boilerplate, editorial references. */
    report: text('report', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    parserVersion: text('parser_version').notNull(),
    idempotencyKey: text('idempotency_key'),
    /**
     * Who sent the Idempotency-Key (the caller id, `db:7` or `env:0`): keys are unique per caller, so
     * two API keys never replay each other's ingests. NULL on ingests stored before keys were scoped.
     */
    idempotencyCaller: text('idempotency_caller'),
  },
  (table) => [
    index('ingests_article_id').on(table.articleId),
    index('ingests_duplicate_of').on(table.duplicateOf),
    uniqueIndex('ingests_idempotency_caller_key_unique').on(table.idempotencyCaller, table.idempotencyKey),
  ],
);

/**
 * A tombstone per deleted article, so its id and slug answer 410 Gone after the row is gone. A
 * slug that a later article takes serves that article; the tombstone still answers for the id.
 */
export const deletedArticles = sqliteTable(
  'deleted_articles',
  {
    articleId: integer('article_id').primaryKey(),
    slug: text('slug').notNull(),
    deletedAt: text('deleted_at').notNull(),
  },
  (table) => [index('deleted_articles_slug').on(table.slug)],
);

/** The slugs a deleted article had before title edits gave it new ones: they answer 410 too. */
export const deletedArticleSlugs = sqliteTable(
  'deleted_article_slugs',
  {
    slug: text('slug').notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => deletedArticles.articleId, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.slug, table.articleId] })],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The first characters of the key, shown in listings so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** sha256 of the whole key; the key itself is shown once and never stored. */
    hash: text('hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<ApiKeyScope[]>().notNull(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (table) => [uniqueIndex('api_keys_hash_unique').on(table.hash)],
);

/**
 * The change feed (SPEC §3, `/v1/changes`): one row per create, update or delete of an article,
 * author or tag, written in the transaction that made the change. SQLite commits one writer at a
 * time, so ids become visible in order and a reader never sees a later event before an earlier one.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: changeTypes }).notNull(),
    resourceId: integer('resource_id').notNull(),
    /** The resource right after the change, as JSON (see domain/changes.ts). */
    data: text('data').notNull(),
    occurredAt: text('occurred_at').notNull(),
    /**
     * Set (by a trigger, migration 0011) once a later event of the same resource is written: the feed
     * serves each resource's latest event only, and reads the rest through the `events_live` index.
     * A superseded event is deleted (migrations 0014, 0016) once every active webhook that takes its
     * type has delivered it, so a deleted article's text and an edited article's earlier versions do
     * not stay in the database.
     */
    superseded: integer('superseded', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [
    index('events_type_resource').on(table.type, table.resourceId),
    index('events_live').on(table.id).where(sql`${table.superseded} = 0`),
    index('events_superseded_type').on(table.type, table.id).where(sql`${table.superseded} = 1`),
  ],
);

/**
 * Webhook subscriptions. The events table is their queue: each subscription delivers the events
 * after `last_event_id`, one at a time, and moves the cursor only after a 2xx. A process claims a
 * subscription by setting `leased_until`, so two processes never deliver it at once. Times the
 * dispatcher compares are epoch milliseconds.
 */
export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  eventTypes: text('event_types', { mode: 'json' }).$type<ChangeType[]>().notNull(),
  /** The signing secret (`whsec_…`); kept because every delivery is signed with it. */
  secret: text('secret').notNull(),
  status: text('status', { enum: webhookStatuses }).notNull().default('active'),
  disabledReason: text('disabled_reason'),
  lastEventId: integer('last_event_id').notNull(),
  /** Failed attempts at the event after the cursor, and when the first of them failed. */
  attempt: integer('attempt').notNull().default(0),
  failingSince: integer('failing_since'),
  nextAttemptAt: integer('next_attempt_at').notNull().default(0),
  leasedUntil: integer('leased_until').notNull().default(0),
  leaseOwner: text('lease_owner'),
  createdAt: text('created_at').notNull(),
});

/** One row per delivery attempt, kept for `GET /v1/webhooks/{id}/deliveries`. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: integer('event_id').notNull(),
    attempt: integer('attempt').notNull(),
    redelivery: integer('redelivery', { mode: 'boolean' }).notNull().default(false),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** The start of the response body, cut to a few KB. */
    responseBody: text('response_body'),
    attemptedAt: text('attempted_at').notNull(),
    nextAttemptAt: text('next_attempt_at'),
  },
  (table) => [index('webhook_deliveries_webhook').on(table.webhookId, table.id)],
);

/** Re-sends asked for through the API, waiting for the dispatcher; each is tried once. */
export const webhookRedeliveries = sqliteTable(
  'webhook_redeliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: integer('event_id').notNull(),
    requestedAt: text('requested_at').notNull(),
  },
  (table) => [index('webhook_redeliveries_webhook').on(table.webhookId, table.id)],
);

/**
 * Slugs an article had before a title edit gave it a new one: links to the old slug keep serving
 * the article. A slug in use by an article itself wins over one remembered here.
 */
export const articleSlugs = sqliteTable(
  'article_slugs',
  {
    slug: text('slug').primaryKey(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
  },
  (table) => [index('article_slugs_article').on(table.articleId)],
);

/**
 * Other slugs that name a tag: those of tags folded into it by a merge, and that of a new name it
 * was given (its own slug stays). Each serves the tag, and a later ingest naming the tag so links it
 * instead of creating another; a tag's own slug wins over one remembered here.
 */
export const tagSlugs = sqliteTable(
  'tag_slugs',
  {
    slug: text('slug').primaryKey(),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (table) => [index('tag_slugs_tag').on(table.tagId)],
);
