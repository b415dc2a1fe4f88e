import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, plainArticle, testEngine } from '../support/app.js';
import { columnsHolding, queryOn } from '../support/database.js';

t.test("a deleted or edited article's earlier text does not stay in the change feed's table", async (t) => {
  const app = await buildTestApp(t);
  const query = await queryOn(t, databaseUrlOf(app));
  /** Every change-feed event row still in the database, as stored. */
  const storedEvents = async () =>
    (await query<{ data: string }>('SELECT data FROM events ORDER BY id')).map((row) => row.data);
  const holding = (text: string) => columnsHolding(query, testEngine(), text);
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: string | object, type?: string) =>
    app.inject({ method, url, headers: { ...auth, ...(type && { 'content-type': type }) }, payload });

  const ingested = await send(
    'POST',
    '/v1/ingest',
    plainArticle({ title: 'Lighthouse keepers log a record season', author: 'Ilse Varga' }),
    'text/plain',
  );
  const { id } = ingested.json().article as { id: number };
  const firstText = 'The first draft named a source who later asked to be left out of the story entirely.';
  const edited = await send(
    'PATCH',
    `/v1/articles/${id}`,
    { body_text: `${firstText}\n\nA second paragraph keeps the article long enough to stand on its own.` },
    'application/merge-patch+json',
  );
  t.equal(edited.statusCode, 200);
  t.ok(
    (await storedEvents()).some((data) => data.includes(firstText)),
    'the current version is stored',
  );
  t.ok((await holding(firstText)).includes('events.data'), 'the scan of every column finds it there');

  const rewritten = await send(
    'PATCH',
    `/v1/articles/${id}`,
    {
      body_text:
        'A corrected text replaces the draft.\n\nIt no longer names anyone who asked not to be named.',
    },
    'application/merge-patch+json',
  );
  t.equal(rewritten.statusCode, 200);
  t.notOk(
    (await storedEvents()).some((data) => data.includes(firstText)),
    'an edit removes the earlier version from the table',
  );
  t.same(await holding(firstText), [], 'and from every other table');

  t.equal((await send('DELETE', `/v1/articles/${id}`)).statusCode, 204);
  t.notOk(
    (await storedEvents()).some((data) => data.includes('corrected text')),
    'a delete leaves only the tombstone event',
  );
  t.same(await holding('corrected text'), [], 'and nothing of the text elsewhere');
});
