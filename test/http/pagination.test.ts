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
