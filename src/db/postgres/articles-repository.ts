import { count, desc, eq, inArray, or } from 'drizzle-orm';
import type { Article, ArticleView, DeletedArticle } from '../../domain/article.js';
import type { ArticlesRepository } from '../../domain/ports.js';
import { isNumericId } from '../ids.js';
import { createArticleList } from './article-list.js';
import { summaryColumns } from './article-summary.js';
import { storable } from './bounds.js';
import type { PostgresDb } from './connection.js';
import { articleSlugs, articles, deletedArticleSlugs, deletedArticles } from './schema.js';

/** What the articles repository reads; deleting is a write, and lives with the other writes. */
export type ArticleReads = Omit<ArticlesRepository, 'deleteArticle'>;

/** Ids are 32-bit on PostgreSQL: a larger number in a path is no article, not a query error. */
const maxId = 2 ** 31 - 1;
const idOf = (idOrSlug: string) =>
  isNumericId(idOrSlug) && Number(idOrSlug) <= maxId ? Number(idOrSlug) : 0;

/** `searchSampleSize`: how many of its newest matches a search ranks and counts (article-search.ts). */
export function createPostgresArticleReads(
  db: PostgresDb,
  options: { searchSampleSize?: number | undefined } = {},
): ArticleReads {
  /** The id of the article `idOrSlug` names: its id, its slug, or a slug it had before a title edit. */
  async function findId(idOrSlug: string): Promise<number | undefined> {
    if (isNumericId(idOrSlug)) return idOf(idOrSlug);
    if (!storable(idOrSlug)) return undefined;
    const [current] = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, idOrSlug));
    if (current) return current.id;
    const [old] = await db
      .select({ id: articleSlugs.articleId })
      .from(articleSlugs)
      .where(eq(articleSlugs.slug, idOrSlug));
    return old?.id;
  }

  async function findWith<T extends object>(idOrSlug: string, bodies: T) {
    const id = await findId(idOrSlug);
    if (id === undefined) return undefined;
    const [row] = await db
      .select({ ...summaryColumns, ...bodies })
      .from(articles)
      .where(eq(articles.id, id));
    return row;
  }

  return {
    listArticles: createArticleList(db, options),

    async findArticle(idOrSlug: string): Promise<Article | undefined> {
      return findWith(idOrSlug, { body_text: articles.bodyText, body_html: articles.bodyHtml });
    },

    async findArticleView(idOrSlug: string, withText: boolean): Promise<ArticleView | undefined> {
      return withText
        ? findWith(idOrSlug, { body_text: articles.bodyText, body_html: articles.bodyHtml })
        : findWith(idOrSlug, { body_html: articles.bodyHtml });
    },

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
