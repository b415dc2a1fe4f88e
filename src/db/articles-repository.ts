import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import type {
  Article,
  ArticleListQuery,
  ArticleSummary,
  AuthorSummary,
  Image,
  Page,
  TagSummary,
} from '../services/model.js';
import type { Db } from './connection.js';
import { isNumericId, type PrepareCached, statementCache } from './statements.js';

const summaryColumns = `a.id, a.slug, a.title, a.subtitle, a.excerpt, a.images, a.language,
  a.word_count, a.reading_time_minutes, a.published_at, a.source_url, a.content_hash,
  a.created_at, a.updated_at`;

type ArticleRow = Omit<ArticleSummary, 'images' | 'authors' | 'tags'> & { images: string };

type SortCursor = [string, number];
const isSortCursor = (values: unknown[]): values is SortCursor =>
  values.length === 2 && typeof values[0] === 'string' && Number.isInteger(values[1]);

/** Filters shared by the page query and the total count. */
function filterClauses(query: ArticleListQuery): { clauses: string[]; params: Record<string, unknown> } {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.tags?.length) {
    clauses.push(`a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
      WHERE t.slug IN (SELECT value FROM json_each(@tags)))`);
    params.tags = JSON.stringify(query.tags);
  }
  if (query.authors?.length) {
    clauses.push(`a.id IN (SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id
      WHERE au.slug IN (SELECT value FROM json_each(@authors)))`);
    params.authors = JSON.stringify(query.authors);
  }
  if (query.language) {
    clauses.push('a.language = @language');
    params.language = query.language;
  }
  if (query.publishedAfter) {
    clauses.push('a.published_at >= @publishedAfter');
    params.publishedAfter = query.publishedAfter;
  }
  if (query.publishedBefore) {
    clauses.push('a.published_at < @publishedBefore');
    params.publishedBefore = query.publishedBefore;
  }
  return { clauses, params };
}

export function createArticlesRepository(db: Db) {
  const sqlite = db.$client;
  const prepare: PrepareCached = statementCache(sqlite);

  const authorsOf = sqlite.prepare(`SELECT aa.article_id AS articleId, au.id, au.slug, au.name
    FROM article_authors aa JOIN authors au ON au.id = aa.author_id
    WHERE aa.article_id IN (SELECT value FROM json_each(?)) ORDER BY aa.article_id, aa.position`);
  const tagsOf = sqlite.prepare(`SELECT at.article_id AS articleId, t.id, t.slug, t.name, at.derived
    FROM article_tags at JOIN tags t ON t.id = at.tag_id
    WHERE at.article_id IN (SELECT value FROM json_each(?)) ORDER BY at.article_id, at.position`);
  const byId = sqlite.prepare(
    `SELECT ${summaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.id = ?`,
  );
  const bySlug = sqlite.prepare(
    `SELECT ${summaryColumns}, a.body_text, a.body_html FROM articles a WHERE a.slug = ?`,
  );

  /** Adds authors and tags to a page of rows with two queries, whatever the page size. */
  function hydrate<T extends ArticleRow>(
    rows: T[],
  ): (Omit<T, 'images'> & { images: Image[]; authors: AuthorSummary[]; tags: TagSummary[] })[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((row) => row.id));
    const authorsByArticle = new Map<number, AuthorSummary[]>();
    for (const { articleId, ...author } of authorsOf.all(ids) as (AuthorSummary & { articleId: number })[]) {
      const list = authorsByArticle.get(articleId) ?? [];
      list.push(author);
      authorsByArticle.set(articleId, list);
    }
    const tagsByArticle = new Map<number, TagSummary[]>();
    for (const { articleId, derived, ...tag } of tagsOf.all(ids) as (Omit<TagSummary, 'derived'> & {
      articleId: number;
      derived: number;
    })[]) {
      const list = tagsByArticle.get(articleId) ?? [];
      list.push({ ...tag, derived: derived === 1 });
      tagsByArticle.set(articleId, list);
    }
    return rows.map((row) => ({
      ...row,
      images: JSON.parse(row.images) as Image[],
      authors: authorsByArticle.get(row.id) ?? [],
      tags: tagsByArticle.get(row.id) ?? [],
    }));
  }

  return {
    async listArticles(query: ArticleListQuery): Promise<Page<ArticleSummary>> {
      const { clauses, params } = filterClauses(query);
      const descending = query.sort === '-published_at';
      const pageClauses = [...clauses];
      const pageParams: Record<string, unknown> = { ...params, take: query.limit + 1 };
      if (query.cursor) {
        const [sortKey, id] = decodeCursor<SortCursor>(query.cursor, isSortCursor);
        // Written as a bound plus a tie-break so SQLite scans the (published_sort, id) index from the
        // cursor on, instead of filtering from the first row: deep pages cost what the first does.
        pageClauses.push(
          descending
            ? 'a.published_sort <= @sortKey AND (a.published_sort < @sortKey OR a.id < @afterId)'
            : 'a.published_sort >= @sortKey AND (a.published_sort > @sortKey OR a.id > @afterId)',
        );
        pageParams.sortKey = sortKey;
        pageParams.afterId = id;
      }
      const where = pageClauses.length ? `WHERE ${pageClauses.join(' AND ')}` : '';
      const direction = descending ? 'DESC' : 'ASC';
      const rows = prepare(
        `SELECT ${summaryColumns}, a.published_sort AS sortKey FROM articles a ${where}
         ORDER BY a.published_sort ${direction}, a.id ${direction} LIMIT @take`,
      ).all(pageParams) as (ArticleRow & { sortKey: string })[];

      const hasMore = rows.length > query.limit;
      const pageRows = hasMore ? rows.slice(0, query.limit) : rows;
      const last = pageRows.at(-1);
      const page: Page<ArticleSummary>['page'] = {
        next_cursor: hasMore && last ? encodeCursor([last.sortKey, last.id]) : null,
        limit: query.limit,
      };
      if (query.includeTotal) {
        const countWhere = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
        const { total } = prepare(`SELECT count(*) AS total FROM articles a ${countWhere}`).get(params) as {
          total: number;
        };
        page.total = total;
      }
      const data = hydrate(pageRows.map(({ sortKey: _sortKey, ...row }) => row));
      return { data, page };
    },

    async findArticle(idOrSlug: string): Promise<Article | undefined> {
      const row = (isNumericId(idOrSlug) ? byId.get(Number(idOrSlug)) : bySlug.get(idOrSlug)) as
        | (ArticleRow & { body_text: string; body_html: string })
        | undefined;
      return row ? hydrate([row])[0] : undefined;
    },

    async countArticles(): Promise<number> {
      return (sqlite.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
