import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { auth, buildTestApp, plainArticle } from '../support/app.js';

/** Every change-feed event row still in the database, as stored. */
function storedEvents(databasePath: string): string[] {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare('SELECT data FROM events ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

t.test("a deleted or edited article's earlier text does not stay in the change feed's table", async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gazette-deleted-text-'));
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const databasePath = path.join(directory, 'gazette.db');
  const app = await buildTestApp(t, { DATABASE_URL: `file:${databasePath}` });
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
    storedEvents(databasePath).some((data) => data.includes(firstText)),
    'the current version is stored',
  );

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
    storedEvents(databasePath).some((data) => data.includes(firstText)),
    'an edit removes the earlier version from the table',
  );

  t.equal((await send('DELETE', `/v1/articles/${id}`)).statusCode, 204);
  t.notOk(
    storedEvents(databasePath).some((data) => data.includes('corrected text')),
    'a delete leaves only the tombstone event',
  );
});
