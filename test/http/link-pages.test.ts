import t from 'tap';
import { buildTestApp, databaseUrlOf, plainArticle } from '../support/app.js';
import { queryOn } from '../support/database.js';

type Page = { data: { id: number }[]; page: { next_cursor: string | null } };

/**
 * A page for one tag or one author alone is read from the links, which carry a copy of each
 * article's sort key; these tests hold it to the order the general filter gives, through dates
 * that change after the links were written.
 */
t.test('one tag or one author pages in the same order as the general filter', async (t) => {
  const app = await buildTestApp(t);

  for (let index = 0; index < 30; index++) {
    // Shared timestamps and undated articles: the id must break ties, and '' sorts last.
    const publishedAt = index % 6 === 0 ? null : new Date(Date.UTC(2026, 1, 1 + (index % 4))).toISOString();
    await app.services.ingest.ingestArticle({
      raw: plainArticle({ title: `Pier survey number ${index} finds rust` }),
      contentType: 'text/plain',
      overrides: {
        published_at: publishedAt,
        tags: index % 3 === 0 ? ['Piers', 'Rust'] : ['Piers'],
        authors: [index % 2 === 0 ? 'Noor Haddad' : 'Ivo Brandt'],
      },
    });
  }

  const walk = async (query: string, limit: number) => {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (
        await app.inject(`/v1/articles?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      ids.push(...page.data.map((article) => article.id));
      cursor = page.page.next_cursor;
    } while (cursor);
    return ids;
  };
  /** The same filter with a second one that every article passes, which takes the general path. */
  const general = (query: string, sort: string) => walk(`${query}&sort=${sort}&language=en`, 100);

  const check = async (label: string) => {
    for (const sort of ['-published_at', 'published_at']) {
      for (const query of ['tag=piers', 'tag=rust', 'author=noor-haddad', 'author=ivo-brandt']) {
        const expected = await general(query, sort);
        t.ok(expected.length >= 10, `${query} has articles`);
        t.same(await walk(`${query}&sort=${sort}`, 4), expected, `${label}: ${query}, ${sort}`);
      }
    }
  };
  await check('as ingested');

  // Dates that change after the links exist (a re-parse, an edit) must move the article in its
  // tag's and author's pages too.
  const query = await queryOn(t, databaseUrlOf(app));
  await query(`UPDATE articles SET published_at = '2030-01-01T00:00:00.000Z' WHERE id % 5 = 0`);
  await query('UPDATE articles SET published_at = NULL WHERE id % 7 = 1');
  await check('after dates changed');
  const newest = (await walk('tag=piers&sort=-published_at', 4))[0]!;
  t.equal(newest % 5, 0, 'an article moved to 2030 now opens its tag page');

  t.same((await app.inject('/v1/articles?tag=no-such-tag')).json().data, [], 'an unknown tag: an empty page');
});
