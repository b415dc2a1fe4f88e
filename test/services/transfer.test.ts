import t from 'tap';
import { seed } from '../../src/services/seed.js';
import { buildTestApp, plainArticle } from '../support/app.js';
import { exportOf, linesOf, populate, post, served, urlsToCompare } from '../support/transfer.js';

t.test('export then import into an empty database serves the same answers', async (t) => {
  const source = await buildTestApp(t);
  const { edited, deleted } = await populate(source);
  const text = await exportOf(source);
  const lines = text.trim().split('\n');
  t.same(JSON.parse(lines[0]!), { format: 'gazette-export', version: 1 });
  const types = new Set(lines.slice(1).map((line) => JSON.parse(line).type));
  t.same([...types].sort(), ['article', 'author', 'deleted', 'ingest', 'tag'], 'every kind of line is there');

  const target = await buildTestApp(t);
  const imported = await target.services.transfer.importFrom(linesOf(text));
  t.equal(imported, lines.length - 1, 'every line imported');

  const ingestCount = (await exportOf(source)).match(/"raw_sha256"/g)!.length;
  t.ok(ingestCount >= 12, 'seeds, ingests and the duplicate all have provenance');
  const extra = [
    `/v1/articles/${edited.slug}`,
    `/v1/articles/${deleted.id}`,
    `/v1/articles/${deleted.slug}`,
    '/v1/articles/a-lone-report-retitled-before-it-went',
    '/v1/tags/ferry',
    '/v1/authors/noor-haddad',
    ...Array.from({ length: ingestCount + 1 }, (_, index) => `/v1/ingests/${index + 1}`),
  ];
  const urls = await urlsToCompare(source, extra);
  t.ok(urls.length > 40, `${urls.length} answers compared`);
  const before = await served(source, urls);
  const after = await served(target, urls);
  for (const url of urls) t.same(after[url], before[url], url);
  const found = urls.filter((url) => (before[url] as { status: number }).status === 200);
  t.equal(
    found.length,
    urls.length - 4,
    'every URL compared answers 200 but the deleted article by id and both its slugs (410) and the last ingest id (404)',
  );
  t.equal(
    (before[`/v1/articles/${deleted.id}`] as { status: number }).status,
    410,
    'the deleted one is Gone',
  );
  t.same(await exportOf(target), text, 'exporting the import gives the same file');

  const next = (await post(target, '/v1/ingest', plainArticle(), 'text/plain')).article;
  t.ok(next.id > deleted.id, 'a deleted article id is not given out again');
});

t.test('import refuses a database with content, and a bad file changes nothing', async (t) => {
  const source = await buildTestApp(t);
  await seed(source.services.ingest);
  const text = await exportOf(source);

  await t.rejects(source.services.transfer.importFrom(linesOf(text)), {
    status: 409,
    message: /not empty \(it has articles, authors, tags, ingests, events\)/,
  });

  const target = await buildTestApp(t);
  const importing = (input: string) => target.services.transfer.importFrom(linesOf(input));
  await t.rejects(importing('{"hello":1}\n'), { status: 400, message: /not a Gazette export/ });
  const [header, first, ...rest] = text.split('\n');
  const broken = [header, first, '{"type":"article","article":{"id":"x"}}', ...rest].join('\n');
  await t.rejects(importing(broken), { status: 400, message: /^line 3: article\.id: / });
  const tampered = text.replace(/"raw":"[A-Za-z0-9+/]{4}/, '"raw":"AAAA');
  await t.rejects(importing(tampered), { status: 400, message: /raw does not match raw_sha256/ });
  // Two articles with one slug: the database refuses the second, and the first goes with it.
  const clash = text.replace(
    /"slug":"glenhollow[^"]*"/,
    '"slug":"easterleigh-library-wins-national-award-for-its-evening-classes"',
  );
  await t.rejects(importing(clash), {
    status: 400,
    // Each engine words the refusal its own way.
    message: /could not be stored: (UNIQUE constraint failed|duplicate key value violates unique constraint)/,
  });
  const dangling = [
    header,
    text
      .split('\n')
      .find((line) => line.includes('"type":"article"'))!
      .replace(/"article_id":\d+/, '"article_id":99999'),
  ].join('\n');
  await t.rejects(importing(dangling), {
    status: 400,
    message: /FOREIGN KEY|violates foreign key constraint/,
  });

  t.same((await target.inject('/v1/articles')).json().data, [], 'nothing was half-written');
  t.equal(await target.services.transfer.importFrom(linesOf(text)), text.trim().split('\n').length - 1);
  t.equal((await target.inject('/v1/articles')).json().data.length, 8, 'then the good file imports');
});
