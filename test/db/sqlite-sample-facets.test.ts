import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { createArticlesRepository } from '../../src/db/sqlite/articles-repository.js';
import { openReadOnlyDatabase } from '../../src/db/sqlite/connection.js';
import { createSampleFacets } from '../../src/db/sqlite/sample-facets.js';
import type { ArticleListQuery } from '../../src/domain/article.js';
import { toFullTextQuery } from '../../src/search/query.js';
import { auth, buildTestApp, databaseUrlOf, ingestText, plainArticle } from '../support/app.js';

const send = (app: FastifyInstance, method: 'PATCH' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: {
      ...auth,
      ...(body === undefined
        ? {}
        : { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

/**
 * A search keeps each article's tags, authors and month in memory to count facets, per connection.
 * Every article below says "council", so a search for it counts the same articles as the plain list,
 * whose facets SQL counts afresh: after every kind of change, made by another connection, the two
 * must agree.
 */
t.test("a search's facets follow every change, made on any connection", async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  const ids: number[] = [];
  for (const [index, tags] of [
    ['Ferries', 'Islands'],
    ['Ferries'],
    ['Budget'],
    ['Islands', 'Budget'],
  ].entries()) {
    const article = await ingestText(
      app,
      plainArticle({ author: `Reporter ${index % 2}`, date: `2026-0${index + 1}-10`, tags }),
    );
    ids.push(article.id);
  }
  // A connection of its own, as a read worker has.
  const db = openReadOnlyDatabase(databaseUrlOf(app).slice('file:'.length));
  t.teardown(() => db.$client.close());
  const worker = createArticlesRepository(db);
  const facets = ['tag', 'author', 'month'] as const;
  const query = { match: toFullTextQuery('council'), sort: 'relevance', limit: 20, includeTotal: false };

  const agree = async (change: string) => {
    const counted = (await app.inject('/v1/articles?facets=tag,author,month')).json().facets;
    const searched = (await worker.listArticles({ ...query, facets: [...facets] } as ArticleListQuery))
      .facets;
    t.same(searched, counted, `${change}: a read worker's search counts what the list counts`);
    const onWriter = (await app.inject('/v1/articles?q=council&facets=tag,author,month')).json().facets;
    t.same(onWriter, counted, `${change}: so does a search on the writing connection`);
    for (const facet of facets)
      t.same(
        (await worker.listArticles({ ...query, facets: [facet] } as ArticleListQuery)).facets,
        { [facet]: counted[facet] },
        `${change}: the ${facet} facet alone`,
      );
  };

  await agree('as ingested');
  t.equal(
    (await send(app, 'PATCH', `/v1/articles/${ids[1]}`, { tags: ['Budget', 'Harbour'] })).statusCode,
    200,
  );
  await agree("an article's tags edited");
  t.equal(
    (
      await send(app, 'PATCH', `/v1/articles/${ids[2]}`, {
        published_at: '2025-12-01T08:00:00Z',
        authors: ['Ana Ruiz'],
      })
    ).statusCode,
    200,
  );
  await agree("an article's date and authors edited");
  t.equal((await send(app, 'PATCH', '/v1/tags/islands', { name: 'Outer Islands' })).statusCode, 200);
  await agree('a tag renamed');
  t.equal((await send(app, 'POST', '/v1/tags/ferries/merge', { into: 'budget' })).statusCode, 200);
  await agree('a tag merged into another');
  t.equal((await send(app, 'DELETE', `/v1/articles/${ids[0]}`)).statusCode, 204);
  await agree('an article deleted');
  await ingestText(
    app,
    plainArticle({ author: 'Reporter 9', date: '2024-06-01', tags: ['Islands', 'Ferries'] }),
  );
  await agree('an article ingested');
});

t.test('the 50 tags a search lists are the most counted, ties in slug order', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  // 52 tags, 3 of them on both articles: the 50th place falls among the 49 counted once.
  const many = Array.from({ length: 50 }, (_, index) => `Topic ${String(index).padStart(2, '0')}`);
  await ingestText(app, plainArticle({ tags: many }));
  await ingestText(app, plainArticle({ tags: ['Topic 49', 'Topic 30', 'Topic 07', 'Extra B', 'Extra A'] }));
  const db = openReadOnlyDatabase(databaseUrlOf(app).slice('file:'.length));
  t.teardown(() => db.$client.close());
  const worker = createArticlesRepository(db);
  const searched = (
    await worker.listArticles({
      match: toFullTextQuery('council'),
      sort: 'relevance',
      limit: 20,
      includeTotal: false,
      facets: ['tag'],
    } as ArticleListQuery)
  ).facets!.tag!;
  t.same(searched, (await app.inject('/v1/articles?facets=tag')).json().facets.tag);
  t.equal(searched.length, 50);
  t.same(
    searched.slice(0, 5).map((facet) => [facet.value, facet.count]),
    [
      ['topic-07', 2],
      ['topic-30', 2],
      ['topic-49', 2],
      ['extra-a', 1],
      ['extra-b', 1],
    ],
  );
  t.equal(searched.at(-1)!.value, 'topic-46', 'topic-47 and topic-48 fall past the 50th place');
});

t.test('entries across block boundaries, and one larger than a block, count as SQL does', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  // An entry takes 3 slots and one per link. In blocks of 16, the first two share a block, the third
  // (20 tags) needs a block of its own, and the later ones start new blocks part-way.
  const tagLists = [
    ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon'],
    ['Alpha', 'Zeta'],
    Array.from({ length: 20 }, (_, index) => `Topic ${index}`),
    ['Beta', 'Gamma', 'Delta'],
    ['Epsilon', 'Topic 3'],
    ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta', 'Topic 9'],
  ];
  for (const [index, tags] of tagLists.entries())
    await ingestText(
      app,
      plainArticle({ author: `Reporter ${index % 3}`, date: `2026-0${index + 1}-02`, tags }),
    );
  const listed = (await app.inject('/v1/articles?facets=tag,author,month&limit=100')).json();
  const ids: number[] = listed.data.map((article: { id: number }) => article.id);
  const db = openReadOnlyDatabase(databaseUrlOf(app).slice('file:'.length));
  t.teardown(() => db.$client.close());
  const facets = createSampleFacets(db.$client, 16);
  const all = ['tag', 'author', 'month'] as const;
  t.same(facets.count(ids, [...all]), listed.facets, 'read into small blocks');
  t.same(facets.count([...ids].reverse(), [...all]), listed.facets, 'and counted again from them');
});

t.test('article, tag and author ids far past the first arrays grow them, and still count', async (t) => {
  // The tables the store reads, as the migrations shape them, with ids no test collection reaches.
  const sqlite = new Database(':memory:');
  t.teardown(() => sqlite.close());
  sqlite.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, resource_id INTEGER);
    CREATE TABLE articles (id INTEGER PRIMARY KEY, published_at TEXT);
    CREATE INDEX articles_id_published_at ON articles (id, published_at);
    CREATE TABLE article_tags (article_id INTEGER, tag_id INTEGER, PRIMARY KEY (article_id, tag_id));
    CREATE TABLE article_authors (article_id INTEGER, author_id INTEGER, PRIMARY KEY (article_id, author_id));
    CREATE TABLE tags (id INTEGER PRIMARY KEY, slug TEXT, name TEXT);
    CREATE TABLE authors (id INTEGER PRIMARY KEY, slug TEXT, name TEXT);`);
  const ids = [7, 5_000, 250_000];
  for (const [index, id] of ids.entries()) {
    sqlite.prepare('INSERT INTO articles VALUES (?, ?)').run(id, `2025-0${index + 1}-01T00:00:00Z`);
    sqlite.prepare('INSERT INTO article_tags VALUES (?, ?), (?, ?)').run(id, 90_000, id, 3 + index);
    sqlite.prepare('INSERT INTO article_authors VALUES (?, ?)').run(id, 40_000 + (index % 2));
  }
  for (const tag of [90_000, 3, 4, 5])
    sqlite.prepare('INSERT INTO tags VALUES (?, ?, ?)').run(tag, `tag-${tag}`, `Tag ${tag}`);
  for (const author of [40_000, 40_001])
    sqlite
      .prepare('INSERT INTO authors VALUES (?, ?, ?)')
      .run(author, `author-${author}`, `Author ${author}`);

  const counted = createSampleFacets(sqlite).count(ids, ['tag', 'author', 'month']);
  t.same(counted.tag?.slice(0, 2), [
    { value: 'tag-90000', name: 'Tag 90000', count: 3 },
    { value: 'tag-3', name: 'Tag 3', count: 1 },
  ]);
  t.same(counted.author, [
    { value: 'author-40000', name: 'Author 40000', count: 2 },
    { value: 'author-40001', name: 'Author 40001', count: 1 },
  ]);
  t.same(
    counted.month?.map((month) => month.value),
    ['2025-03', '2025-02', '2025-01'],
  );
});

t.test('a new author or tag keeps what a search holds, but for the article that names it', async (t) => {
  const app = await buildTestApp(t, {}, 'sqlite');
  for (let index = 0; index < 6; index++)
    await ingestText(app, plainArticle({ author: `Reporter ${index % 2}`, tags: ['Ferries'] }));
  const sqlite = new Database(databaseUrlOf(app).slice('file:'.length), { readonly: true });
  t.teardown(() => sqlite.close());
  // How many articles' links the store reads from the database.
  let read = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!source.includes('group_concat(tag_id)')) return statement;
    const iterate = statement.iterate.bind(statement);
    statement.iterate = ((...args: unknown[]) => {
      const rows = [...iterate(...args)];
      read += rows.length;
      return rows[Symbol.iterator]();
    }) as typeof statement.iterate;
    return statement;
  }) as typeof sqlite.prepare;
  const store = createSampleFacets(sqlite);
  const allIds = () => sqlite.prepare('SELECT id FROM articles ORDER BY id DESC').pluck().all() as number[];
  const countedAfresh = async () => {
    read = 0;
    const counted = store.count(allIds(), ['tag', 'author']);
    const listed = (await app.inject('/v1/articles?facets=tag,author')).json().facets;
    t.same(counted, listed, 'the store counts what the list counts');
    return read;
  };

  t.equal(await countedAfresh(), 6, 'each article read once');
  await ingestText(app, plainArticle({ author: 'Reporter 7', tags: ['Harbour'] }));
  t.equal(await countedAfresh(), 1, 'a new author and tag: only the new article is read');
  t.equal((await send(app, 'PATCH', '/v1/tags/harbour', { name: 'Old Harbour' })).statusCode, 200);
  t.equal(await countedAfresh(), 7, 'a renamed tag: every article is read again, with the names');

  // Each edit drops one entry of 5 slots; the store is emptied once dropped slots outnumber live ones.
  const ids = allIds();
  const redate = async (id: number, day: number) =>
    t.equal(
      (await send(app, 'PATCH', `/v1/articles/${id}`, { published_at: `2025-03-${day}T09:00:00Z` }))
        .statusCode,
      200,
    );
  for (const id of ids.slice(0, 3)) await redate(id, 10);
  t.equal(await countedAfresh(), 3, 'three articles edited: those three are read again');
  for (const id of ids.slice(3)) await redate(id, 20);
  t.equal(await countedAfresh(), 7, 'four more: dropped slots outnumber live ones, and all are read again');
});
