import { hammingDistance } from '../ingest/simhash.js';
import type { Db } from './connection.js';
import type { IngestStatus } from './schema.js';
import { isStorageError, writeGateOf } from './writes.js';

export interface ArticleDraft {
  slug: string;
  title: string;
  subtitle: string | null;
  excerpt: string;
  bodyText: string;
  bodyHtml: string;
  images: { caption: string; credit: string | null; date: string | null }[];
  language: string | null;
  wordCount: number;
  readingTimeMinutes: number;
  publishedAt: string | null;
  sourceUrl: string | null;
  contentHash: string;
  simhash: string;
  /** In byline order; `key` is the folded name that identifies the person. */
  authors: { name: string; key: string; slug: string; bio: string | null }[];
  tags: { name: string; slug: string; derived: boolean }[];
}

export interface IngestRecord {
  receivedAt: string;
  contentType: string;
  sourceUrl: string | null;
  raw: Buffer;
  rawSha256: string;
  overrides: Record<string, unknown> | null;
  status: IngestStatus;
  duplicateOf: number | null;
  warnings: string[];
  report: Record<string, unknown>;
  parserVersion: string;
  idempotencyKey: string | null;
}

export interface StoredIngest {
  id: number;
  received_at: string;
  content_type: string;
  source_url: string | null;
  raw_sha256: string;
  status: IngestStatus;
  article_id: number | null;
  duplicate_of: number | null;
  warnings: string[];
  report: Record<string, unknown>;
  parser_version: string;
}

export interface StoredIngestWithRaw extends StoredIngest {
  raw: Buffer;
  overrides: Record<string, unknown> | null;
}

/** What storing one ingest did. */
export type StoreOutcome =
  | {
      kind: 'stored';
      status: 'created' | 'duplicate';
      articleId: number;
      ingestId: number;
      warnings: string[];
    }
  /** The idempotency key was seen before: the earlier ingest stands, nothing new is written. */
  | { kind: 'replay'; ingestId: number }
  | { kind: 'failed'; error: unknown };

/** Hashes within this many bits of each other are near-duplicates (about 95% of 64 bits agree). */
const nearDuplicateBits = 3;

const ingestColumns = `id, received_at, content_type, source_url, raw_sha256, status, article_id,
  duplicate_of, warnings, report, parser_version`;

type IngestRow = Omit<StoredIngest, 'warnings' | 'report'> & { warnings: string; report: string };

function toStoredIngest<T extends IngestRow>(row: T): Omit<T, 'warnings' | 'report'> & StoredIngest {
  return { ...row, warnings: JSON.parse(row.warnings), report: JSON.parse(row.report) };
}

/** The 16-bit bands of a 64-bit simhash, numbered so equal bits in different positions never match. */
function simhashBands(simhash: string): number[] {
  return [0, 1, 2, 3].map(
    (band) => band * 65536 + Number.parseInt(simhash.slice(band * 4, band * 4 + 4), 16),
  );
}

/**
 * Writes an ingested article with its authors, tags, links and provenance record in one
 * transaction: when any statement fails, nothing of the article is stored.
 */
export function createIngestRepository(db: Db) {
  const sqlite = db.$client;
  const gate = writeGateOf(sqlite);
  const slugTaken = sqlite.prepare('SELECT 1 FROM articles WHERE slug = ?').pluck();
  const insertArticle = sqlite.prepare(`INSERT INTO articles (slug, title, subtitle, excerpt, body_text,
    body_html, images, language, word_count, reading_time_minutes, published_at, source_url, content_hash,
    author_names, tag_names, simhash, created_at, updated_at) VALUES (@slug, @title, @subtitle, @excerpt,
    @bodyText, @bodyHtml, @images, @language, @wordCount, @readingTimeMinutes, @publishedAt, @sourceUrl,
    @contentHash, @authorNames, @tagNames, @simhash, @now, @now)`);
  const updateArticle = sqlite.prepare(`UPDATE articles SET title = @title, subtitle = @subtitle,
    excerpt = @excerpt, body_text = @bodyText, body_html = @bodyHtml, images = @images, language = @language,
    word_count = @wordCount, reading_time_minutes = @readingTimeMinutes, published_at = @publishedAt,
    content_hash = @contentHash, author_names = @authorNames, tag_names = @tagNames, simhash = @simhash,
    updated_at = @now WHERE id = @id`);
  const authorByKey = sqlite.prepare('SELECT id, bio FROM authors WHERE name_key = ?');
  const authorSlugTaken = sqlite.prepare('SELECT 1 FROM authors WHERE slug = ?').pluck();
  const insertAuthor = sqlite.prepare(`INSERT INTO authors (slug, name, name_key, bio, created_at, updated_at)
    VALUES (@slug, @name, @key, @bio, @now, @now)`);
  const updateAuthorBio = sqlite.prepare('UPDATE authors SET bio = ?, updated_at = ? WHERE id = ?');
  const tagBySlug = sqlite.prepare('SELECT id FROM tags WHERE slug = ?').pluck();
  const insertTag = sqlite.prepare(
    'INSERT INTO tags (slug, name, created_at, updated_at) VALUES (@slug, @name, @now, @now)',
  );
  const linkAuthor = sqlite.prepare(
    'INSERT OR IGNORE INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)',
  );
  const linkTag = sqlite.prepare(
    'INSERT OR IGNORE INTO article_tags (article_id, tag_id, position, derived) VALUES (?, ?, ?, ?)',
  );
  const unlinkAuthors = sqlite.prepare('DELETE FROM article_authors WHERE article_id = ?');
  const unlinkTags = sqlite.prepare('DELETE FROM article_tags WHERE article_id = ?');
  const insertBand = sqlite.prepare(
    'INSERT OR IGNORE INTO article_simhash_bands (band, article_id) VALUES (?, ?)',
  );
  const deleteBands = sqlite.prepare('DELETE FROM article_simhash_bands WHERE article_id = ?');
  // A payload seen before is already stored: the new ingest refers to it by its hash.
  const insertPayload = sqlite.prepare('INSERT OR IGNORE INTO raw_payloads (sha256, raw) VALUES (?, ?)');
  const insertIngestRow = sqlite.prepare(`INSERT INTO ingests (received_at, content_type, source_url,
    raw_sha256, overrides, status, article_id, duplicate_of, warnings, report, parser_version, idempotency_key)
    VALUES (@receivedAt, @contentType, @sourceUrl, @rawSha256, @overrides, @status, @articleId,
    @duplicateOf, @warnings, @report, @parserVersion, @idempotencyKey)`);
  const updateIngestReport = sqlite.prepare(
    'UPDATE ingests SET warnings = ?, report = ?, parser_version = ?, status = ? WHERE id = ?',
  );
  const ingestById = sqlite.prepare(`SELECT ${ingestColumns} FROM ingests WHERE id = ?`);
  const ingestByKey = sqlite.prepare(`SELECT ${ingestColumns} FROM ingests WHERE idempotency_key = ?`);
  const ingestIdByKey = sqlite.prepare('SELECT id FROM ingests WHERE idempotency_key = ?').pluck();
  const articleBySourceUrl = sqlite.prepare('SELECT id FROM articles WHERE source_url = ?').pluck();
  const articleByContentHash = sqlite.prepare('SELECT id FROM articles WHERE content_hash = ?').pluck();
  const simhashCandidates = sqlite.prepare(`SELECT DISTINCT a.id, a.simhash FROM article_simhash_bands b
    JOIN articles a ON a.id = b.article_id WHERE b.band IN (?, ?, ?, ?)`);
  const storedPayloads = sqlite.prepare(`SELECT ${ingestColumns}, p.raw, overrides FROM ingests
    JOIN raw_payloads p ON p.sha256 = ingests.raw_sha256
    WHERE status IN ('created', 'updated') AND article_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?`);

  function uniqueSlug(base: string, taken: (slug: string) => unknown): string {
    let slug = base;
    for (let n = 2; taken(slug); n++) slug = `${base}-${n}`;
    return slug;
  }

  function authorId(author: ArticleDraft['authors'][number], now: string): number {
    const existing = authorByKey.get(author.key) as { id: number; bio: string | null } | undefined;
    if (!existing) {
      const slug = uniqueSlug(author.slug, (candidate) => authorSlugTaken.get(candidate));
      return Number(insertAuthor.run({ ...author, slug, now }).lastInsertRowid);
    }
    // A newer bio replaces an older one: bios change as people change roles.
    if (author.bio && author.bio !== existing.bio) updateAuthorBio.run(author.bio, now, existing.id);
    return existing.id;
  }

  function tagId(tag: ArticleDraft['tags'][number], now: string): number {
    const existing = tagBySlug.get(tag.slug) as number | undefined;
    return existing ?? Number(insertTag.run({ slug: tag.slug, name: tag.name, now }).lastInsertRowid);
  }

  function linkRelations(articleId: number, draft: ArticleDraft, now: string): void {
    draft.authors.forEach((author, position) => {
      linkAuthor.run(articleId, authorId(author, now), position);
    });
    draft.tags.forEach((tag, position) => {
      linkTag.run(articleId, tagId(tag, now), position, tag.derived ? 1 : 0);
    });
    for (const band of simhashBands(draft.simhash)) insertBand.run(band, articleId);
  }

  function articleParams(draft: ArticleDraft, now: string) {
    const { authors, tags, ...columns } = draft;
    // The names ride along on the article row so the full-text triggers index them in the same write.
    const authorNames = authors.map((author) => author.name).join(' ');
    const tagNames = tags.map((tag) => tag.name).join(' ');
    return { ...columns, images: JSON.stringify(draft.images), authorNames, tagNames, now };
  }

  function insertIngest(record: IngestRecord, articleId: number | null): number {
    insertPayload.run(record.rawSha256, record.raw);
    const { raw: _raw, ...row } = record;
    return Number(insertIngestRow.run(ingestParams(row, articleId)).lastInsertRowid);
  }

  function ingestParams(record: Omit<IngestRecord, 'raw'>, articleId: number | null) {
    return {
      ...record,
      articleId,
      overrides: record.overrides ? JSON.stringify(record.overrides) : null,
      warnings: JSON.stringify(record.warnings),
      report: JSON.stringify(record.report),
    };
  }

  function nearDuplicateOf(simhash: string): number | null {
    const candidates = simhashCandidates.all(...simhashBands(simhash)) as { id: number; simhash: string }[];
    return (
      candidates.find((candidate) => hammingDistance(candidate.simhash, simhash) <= nearDuplicateBits)?.id ??
      null
    );
  }

  /**
   * One ingest, inside its own savepoint: the duplicate checks and the writes see the same state, so
   * two copies arriving together cannot both become articles, and a failure undoes only this one.
   */
  const storeOne = sqlite.transaction((draft: ArticleDraft, record: IngestRecord): StoreOutcome => {
    if (record.idempotencyKey) {
      const earlier = ingestIdByKey.get(record.idempotencyKey) as number | undefined;
      if (earlier !== undefined) return { kind: 'replay', ingestId: earlier };
    }
    const now = record.receivedAt;
    const existing =
      ((draft.sourceUrl ? articleBySourceUrl.get(draft.sourceUrl) : undefined) as number | undefined) ??
      (articleByContentHash.get(draft.contentHash) as number | undefined);
    if (existing !== undefined) {
      const duplicate = { ...record, status: 'duplicate' as const, duplicateOf: existing };
      const ingestId = insertIngest(duplicate, existing);
      return {
        kind: 'stored',
        status: 'duplicate',
        articleId: existing,
        ingestId,
        warnings: record.warnings,
      };
    }
    const similar = nearDuplicateOf(draft.simhash);
    const warnings =
      similar === null ? record.warnings : [...record.warnings, `near-duplicate of article ${similar}`];
    const slug = uniqueSlug(draft.slug, (candidate) => slugTaken.get(candidate));
    const articleId = Number(insertArticle.run(articleParams({ ...draft, slug }, now)).lastInsertRowid);
    linkRelations(articleId, draft, now);
    const stored = { ...record, duplicateOf: similar, warnings };
    const ingestId = insertIngest(stored, articleId);
    return { kind: 'stored', status: 'created', articleId, ingestId, warnings };
  });

  /** Many ingests in one transaction (one commit, one full-text flush), each in its own savepoint. */
  const storeAll = sqlite.transaction((items: { draft: ArticleDraft; record: IngestRecord }[]) =>
    items.map(({ draft, record }): StoreOutcome => {
      try {
        return storeOne(draft, record);
      } catch (error) {
        // A full disk fails every article and the commit too: the whole transaction gives up.
        if (isStorageError(error)) throw error;
        return { kind: 'failed', error };
      }
    }),
  );

  const reparseTransaction = sqlite.transaction(
    (
      ingestId: number,
      articleId: number,
      draft: ArticleDraft,
      warnings: string[],
      report: object,
      parserVersion: string,
      now: string,
    ) => {
      updateArticle.run({ ...articleParams(draft, now), id: articleId });
      unlinkAuthors.run(articleId);
      unlinkTags.run(articleId);
      deleteBands.run(articleId);
      linkRelations(articleId, draft, now);
      updateIngestReport.run(
        JSON.stringify(warnings),
        JSON.stringify(report),
        parserVersion,
        'updated',
        ingestId,
      );
    },
  );

  return {
    /**
     * Stores ingests in order, in one transaction: each becomes a new article, or a duplicate of an
     * existing one (same source URL or content), or a replay of an earlier idempotency key.
     */
    async storeArticles(items: { draft: ArticleDraft; record: IngestRecord }[]): Promise<StoreOutcome[]> {
      return gate.write(() => storeAll.immediate(items));
    },

    /** Rewrites an article from a newer parse of its stored payload; the slug stays as it was. */
    async reparseArticle(input: {
      ingestId: number;
      articleId: number;
      draft: ArticleDraft;
      warnings: string[];
      report: object;
      parserVersion: string;
      now: string;
    }): Promise<void> {
      await gate.write(() =>
        reparseTransaction.immediate(
          input.ingestId,
          input.articleId,
          input.draft,
          input.warnings,
          input.report,
          input.parserVersion,
          input.now,
        ),
      );
    },

    async findIngest(id: number): Promise<StoredIngest | undefined> {
      const row = ingestById.get(id) as IngestRow | undefined;
      return row && toStoredIngest(row);
    },

    async findIngestByIdempotencyKey(key: string): Promise<StoredIngest | undefined> {
      const row = ingestByKey.get(key) as IngestRow | undefined;
      return row && toStoredIngest(row);
    },

    /** Stored payloads of live articles, in ingest order, a batch at a time. */
    async listStoredPayloads(afterIngestId: number, limit: number): Promise<StoredIngestWithRaw[]> {
      const rows = storedPayloads.all(afterIngestId, limit) as (IngestRow & {
        raw: Buffer;
        overrides: string | null;
      })[];
      return rows.map((row) => ({
        ...toStoredIngest(row),
        overrides: row.overrides ? JSON.parse(row.overrides) : null,
      }));
    },
  };
}
