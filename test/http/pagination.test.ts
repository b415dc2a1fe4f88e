import t from 'tap';
import { buildTestApp, plainArticle } from '../support/app.js';

t.test('paging walks a whole collection exactly once, in both orders', async (t) => {
  const app = await buildTestApp(t);
  const ids: number[] = [];
  for (let index = 0; index < 45; index++) {
    // Several articles share a timestamp and some have none: the id must break ties.
    const publishedAt = index % 7 === 0 ? null : new Date(Date.UTC(2026, 0, 1 + (index % 5))).toISOString();
    const result = await app.services.ingest.ingestArticle({
      raw: plainArticle({ title: `Walk article ${index} on harbour dredging` }),
      contentType: 'text/plain',
      overrides: { published_at: publishedAt },
    });
    ids.push(result.article.id);
  }

  for (const sort of ['-published_at', 'published_at']) {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/articles?limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await app.inject(url)).json();
      seen.push(...body.data.map((article: { id: number }) => article.id));
      cursor = body.page.next_cursor;
    } while (cursor);
    t.equal(seen.length, ids.length, `${sort}: every article once`);
    t.same(
      [...seen].sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
      `${sort}: no gaps or duplicates`,
    );
    const full = (await app.inject(`/v1/articles?limit=100&sort=${sort}`))
      .json()
      .data.map((article: { id: number }) => article.id);
    t.same(seen, full, `${sort}: pages follow the same order as one big page`);
  }
});

t.test('a walk stays exact while new articles arrive between pages', async (t) => {
  const app = await buildTestApp(t);
  // Arrivals mention the search word more often than anything else, so they rank first if allowed in.
  const add = (index: number, day: number, title = `Arrival ${index}: tidal survey of the estuary`) =>
    app.services.ingest.ingestArticle({
      raw: plainArticle({ title }),
      contentType: 'text/plain',
      overrides: { published_at: new Date(Date.UTC(2026, 0, day)).toISOString() },
    });
  const original: number[] = [];
  for (let index = 0; index < 30; index++) original.push((await add(index, 1 + (index % 10))).article.id);

  let arrivals = 0;
  for (const sort of ['-published_at', 'published_at', 'relevance']) {
    const listed = (await app.inject(`/v1/articles?q=estuary&limit=100&sort=${sort}`)).json();
    const before: number[] = listed.data.map((article: { id: number }) => article.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/articles?q=estuary&limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await app.inject(url)).json();
      seen.push(...body.data.map((article: { id: number }) => article.id));
      cursor = body.page.next_cursor;
      // Newer, older and same-day articles land on both sides of the cursor.
      await add(1000 + arrivals, 1 + (arrivals % 12), `Estuary estuary: the estuary arrival ${arrivals}`);
      arrivals++;
    } while (cursor);
    t.equal(new Set(seen).size, seen.length, `${sort}: no duplicates`);
    t.ok(
      original.every((id) => seen.includes(id)),
      `${sort}: every article that existed when the walk began was seen`,
    );
    t.same(
      seen.filter((id) => before.includes(id)),
      before,
      `${sort}: the articles that were there walk in the order they had at the start`,
    );
    if (sort === 'relevance')
      t.same(seen, before, 'relevance: the walk is the ranking at its first page, arrivals excluded');
  }
});
