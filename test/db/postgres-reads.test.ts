import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { openReadOnlyDatabase } from '../../src/db/sqlite/connection.js';
import { createRepositories } from '../../src/db/sqlite/repositories.js';
import type { ArticleListQuery, ArticlePage } from '../../src/domain/article.js';
import type { CollectionQuery } from '../../src/domain/collections.js';
import type { Page } from '../../src/domain/page.js';
import type { Repositories } from '../../src/domain/ports.js';
import { encodeCursor } from '../../src/lib/cursor.js';
import { toFullTextQuery } from '../../src/search/query.js';
import { createTransferService } from '../../src/services/transfer.js';
import { buildTestApp, plainArticle } from '../support/app.js';
import { postgresEngine, postgresTest } from '../support/postgres.js';
import { exportOf, linesOf, populate, post } from '../support/transfer.js';

/**
 * The read contract between the engines: one SQLite database, exported and imported into
 * PostgreSQL, answers every read the same on both. Searches agree on which articles match and how
 * many; their ranking (bm25 against ts_rank_cd) and snippet wording may differ, and is not compared.
 */

type Reads = Pick<Repositories, 'authors' | 'tags' | 'related'> & {
  articles: Omit<Repositories['articles'], 'deleteArticle'>;
};

/** A small sample, so searches past it take the estimated path on both engines. */
const searchSampleSize = 10;

const authors = ['Noor Haddad', 'Ines Okafor', 'Ada Lindqvist', 'Bo Hansen'];
const tagSets = [['Harbour works', 'Ferries'], ['Budgets'], ['Ferries', 'Night life'], []];
/** Dates with ties and gaps, and no date at all for some, so keysets cross equal sort keys. */
const dates = ['2026-01-05', '2026-02-11', '2026-02-11', undefined, '2025-12-30', '2026-03-04'];

async function populated(t: Test) {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-reads-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const file = path.join(directory, 'gazette.db');
  const app = await buildTestApp(t, { DATABASE_URL: `file:${file}` });
  const { edited, deleted } = await populate(app);
  for (let n = 0; n < 24; n++) {
    const raw = plainArticle({
      title: n % 5 === 0 ? `Harbour ferries run late in district ${n}` : undefined,
      author: authors[n % authors.length],
      tags: tagSets[n % tagSets.length],
      date: dates[n % dates.length],
    });
    await post(app, '/v1/ingest', raw, 'text/plain');
  }
  // Markup-like text and an ampersand, which snippets must return escaped.
  const raw = plainArticle({
    title: 'Harbour stall sells fish & chips <b>late</b> into the night',
    author: 'Bo Hansen',
  });
  await post(app, '/v1/ingest', raw, 'text/plain');
  const sqliteDb = openReadOnlyDatabase(file);
  t.teardown(() => sqliteDb.$client.close());
  return { app, sqlite: createRepositories(sqliteDb, { searchSampleSize }) as Reads, edited, deleted };
}

async function postgresOf(t: Test, url: string, text: string): Promise<Reads> {
  const { openPostgres, migratePostgres, createPostgresTransferRepository, createPostgresReadRepositories } =
    await postgresEngine();
  const db = openPostgres({ url, maxConnections: 4, statementTimeoutMs: 10_000 });
  t.teardown(() => db.$client.end());
  await migratePostgres(db);
  await createTransferService({ transfer: createPostgresTransferRepository(db) }).importFrom(linesOf(text));
  return createPostgresReadRepositories(db, { searchSampleSize });
}

/** Every page of a walk, following next_cursor to the end. */
async function walk<T>(
  list: (cursor: string | undefined) => Promise<T & { page: { next_cursor: string | null } }>,
) {
  const pages: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page);
    cursor = page.page.next_cursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

const articleQueries: Omit<ArticleListQuery, 'limit' | 'sort' | 'includeTotal'>[] = [
  {},
  { tags: ['ferries'] },
  { tags: ['harbour-works', 'budget'] },
  { authors: ['ada-lindqvist'] },
  { authors: ['ines-okafor', 'bo-hansen'], tags: ['ferries'] },
  { language: 'en' },
  { publishedAfter: '2026-01-01T00:00:00.000Z' },
  { publishedBefore: '2026-02-11T00:00:00.000Z', publishedAfter: '2025-01-01T00:00:00.000Z' },
  { tags: ['no-such-tag'] },
  { withBodies: true, facets: ['tag', 'author', 'month'] },
  { tags: ['ferries'], facets: ['month', 'author'] },
];

postgresTest(t, 'PostgreSQL reads answer as SQLite does for the same data', async (t, url) => {
  const { app, sqlite, edited, deleted } = await populated(t);
  const postgres = await postgresOf(t, url, await exportOf(app));
  const both = async <T>(read: (reads: Reads) => Promise<T>) =>
    [await read(sqlite), await read(postgres)] as const;

  await t.test('article lists: every filter, both sorts, every page', async (t) => {
    for (const filters of articleQueries) {
      for (const sort of ['-published_at', 'published_at'] as const) {
        for (const limit of [1, 2, 3]) {
          const query = (cursor: string | undefined): ArticleListQuery => ({
            ...filters,
            sort,
            limit,
            cursor,
            includeTotal: limit === 2,
          });
          const [expected, actual] = await both((reads) =>
            walk<ArticlePage>((cursor) => reads.articles.listArticles(query(cursor))),
          );
          t.same(actual, expected, `${JSON.stringify(filters)} ${sort} limit ${limit}`);
        }
      }
    }
    const [first] = await both((reads) =>
      reads.articles.listArticles({ sort: '-published_at', limit: 4, includeTotal: true }),
    );
    // The eight seeds, two of populate's three ingests (one was deleted), the 24 above and the stall.
    t.equal(first.page.total, 35, 'the populated collection is the one compared');
    const cursor = first.page.next_cursor!;
    const [next, crossed] = await both((reads) =>
      reads.articles.listArticles({ sort: '-published_at', limit: 4, cursor, includeTotal: false }),
    );
    t.same(crossed, next, 'a SQLite cursor continues the same walk on PostgreSQL');
    await t.rejects(
      postgres.articles.listArticles({
        sort: '-published_at',
        limit: 4,
        cursor: 'bm90IGEgY3Vyc29y',
        includeTotal: false,
      }),
      { status: 400, message: /cursor/ },
      'a forged cursor is a 400',
    );
  });

  await t.test('single articles by id, slug and former slug; tombstones', async (t) => {
    const { data } = await sqlite.articles.listArticles({
      sort: '-published_at',
      limit: 100,
      includeTotal: false,
    });
    const keys = data.flatMap((article) => [String(article.id), article.slug]);
    keys.push(edited.slug, String(deleted.id), deleted.slug, 'no-such-article', '99999999999', '0');
    for (const key of keys) {
      const [article, pgArticle] = await both((reads) => reads.articles.findArticle(key));
      t.same(pgArticle, article, `findArticle ${key}`);
      for (const withText of [true, false]) {
        const [expected, actual] = await both((reads) => reads.articles.findArticleView(key, withText));
        t.same(actual, expected, `findArticleView ${key} ${withText}`);
      }
      const [expected, actual] = await both((reads) => reads.articles.findDeletedArticle(key));
      t.same(actual, expected, `findDeletedArticle ${key}`);
    }
    const [found] = await both((reads) => reads.articles.findArticle(edited.slug));
    t.not(found?.slug, edited.slug, 'the former slug of a retitled article finds it');
    const [tombstone] = await both((reads) => reads.articles.findDeletedArticle(deleted.slug));
    t.equal(tombstone?.id, deleted.id, 'a deleted article leaves a tombstone');
    t.same(await both((reads) => reads.articles.hasArticles()), [true, true]);
    const [count, pgCount] = await both((reads) => reads.articles.countArticles());
    t.equal(pgCount, count);
  });

  await t.test('authors and tags: both sorts, name prefixes, every page, finds', async (t) => {
    const queries: Omit<CollectionQuery, 'limit' | 'includeTotal'>[] = [
      { sort: 'name' },
      { sort: '-article_count' },
      { q: 'ha' },
      { q: 'okaf', sort: '-article_count' },
      { q: 'zz' },
    ];
    for (const filters of queries) {
      for (const limit of [1, 2, 3]) {
        const query = (cursor: string | undefined) => ({
          ...filters,
          limit,
          cursor,
          includeTotal: limit === 3,
        });
        const [authorsExpected, authorsActual] = await both((reads) =>
          walk<Page<unknown>>((cursor) => reads.authors.listAuthors(query(cursor))),
        );
        t.same(authorsActual, authorsExpected, `authors ${JSON.stringify(filters)} limit ${limit}`);
        const [tagsExpected, tagsActual] = await both((reads) =>
          walk<Page<unknown>>((cursor) => reads.tags.listTags(query(cursor))),
        );
        t.same(tagsActual, tagsExpected, `tags ${JSON.stringify(filters)} limit ${limit}`);
      }
    }
    for (const key of ['1', '2', 'noor-haddad', 'ada-lindqvist', 'nobody', '99999999999']) {
      const [expected, actual] = await both((reads) => reads.authors.findAuthor(key));
      t.same(actual, expected, `findAuthor ${key}`);
    }
    for (const key of ['1', 'ferries', 'ferry', 'budget', 'budgets', 'nothing', '99999999999']) {
      const [expected, actual] = await both((reads) => reads.tags.findTag(key));
      t.same(actual, expected, `findTag ${key}`);
    }
    const [merged] = await both((reads) => reads.tags.findTag('ferry'));
    t.equal(merged?.slug, 'ferries', 'a merged tag slug finds the tag it was merged into');
    const slugs = ['ferry', 'budgets', 'unknown', 'harbour-works', 'ferry'];
    const [current, pgCurrent] = await both((reads) => reads.tags.currentTagSlugs(slugs));
    t.same(
      current,
      ['ferries', 'budgets', 'unknown', 'harbour-works', 'ferries'],
      'a renamed tag keeps its slug',
    );
    t.same(pgCurrent, current, 'currentTagSlugs');
    t.same(await postgres.tags.currentTagSlugs([]), []);
  });

  await t.test('related articles', async (t) => {
    const { data } = await sqlite.articles.listArticles({
      sort: '-published_at',
      limit: 100,
      includeTotal: false,
    });
    let compared = 0;
    for (const { id } of data) {
      for (const limit of [1, 5]) {
        const [expected, actual] = await both((reads) => reads.related.listRelatedArticles(id, limit));
        t.same(actual, expected, `related to ${id}, limit ${limit}`);
        compared += expected.length;
      }
    }
    t.ok(compared > data.length, 'articles have related articles to compare');
    t.same(await postgres.related.listRelatedArticles(99_999_999_999, 5), []);
  });

  await t.test('searches: the same matches and totals; hostile strings are a 400 or a search', async (t) => {
    for (const q of searches) {
      let match: string;
      try {
        match = toFullTextQuery(q);
      } catch (error) {
        t.match(error, { status: 400 }, `${JSON.stringify(q).slice(0, 40)} is a 400 before either engine`);
        continue;
      }
      for (const filters of [
        {},
        { tags: ['ferries'] },
        { authors: ['bo-hansen', 'ada-lindqvist'], language: 'en' },
      ]) {
        await compareSearch(
          t,
          { ...filters, match },
          `${JSON.stringify(q).slice(0, 40)} ${JSON.stringify(filters)}`,
        );
      }
    }
  });

  await t.test('snippets mark the matches in escaped HTML', async (t) => {
    const search = (reads: Reads, q: string) =>
      reads.articles.listArticles({
        match: toFullTextQuery(q),
        sort: '-published_at',
        limit: 50,
        includeTotal: false,
      });
    const [stall, pgStall] = await both((reads) => search(reads, 'chips'));
    t.equal(pgStall.data.length, 1);
    t.match(
      pgStall.data[0]?.snippet,
      /fish &amp; <mark>chips<\/mark>/,
      'PostgreSQL: the ampersand escaped, the match marked',
    );
    t.match(stall.data[0]?.snippet, /fish &amp; <mark>chips<\/mark>/, 'SQLite alike');
    t.match(
      pgStall.data[0]?.snippet,
      /&lt;b&gt;late&lt;\/b&gt;/,
      'PostgreSQL keeps markup-like text, escaped',
    );
    const [, council] = await both((reads) => search(reads, 'council libr*'));
    t.ok(council.data.length > 20);
    for (const row of council.data)
      t.match(row.snippet, /<mark>(council|librar\w*)<\/mark>/i, `snippet of ${row.id}`);
  });

  await t.test('forged cursors and NUL in values compare or find nothing, as on SQLite', async (t) => {
    const dateCursors = [
      ['2026-02-11T00:00:00.000Z', 2 ** 40],
      ['2026-02-11T00:00:00.000Z', -5],
      ['2026-02-11T00:00:00.000Z\u0000x', 3],
      ['', 1e300],
      ['zzzz', 0],
    ];
    for (const values of dateCursors) {
      for (const sort of ['-published_at', 'published_at'] as const) {
        const cursor = encodeCursor(values);
        const [expected, actual] = await both((reads) =>
          walk<ArticlePage>((next) =>
            reads.articles.listArticles({ sort, limit: 3, cursor: next ?? cursor, includeTotal: false }),
          ),
        );
        t.same(actual, expected, `${JSON.stringify(values)} ${sort}`);
      }
    }
    const [newest] = (
      await sqlite.articles.listArticles({ sort: '-published_at', limit: 2, includeTotal: false })
    ).data;
    const relevance = encodeCursor(['relevance', 2 ** 40, newest!.id, 2 ** 31]);
    const [ranked, pgRanked] = await both((reads) =>
      reads.articles.listArticles({
        match: toFullTextQuery('council'),
        sort: 'relevance',
        limit: 2,
        cursor: relevance,
        includeTotal: false,
      }),
    );
    t.same(
      pgRanked.data.map((row) => row.id),
      ranked.data.map((row) => row.id),
      'a relevance cursor of unknown ids',
    );
    t.same(pgRanked.page, ranked.page);
    const collectionCursors = [
      ['Ada\u0000', 2 ** 40],
      ['', -1],
      [2 ** 40, 'a', 1],
      [1e300, 'B', 2 ** 40],
      [-3, 'x\u0000', 1],
      [1, 'Ines', 0],
    ];
    for (const values of collectionCursors) {
      const cursor = encodeCursor(values);
      const sort = values.length === 3 ? '-article_count' : 'name';
      const query = (next: string | undefined) =>
        ({ sort, limit: 2, cursor: next ?? cursor, includeTotal: true }) as const;
      const [authors, pgAuthors] = await both((reads) =>
        walk<Page<unknown>>((next) => reads.authors.listAuthors(query(next))),
      );
      t.same(pgAuthors, authors, `authors after ${JSON.stringify(values)}`);
      const [tags, pgTags] = await both((reads) =>
        walk<Page<unknown>>((next) => reads.tags.listTags(query(next))),
      );
      t.same(pgTags, tags, `tags after ${JSON.stringify(values)}`);
    }
    const nul = 'ferries\u0000x';
    t.same(await both((reads) => reads.articles.findArticle(nul)), [undefined, undefined]);
    t.same(await both((reads) => reads.articles.findArticleView(nul, false)), [undefined, undefined]);
    t.same(await both((reads) => reads.articles.findDeletedArticle(nul)), [undefined, undefined]);
    t.same(await both((reads) => reads.authors.findAuthor(nul)), [undefined, undefined]);
    t.same(await both((reads) => reads.tags.findTag(nul)), [undefined, undefined]);
    const [current, pgCurrent] = await both((reads) => reads.tags.currentTagSlugs(['ferry', nul, 'budgets']));
    t.same(pgCurrent, current, 'currentTagSlugs with NUL');
    for (const filters of [{ tags: [nul] }, { tags: ['ferries', nul] }, { authors: ['\u0000'] }]) {
      const [expected, actual] = await both((reads) =>
        reads.articles.listArticles({
          ...filters,
          sort: '-published_at',
          limit: 50,
          includeTotal: true,
          facets: ['tag'],
        }),
      );
      t.same(actual, expected, `filter ${JSON.stringify(filters)}`);
    }
  });

  await t.test('both engines stem English, fold diacritics and keep stop words alike', async (t) => {
    const ids = async (reads: Reads, q: string) =>
      (
        await reads.articles.listArticles({
          match: toFullTextQuery(q),
          sort: '-published_at',
          limit: 100,
          includeTotal: false,
        })
      ).data.map((row) => row.id);
    for (const q of ['harbour\u0301', 'library', 'librar*', 'the']) {
      const [expected, actual] = await both((reads) => ids(reads, q));
      t.ok(expected.length > 0, `${q}: SQLite finds some`);
      t.same(actual, expected, `${q}: PostgreSQL finds the same`);
    }
  });

  /** A search walked by date (the same pages, snippets aside) and by relevance (the same matches). */
  async function compareSearch(
    t: Test,
    filters: Omit<ArticleListQuery, 'limit' | 'sort' | 'includeTotal'>,
    name: string,
  ) {
    const withoutSnippets = (pages: ArticlePage[]) =>
      pages.map(({ data, ...rest }) => ({ ...rest, data: data.map(({ snippet: _, ...row }) => row) }));
    for (const sort of ['-published_at', 'published_at', 'relevance'] as const) {
      const query = (cursor: string | undefined): ArticleListQuery => ({
        ...filters,
        sort,
        limit: 3,
        cursor,
        includeTotal: true,
        facets: ['tag', 'author', 'month'],
      });
      const [expected, actual] = await both((reads) =>
        walk<ArticlePage>((cursor) => reads.articles.listArticles(query(cursor))),
      );
      for (const row of actual.flatMap((page) => page.data)) {
        t.notMatch(
          row.snippet?.replaceAll(/<\/?mark>/g, '') ?? '',
          /[<>]/,
          `${name}: a snippet is escaped HTML`,
        );
      }
      if (sort !== 'relevance') {
        t.same(withoutSnippets(actual), withoutSnippets(expected), `${name} ${sort}`);
        continue;
      }
      // Ranking differs between engines (bm25 on SQLite, ts_rank_cd here): the matches, totals and facets agree.
      const ids = (pages: ArticlePage[]) =>
        pages.flatMap((page) => page.data.map((row) => row.id)).sort((a, b) => a - b);
      t.same(ids(actual), ids(expected), `${name} relevance: the same matches`);
      const summary = (page: ArticlePage | undefined) => ({
        ...page?.page,
        next_cursor: undefined,
        facets: page?.facets,
      });
      t.same(summary(actual[0]), summary(expected[0]), `${name} relevance: the same total and facets`);
    }
  }
});

const searches = [
  'council',
  'harbour',
  'budget libraries',
  '"public libraries"',
  '"libraries on"',
  'libr*',
  'harb* OR nigh*',
  'harbour OR night',
  'council NOT harbour',
  'ferries OR night NOT council',
  'chips',
  'district 7',
  'nothingmatcheshere',
  // Hostile: operators alone or misplaced, FTS5 and tsquery syntax, SQL, control characters, huge inputs.
  '"',
  '*',
  'AND',
  '(',
  'OR',
  'NOT harbour',
  'harbour OR',
  'harbour NOT',
  '"harbour',
  'harbour"',
  "'",
  '\\',
  'harbour:*',
  '!harbour',
  'harbour & council | night',
  '<-> harbour',
  "harbour' | 'night",
  'title:harbour',
  'NEAR(harbour council)',
  "'); DROP TABLE articles; --",
  'harbour\u0000 night',
  '\u0301',
  '🚢 harbour',
  'café',
  'a* '.repeat(32).trim(),
  'a*'.repeat(300),
  'a* '.repeat(1000),
  'a*'.repeat(1000),
  'harb* nigh* coun* dist* libr*',
];
