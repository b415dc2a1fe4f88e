import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { ArticleDraft } from '../../domain/article.js';
import { bioToKeep } from '../../domain/collections.js';
import { nearDuplicateBits, nearDuplicateCandidates } from '../../domain/ingest.js';
import { hammingDistance } from '../../ingest/simhash.js';
import { simhashBands } from '../simhash-bands.js';
import type { EventLog } from './events.js';
import { articleAuthors, articleSimhashBands, articles, articleTags, authors, tags } from './schema.js';
import type { Tx } from './write-transaction.js';

/** `base`, or `base-2`, `base-3`…: the first that `taken` says is free. */
export async function freeSlug(base: string, taken: (slug: string) => Promise<boolean>): Promise<string> {
  let slug = base;
  for (let n = 2; await taken(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** The columns of an article row written from a draft, with the names the search document reads. */
function articleColumns(draft: ArticleDraft) {
  const { authors: byline, tags: named, slug: _slug, sourceUrl: _sourceUrl, ...columns } = draft;
  return {
    ...columns,
    authorNames: byline.map((author) => author.name).join(' '),
    tagNames: named.map((tag) => tag.name).join(' '),
  };
}

/** Writes of the `articles` table itself, inside the caller's transaction. */
export function createArticleRows(tx: Tx) {
  const firstId = (rows: { id: number }[]) => rows[0]?.id;
  const slugTaken = async (slug: string) =>
    (await tx.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug)).limit(1)).length > 0;
  return {
    /** The stored article this draft is a copy of: the same source URL, or else the same content. */
    async copyOf(draft: ArticleDraft): Promise<number | undefined> {
      const select = () => tx.select({ id: articles.id }).from(articles).limit(1);
      const byUrl = draft.sourceUrl
        ? firstId(await select().where(eq(articles.sourceUrl, draft.sourceUrl)))
        : undefined;
      return byUrl ?? firstId(await select().where(eq(articles.contentHash, draft.contentHash)));
    },

    /** Inserts the article under its slug, numbered when another article has it; returns its id. */
    async insert(draft: ArticleDraft, now: string): Promise<number> {
      const slug = await freeSlug(draft.slug, slugTaken);
      const [row] = await tx
        .insert(articles)
        .values({
          ...articleColumns(draft),
          slug,
          sourceUrl: draft.sourceUrl,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: articles.id });
      return row!.id;
    },

    /** Rewrites every column from the draft but the slug and source URL, which links may point at. */
    async update(id: number, draft: ArticleDraft, now: string): Promise<void> {
      await tx
        .update(articles)
        .set({ ...articleColumns(draft), updatedAt: now })
        .where(eq(articles.id, id));
    },
  };
}

/**
 * The ids of the draft's tags, storing those not seen before, in one lookup for all of them. A
 * slug a tag answers to besides its own (merged into it, or its new name's) links that tag.
 */
async function tagIds(tx: Tx, events: EventLog, named: ArticleDraft['tags'], now: string): Promise<number[]> {
  if (named.length === 0) return [];
  const slugs = named.map((tag) => tag.slug);
  const found = await tx.execute<{ slug: string; id: number | null }>(sql`SELECT s.slug, coalesce(
    (SELECT id FROM tags WHERE slug = s.slug), (SELECT tag_id FROM tag_slugs WHERE slug = s.slug)) AS id
    FROM unnest(${sql.param(slugs)}::text[]) AS s(slug)`);
  const known = new Map(found.rows.flatMap((row) => (row.id === null ? [] : [[row.slug, row.id] as const])));
  const ids: number[] = [];
  for (const tag of named) {
    let id = known.get(tag.slug);
    if (id === undefined) {
      const [row] = await tx
        .insert(tags)
        .values({ slug: tag.slug, name: tag.name, createdAt: now, updatedAt: now })
        .returning({ id: tags.id });
      id = row!.id;
      await events.tag('tag.created', id, now);
      known.set(tag.slug, id);
    }
    ids.push(id);
  }
  return ids;
}

/**
 * An article's authors and tags: each person and tag stored once and linked in byline and tag
 * order; people and tags created or changed here are recorded in the change feed.
 */
export function createArticleLinks(tx: Tx, events: EventLog) {
  const authorSlugTaken = async (slug: string) =>
    (await tx.select({ id: authors.id }).from(authors).where(eq(authors.slug, slug)).limit(1)).length > 0;

  async function authorId(author: ArticleDraft['authors'][number], now: string): Promise<number> {
    const [existing] = await tx
      .select({ id: authors.id, bio: authors.bio })
      .from(authors)
      .where(eq(authors.nameKey, author.key));
    if (!existing) {
      const slug = await freeSlug(author.slug, authorSlugTaken);
      const values = {
        slug,
        name: author.name,
        nameKey: author.key,
        bio: author.bio,
        createdAt: now,
        updatedAt: now,
      };
      const [row] = await tx.insert(authors).values(values).returning({ id: authors.id });
      await events.author('author.created', row!.id, now);
      return row!.id;
    }
    const bio = bioToKeep(existing.bio, author.bio);
    if (bio !== existing.bio) {
      await tx.update(authors).set({ bio, updatedAt: now }).where(eq(authors.id, existing.id));
      await events.author('author.updated', existing.id, now);
    }
    return existing.id;
  }

  return {
    /** Links the draft's authors and tags to the article, storing those not seen before. */
    async link(articleId: number, draft: ArticleDraft, now: string): Promise<void> {
      const byline: (typeof articleAuthors.$inferInsert)[] = [];
      for (const [position, author] of draft.authors.entries()) {
        byline.push({ articleId, authorId: await authorId(author, now), position });
      }
      if (byline.length) await tx.insert(articleAuthors).values(byline).onConflictDoNothing();
      const ids = await tagIds(tx, events, draft.tags, now);
      if (ids.length === 0) return;
      // One statement for every link: a repeated tag keeps its first position, as before.
      const links = draft.tags.map((tag, position) => ({
        articleId,
        tagId: ids[position]!,
        position,
        derived: tag.derived,
      }));
      await tx.insert(articleTags).values(links).onConflictDoNothing();
    },

    /** Removes the article's links; the authors and tags stay, as other articles may name them. */
    async unlink(articleId: number): Promise<void> {
      await tx.delete(articleAuthors).where(eq(articleAuthors.articleId, articleId));
      await tx.delete(articleTags).where(eq(articleTags.articleId, articleId));
    },
  };
}

/** The simhash band index (../simhash-bands.ts) inside the caller's transaction. */
export function createSimhashBands(tx: Tx) {
  return {
    async add(articleId: number, simhash: string): Promise<void> {
      const rows = simhashBands(simhash).map((band) => ({ band, articleId }));
      await tx.insert(articleSimhashBands).values(rows).onConflictDoNothing();
    },

    async remove(articleId: number): Promise<void> {
      await tx.delete(articleSimhashBands).where(eq(articleSimhashBands.articleId, articleId));
    },

    /** The oldest of the newest candidates whose text nearly matches this simhash, or null. */
    async nearDuplicateOf(simhash: string): Promise<number | null> {
      const newest = tx
        .selectDistinct({ articleId: articleSimhashBands.articleId })
        .from(articleSimhashBands)
        .where(inArray(articleSimhashBands.band, simhashBands(simhash)))
        .orderBy(desc(articleSimhashBands.articleId))
        .limit(nearDuplicateCandidates)
        .as('newest');
      const found = await tx
        .select({ id: articles.id, simhash: articles.simhash })
        .from(newest)
        .innerJoin(articles, eq(articles.id, newest.articleId))
        .orderBy(articles.id);
      return (
        found.find((candidate) => hammingDistance(candidate.simhash, simhash) <= nearDuplicateBits)?.id ??
        null
      );
    },
  };
}
