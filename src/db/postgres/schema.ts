/**
 * The PostgreSQL schema: the tables, columns, keys and indexes of the SQLite schema (../schema.ts),
 * column for column. Timestamps stay ISO 8601 text, as on SQLite, so rows read back as the same
 * strings; JSON columns are jsonb, payloads bytea. Ids are identities "by default" so an import can
 * keep the ids it is given. Full-text search is a weighted tsvector column instead of FTS5.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ApiKeyScope } from '../../domain/api-keys.js';
import type { Image } from '../../domain/article.js';
import type { ChangeType } from '../../domain/changes.js';
import { changeTypes, webhookStatuses } from '../../domain/column-values.js';
import { ingestStatuses } from '../../domain/ingest.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

/**
 * An article's images as jsonb, read back with their keys in the documented order: jsonb keeps keys
 * shortest first, so a reply that is not written by the compiled serializer (a sparse fieldset)
 * would otherwise differ from SQLite's, bytes and ETag included.
 */
const images = customType<{ data: Image[]; driverData: Image[] | string }>({
  dataType: () => 'jsonb',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) =>
    (typeof value === 'string' ? (JSON.parse(value) as Image[]) : value).map(({ caption, credit, date }) => ({
      caption,
      credit,
      date,
    })),
});

/** Written only by PostgreSQL (a generated column); read with ts_rank and matched with @@. */
const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
/** Epoch milliseconds, and ids of tables that grow with every write, outgrow a 32-bit integer. */
const big = (name: string) => bigint(name, { mode: 'number' });
const bigId = () => big('id').primaryKey().generatedByDefaultAsIdentity();

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

/**
 * Title above subtitle and names above the body. The `gazette_search` configuration (migration 0004)
 * folds accents and stems English words without dropping stop words, as SQLite's index does.
 */
const searchDocument = sql`setweight(to_tsvector('gazette_search', title), 'A')
  || setweight(to_tsvector('gazette_search', coalesce(subtitle, '')), 'B')
  || setweight(to_tsvector('gazette_search', body_text), 'C')
  || setweight(to_tsvector('gazette_search', author_names || ' ' || tag_names), 'B')`;

export const articles = pgTable(
  'articles',
  {
    id: id(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    subtitle: text('subtitle'),
    excerpt: text('excerpt').notNull(),
    bodyText: text('body_text').notNull(),
    bodyHtml: text('body_html').notNull(),
    images: images('images').notNull(),
    language: text('language'),
    wordCount: integer('word_count').notNull(),
    readingTimeMinutes: integer('reading_time_minutes').notNull(),
    publishedAt: text('published_at'),
    /** published_at with unknown dates as '' (below every real date), as on SQLite. */
    publishedSort: text('published_sort').notNull().generatedAlwaysAs(sql`coalesce(published_at, '')`),
    sourceUrl: text('source_url'),
    contentHash: text('content_hash').notNull(),
    authorNames: text('author_names').notNull().default(''),
    tagNames: text('tag_names').notNull().default(''),
    simhash: text('simhash').notNull(),
    editedAt: text('edited_at'),
    ...timestamps,
    search: tsvector('search').notNull().generatedAlwaysAs(searchDocument),
  },
  (table) => [
    uniqueIndex('articles_slug_unique').on(table.slug),
    uniqueIndex('articles_source_url_unique').on(table.sourceUrl),
    uniqueIndex('articles_content_hash_unique').on(table.contentHash),
    index('articles_published_sort_id').on(table.publishedSort, table.id),
    index('articles_language_published_sort_id').on(table.language, table.publishedSort, table.id),
    index('articles_search').using('gin', table.search),
  ],
);

export const authors = pgTable(
  'authors',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
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

export const tags = pgTable(
  'tags',
  {
    id: id(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    ...timestamps,
  },
  (table) => [uniqueIndex('tags_slug_unique').on(table.slug), index('tags_name').on(table.name)],
);

export const articleAuthors = pgTable(
  'article_authors',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    /** The article's published_sort, kept by triggers (migration 0001). */
    publishedSort: text('published_sort').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.articleId, table.authorId] }),
    index('article_authors_author_article').on(table.authorId, table.articleId),
    index('article_authors_author_published_sort').on(table.authorId, table.publishedSort, table.articleId),
  ],
);

export const articleTags = pgTable(
  'article_tags',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    derived: boolean('derived').notNull().default(false),
    /** The article's published_sort, kept by triggers (migration 0001). */
    publishedSort: text('published_sort').notNull().default(''),
  },
  (table) => [
    primaryKey({ columns: [table.articleId, table.tagId] }),
    index('article_tags_tag_article').on(table.tagId, table.articleId),
    index('article_tags_tag_published_sort').on(table.tagId, table.publishedSort, table.articleId),
  ],
);

export const articleSimhashBands = pgTable(
  'article_simhash_bands',
  {
    band: integer('band').notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.band, table.articleId] }),
    index('article_simhash_bands_article').on(table.articleId),
  ],
);

export const rawPayloads = pgTable('raw_payloads', {
  sha256: text('sha256').primaryKey(),
  raw: bytea('raw').notNull(),
});

export const ingests = pgTable(
  'ingests',
  {
    id: bigId(),
    receivedAt: text('received_at').notNull(),
    contentType: text('content_type').notNull(),
    sourceUrl: text('source_url'),
    rawSha256: text('raw_sha256').notNull(),
    overrides: jsonb('overrides').$type<Record<string, unknown>>(),
    status: text('status', { enum: ingestStatuses }).notNull(),
    articleId: integer('article_id').references(() => articles.id, { onDelete: 'set null' }),
    duplicateOf: integer('duplicate_of').references(() => articles.id, { onDelete: 'set null' }),
    warnings: jsonb('warnings').$type<string[]>().notNull(),
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    parserVersion: text('parser_version').notNull(),
    idempotencyKey: text('idempotency_key'),
    idempotencyCaller: text('idempotency_caller'),
  },
  (table) => [
    index('ingests_article_id').on(table.articleId),
    index('ingests_duplicate_of').on(table.duplicateOf),
    uniqueIndex('ingests_idempotency_caller_key_unique').on(table.idempotencyCaller, table.idempotencyKey),
  ],
);

export const deletedArticles = pgTable(
  'deleted_articles',
  {
    articleId: integer('article_id').primaryKey(),
    slug: text('slug').notNull(),
    deletedAt: text('deleted_at').notNull(),
  },
  (table) => [index('deleted_articles_slug').on(table.slug)],
);

export const deletedArticleSlugs = pgTable(
  'deleted_article_slugs',
  {
    slug: text('slug').notNull(),
    articleId: integer('article_id')
      .notNull()
      .references(() => deletedArticles.articleId, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.slug, table.articleId] })],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: jsonb('scopes').$type<ApiKeyScope[]>().notNull(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (table) => [uniqueIndex('api_keys_hash_unique').on(table.hash)],
);

/**
 * The change feed. Unlike SQLite, PostgreSQL commits concurrent writers out of id order, so a
 * feed reader there must not pass an id an open transaction may still commit (repository work).
 */
export const events = pgTable(
  'events',
  {
    id: bigId(),
    type: text('type', { enum: changeTypes }).notNull(),
    resourceId: integer('resource_id').notNull(),
    /** The resource right after the change, as JSON text, served byte for byte. */
    data: text('data').notNull(),
    occurredAt: text('occurred_at').notNull(),
    /**
     * Set by a trigger (migration 0001) once a later event of the same resource is written; deleted
     * (migrations 0002, 0003) once every active webhook that takes its type has delivered it.
     */
    superseded: boolean('superseded').notNull().default(false),
  },
  (table) => [
    index('events_type_resource').on(table.type, table.resourceId),
    index('events_live').on(table.id).where(sql`${table.superseded} = false`),
    index('events_superseded_type').on(table.type, table.id).where(sql`${table.superseded} = true`),
  ],
);

export const webhooks = pgTable('webhooks', {
  id: id(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  eventTypes: jsonb('event_types').$type<ChangeType[]>().notNull(),
  secret: text('secret').notNull(),
  status: text('status', { enum: webhookStatuses }).notNull().default('active'),
  disabledReason: text('disabled_reason'),
  lastEventId: big('last_event_id').notNull(),
  attempt: integer('attempt').notNull().default(0),
  failingSince: big('failing_since'),
  nextAttemptAt: big('next_attempt_at').notNull().default(0),
  leasedUntil: big('leased_until').notNull().default(0),
  leaseOwner: text('lease_owner'),
  createdAt: text('created_at').notNull(),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigId(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: big('event_id').notNull(),
    attempt: integer('attempt').notNull(),
    redelivery: boolean('redelivery').notNull().default(false),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    responseBody: text('response_body'),
    attemptedAt: text('attempted_at').notNull(),
    nextAttemptAt: text('next_attempt_at'),
  },
  (table) => [index('webhook_deliveries_webhook').on(table.webhookId, table.id)],
);

export const webhookRedeliveries = pgTable(
  'webhook_redeliveries',
  {
    id: bigId(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: big('event_id').notNull(),
    requestedAt: text('requested_at').notNull(),
  },
  (table) => [index('webhook_redeliveries_webhook').on(table.webhookId, table.id)],
);

export const articleSlugs = pgTable(
  'article_slugs',
  {
    slug: text('slug').primaryKey(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
  },
  (table) => [index('article_slugs_article').on(table.articleId)],
);

export const tagSlugs = pgTable(
  'tag_slugs',
  {
    slug: text('slug').primaryKey(),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (table) => [index('tag_slugs_tag').on(table.tagId)],
);
