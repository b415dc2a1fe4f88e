import { count, eq, type SQL, sql } from 'drizzle-orm';
import type { TagsRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { storable } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { createNamedReads } from './named-repository.js';
import { tagSlugs, tags } from './schema.js';

export function createPostgresTagsRepository(db: PostgresDb): TagsRepository {
  const articleCount = sql<number>`(SELECT count(*)::int FROM article_tags l WHERE l.tag_id = tags.id)`;
  const columns = {
    id: tags.id,
    slug: tags.slug,
    name: tags.name,
    description: tags.description,
    article_count: articleCount,
  };
  const named = createNamedReads({
    id: tags.id,
    name: tags.name,
    articleCount,
    select: (where: SQL | undefined, order: SQL[], limit: number) =>
      db
        .select(columns)
        .from(tags)
        .where(where)
        .orderBy(...order)
        .limit(limit),
    count: (where: SQL | undefined) => db.select({ n: count() }).from(tags).where(where),
  });

  /** Each slug as the slug of the tag answering to it now, in the order given (a numbered text[]). */
  async function currentOf(slugs: string[]): Promise<string[]> {
    const result = await db.execute<{ slug: string }>(sql`SELECT coalesce(
        (SELECT t.slug FROM tags t WHERE t.slug = v.value),
        (SELECT t.slug FROM tag_slugs s JOIN tags t ON t.id = s.tag_id WHERE s.slug = v.value),
        v.value) AS slug
      FROM unnest(${sql.param(slugs)}::text[]) WITH ORDINALITY AS v(value, n) ORDER BY v.n`);
    return result.rows.map((row) => row.slug);
  }

  return {
    listTags: named.list,

    /** By id or slug; another slug of a tag (one merged into it, or its former name's) finds it too. */
    async findTag(idOrSlug) {
      const tag = await named.find(idOrSlug, tags.slug);
      if (tag !== undefined || isNumericId(idOrSlug)) return tag;
      if (!storable(idOrSlug)) return undefined;
      const [alias] = await db
        .select({ id: tagSlugs.tagId })
        .from(tagSlugs)
        .where(eq(tagSlugs.slug, idOrSlug));
      return alias === undefined ? undefined : named.find(String(alias.id), tags.slug);
    },

    async currentTagSlugs(slugs: string[]): Promise<string[]> {
      // A slug PostgreSQL cannot hold is no tag's: it comes back as given, like any unknown slug.
      const held = slugs.filter(storable);
      const current = held.length ? await currentOf(held) : [];
      let next = 0;
      return slugs.map((slug) => (storable(slug) ? current[next++]! : slug));
    },
  };
}
