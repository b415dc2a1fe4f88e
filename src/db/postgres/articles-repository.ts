import { count, desc, eq, inArray, or } from 'drizzle-orm';
import type { Article, ArticleListQuery, ArticlePage, ArticleView, DeletedArticle } from '../../domain/article.js';
import type { ArticlesRepository } from '../../domain/ports.js';
import { isNumericId } from '../statements.js';
import { countFacets } from './article-facets.js';
import { allOf, articleConditions } from './article-filters.js';
import { createArticlePages } from './article-pages.js';
import { createArticleSearch, type SearchSample } from './article-search.js';
import { summaryColumns } from './article-summary.js';
import type { PostgresDb } from './connection.js';
import { articleSlugs, articles, deletedArticleSlugs, deletedArticles } from './schema.js';

/** What the articles repository reads; deleting is a write, and lives with the other writes. */
export type ArticleReads = Omit<ArticlesRepository, 'deleteArticle'>;

/** Ids are 32-bit on PostgreSQL: a larger number in a path is no article, not a query error. */
const maxId = 2 ** 31 - 1;
const idOf = (idOrSlug: string) => (isNumericId(idOrSlug) && Number(idOrSlug) <= maxId ? Number(idOrSlug) : 0);

/** `searchSampleSize`: how many of its newest matches a search ranks and counts (article-search.ts). */
export function createPostgresArticleReads(
  db: PostgresDb,
  options: { searchSampleSize?: number | undefined } = {},
): ArticleReads {
  const search = createArticleSearch(db, options.searchSampleSize);
  const pages = createArticlePages(db, search);

  /** The id of the article `idOrSlug` names: its id, its slug, or a slug it had before a title edit. */
  async function findId(idOrSlug: string): Promise<number | undefined> {
    if (isNumericId(idOrSlug)) return idOf(idOrSlug);
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

  async function listArticles(query: ArticleListQuery): Promise<ArticlePage> {
    const conditions = articleConditions(query);
    // A search works on its sample of matches, taken once and only when something needs it.
    let taken: Promise<SearchSample> | undefined;
    const sample = () => {
      taken ??= search.sample(conditions);
      return taken;
    };
    const { rows, nextCursor } =
      query.sort === 'relevance' ? await pages.byRelevance(query, sample) : await pages.byDate(query, conditions);
    const page: ArticlePage['page'] = { next_cursor: nextCursor, limit: query.limit };
    if (query.includeTotal) {
      page.total = query.match
        ? (await sample()).total
        : ((await db.select({ n: count() }).from(articles).where(allOf(conditions)))[0]?.n ?? 0);
    }
    const sampled = query.match !== undefined && (query.includeTotal || Boolean(query.facets?.length));
    if (sampled && !(await sample()).complete) page.estimated = true;
    if (query.match) {
      const snippets = await search.snippets(
        query.match,
        rows.map((row) => row.id),
      );
      for (const row of rows) {
        const snippet = snippets.get(row.id);
        if (snippet !== undefined) row.snippet = snippet;
      }
    }
    const result: ArticlePage = { data: rows, page };
    if (query.facets?.length) {
      const sampleIds = query.match ? (await sample()).ids : undefined;
      result.facets = await countFacets(db, query.facets, conditions, sampleIds);
    }
    return result;
  }

  return {
    listArticles,

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

    /** The tombstone by id, or the latest one whose last slug, or a slug it had before, is this. */
    async findDeletedArticle(idOrSlug: string): Promise<DeletedArticle | undefined> {
      const columns = { id: deletedArticles.articleId, slug: deletedArticles.slug, deleted_at: deletedArticles.deletedAt };
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
    },
  };
}
