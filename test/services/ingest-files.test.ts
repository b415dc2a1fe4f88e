import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ingestFiles, listIngestibleFiles } from '../../src/services/ingest-files.js';
import { buildTestApp } from '../support/app.js';

const slogan = 'The Northshore Courier brings the news home every single morning';

function story(topic: string): string {
  return [
    `Volunteers rebuild the ${topic} after the winter storms`,
    '',
    `Dozens of volunteers spent the weekend rebuilding the ${topic}, which was badly damaged when the storms of January brought down trees across the valley.`,
    '',
    slogan,
    '',
    `The organisers said the ${topic} would reopen to the public next month, once the council inspectors have checked the new supports and railings.`,
  ].join('\n');
}

t.test('ingesting a folder', async (t) => {
  const app = await buildTestApp(t);
  const folder = t.testdir();
  mkdirSync(path.join(folder, 'more'));
  const topics = ['footbridge', 'boathouse', 'bandstand'];
  for (const topic of topics) writeFileSync(path.join(folder, `${topic}.txt`), story(topic));
  writeFileSync(
    path.join(folder, 'sources.json'),
    JSON.stringify(
      Object.fromEntries(
        topics.map((topic) => [
          `${topic}.txt`,
          `https://courier.example.com/2026/02/0${topics.indexOf(topic) + 1}/${topic}`,
        ]),
      ),
    ),
  );
  writeFileSync(path.join(folder, 'more', 'pier.txt'), story('pier'));

  const files = await listIngestibleFiles([folder]);
  t.same(
    files.map((file) => path.relative(folder, file)),
    ['bandstand.txt', 'boathouse.txt', 'footbridge.txt', path.join('more', 'pier.txt')],
    'sources.json is a manifest, not an article',
  );

  const summary = await ingestFiles(app.services.ingest, files);
  t.same(summary, { created: 4, duplicate: 0, rejected: [] });

  const articles = (await app.inject('/v1/articles?fields=title,source_url,body_text&limit=10')).json().data;
  const footbridge = articles.find((article: { title: string }) => article.title.includes('footbridge'));
  t.equal(
    footbridge.source_url,
    'https://courier.example.com/2026/02/01/footbridge',
    'the manifest gives the source URL',
  );
  t.notMatch(footbridge.body_text, slogan, 'a line recurring across one source is dropped as boilerplate');
  const pier = articles.find((article: { title: string }) => article.title.includes('pier'));
  t.equal(pier.source_url, null);
  t.match(pier.body_text, slogan, 'an article with no known source keeps it');
});
