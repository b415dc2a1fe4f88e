import { count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Article, ArticleView, DeletedArticle } from '../../domain/article.js';
import type { ArticlesRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { createArticleList } from './article-list.js';
import { bodyColumns, summaryColumns } from './article-summary.js';
import { fitsIdColumn, storable } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { articleSlugs, articles, deletedArticleSlugs, deletedArticles } from './schema.js';

/** What the articles repository reads; deleting is a write, and lives with the other writes. */
export type ArticleReads = Omit<ArticlesRepository, 'deleteArticle'>;

/** Ids are 32-bit on PostgreSQL: a larger number in a path is no article, not a query error. */
const idOf = (idOrSlug: string) =>
  isNumericId(idOrSlug) && fitsIdColumn(Number(idOrSlug)) ? Number(idOrSlug) : 0;

/** `searchSampleSize`: how many of its newest matches a search ranks and counts (article-search.ts). */
export function createPostgresArticleReads(
  db: PostgresDb,
  options: { searchSampleSize?: number | undefined } = {},
): ArticleReads {
  /**
   * One article by id, by slug, or by a slug it had before a title edit, with the bodies asked for.
   * The statements are prepared on the server, once per connection: this is the busiest read.
   */
  function articleFinder<Bodies extends Partial<typeof bodyColumns>>(bodies: Bodies, name: string) {
    const columns = { ...summaryColumns, ...bodies };
    const byId = db
      .select(columns)
      .from(articles)
      .where(eq(articles.id, sql.placeholder('id')))
      .prepare(`article_by_id_${name}`);
    const bySlug = db
      .select(columns)
      .from(articles)
      .where(eq(articles.slug, sql.placeholder('slug')))
      .prepare(`article_by_slug_${name}`);
    return async (idOrSlug: string) => {
      if (isNumericId(idOrSlug)) return (await byId.execute({ id: idOf(idOrSlug) }))[0];
      if (!storable(idOrSlug)) return undefined;
      const [current] = await bySlug.execute({ slug: idOrSlug });
      if (current) return current;
      const [old] = await db
        .select({ id: articleSlugs.articleId })
        .from(articleSlugs)
        .where(eq(articleSlugs.slug, idOrSlug));
      return old && (await byId.execute({ id: old.id }))[0];
    };
  }
  const withBothBodies = articleFinder(bodyColumns, 'bodies');
  const withHtmlBody = articleFinder({ body_html: bodyColumns.body_html }, 'html');

  return {
    listArticles: createArticleList(db, options),

    findArticle: (idOrSlug: string): Promise<Article | undefined> => withBothBodies(idOrSlug),

    /** The article as served: `body_html` always, `body_text` only when asked for. */
    findArticleView: (idOrSlug: string, withText: boolean): Promise<ArticleView | undefined> =>
      withText ? withBothBodies(idOrSlug) : withHtmlBody(idOrSlug),

    async hasArticles(): Promise<boolean> {
      const rows = await db.select({ id: articles.id }).from(articles).limit(1);
      return rows.length > 0;
    },

    async countArticles(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(articles);
      return row?.n ?? 0;
    },

    findDeletedArticle: (idOrSlug) => findTombstone(db, idOrSlug),
  };
}

/** The tombstone by id, or the latest one whose last slug, or a slug it had before, is this. */
async function findTombstone(db: PostgresDb, idOrSlug: string): Promise<DeletedArticle | undefined> {
  if (!storable(idOrSlug)) return undefined;
  const columns = {
    id: deletedArticles.articleId,
    slug: deletedArticles.slug,
    deleted_at: deletedArticles.deletedAt,
  };
  const where = isNumericId(idOrSlug)
    ? eq(deletedArticles.articleId, idOf(idOrSlug))
    : or(
        eq(deletedArticles.slug, idOrSlug),
        inArray(
          deletedArticles.articleId,
          db
            .select({ id: deletedArticleSlugs.articleId })
            .from(deletedArticleSlugs)
            .where(eq(deletedArticleSlugs.slug, idOrSlug)),
        ),
      );
  const [row] = await db
    .select(columns)
    .from(deletedArticles)
    .where(where)
    .orderBy(desc(deletedArticles.deletedAt), desc(deletedArticles.articleId))
    .limit(1);
  return row;
}
