import t from 'tap';
import { auth, buildTestApp, databaseUrlOf, testEngine } from '../support/app.js';
import { queryOn } from '../support/database.js';

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
  'the same 1 MB article sent 6 times is stored once, and every ingest still refers to it',
  async (t) => {
    const app = await buildTestApp(t);
    const query = await queryOn(t, databaseUrlOf(app));
    const databaseBytes = async () =>
      Number(
        (
          await query<{ bytes: number | string }>(
            testEngine() === 'postgres'
              ? 'SELECT pg_database_size(current_database()) AS bytes'
              : 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
          )
        )[0]!.bytes,
      );

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
    const afterFirst = await databaseBytes();
    const ingestIds = [first.json().ingest.id];
    for (let i = 1; i < 6; i++) {
      const again = await send();
      t.equal(again.json().ingest.status, 'duplicate');
      ingestIds.push(again.json().ingest.id);
    }
    const growth = (await databaseBytes()) - afterFirst;
    t.ok(
      growth < raw.length / 4,
      `5 duplicates grew the database by ${growth} bytes, less than a quarter of one copy`,
    );
    t.same(await query('SELECT CAST(count(*) AS integer) AS n FROM raw_payloads'), [{ n: 1 }]);

    // Provenance still names the payload each ingest received.
    const provenance = await app.inject({ url: `/v1/ingests/${ingestIds.at(-1)}`, headers: auth });
    const firstProvenance = await app.inject({ url: `/v1/ingests/${ingestIds[0]}`, headers: auth });
    t.equal(provenance.json().raw_sha256, firstProvenance.json().raw_sha256);

    // Re-parsing reads the one stored copy.
    const reparse = await app.services.ingest.reparseAll();
    t.same(reparse, { updated: 1, failed: [] });
  },
);
