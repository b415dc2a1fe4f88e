import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { auth, buildTestApp } from '../support/app.js';

/** About 1 MB of plain text that reads as one long article. */
function megabyteArticle(): string {
  const paragraphs = ['Harbour authority publishes its full ferry timetable review'];
  for (let n = 0; paragraphs.join('\n\n').length < 1_000_000; n++) {
    paragraphs.push(
      `Section ${n} of the review looks at the crossing from pier ${n % 40} and finds that the morning boats were late on ${n % 17} days, mostly because of wind and loading delays at the ramps.`,
    );
  }
  return paragraphs.join('\n\n');
}

t.test(
  'the same 1 MB article sent 20 times is stored once, and every ingest still refers to it',
  async (t) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'gazette-payloads-'));
    t.teardown(() => rmSync(directory, { recursive: true, force: true }));
    const databasePath = path.join(directory, 'gazette.db');
    const app = await buildTestApp(t, { DATABASE_URL: `file:${databasePath}` });
    const reader = new Database(databasePath, { readonly: true });
    t.teardown(() => reader.close());
    const databaseBytes = () =>
      (reader.pragma('page_count', { simple: true }) as number) *
      (reader.pragma('page_size', { simple: true }) as number);

    const raw = megabyteArticle();
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { ...auth, 'content-type': 'text/plain' },
        payload: raw,
      });
    const first = await send();
    t.equal(first.statusCode, 201);
    const afterFirst = databaseBytes();
    const ingestIds = [first.json().ingest.id];
    for (let i = 1; i < 20; i++) {
      const again = await send();
      t.equal(again.json().ingest.status, 'duplicate');
      ingestIds.push(again.json().ingest.id);
    }
    const growth = databaseBytes() - afterFirst;
    t.ok(
      growth < raw.length / 4,
      `19 duplicates grew the database by ${growth} bytes, less than a quarter of one copy`,
    );
    t.equal(reader.prepare('SELECT count(*) FROM raw_payloads').pluck().get(), 1);

    // Provenance still names the payload each ingest received.
    const provenance = await app.inject({ url: `/v1/ingests/${ingestIds.at(-1)}`, headers: auth });
    const firstProvenance = await app.inject({ url: `/v1/ingests/${ingestIds[0]}`, headers: auth });
    t.equal(provenance.json().raw_sha256, firstProvenance.json().raw_sha256);

    // Re-parsing reads the one stored copy.
    const reparse = await app.services.ingest.reparseAll();
    t.same(reparse, { updated: 1, failed: [] });
  },
);
