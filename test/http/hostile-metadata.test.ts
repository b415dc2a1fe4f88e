import t from 'tap';
import { Article } from '../../src/http/schemas.js';
import { auth, buildTestApp } from '../support/app.js';

/**
 * Scraped metadata is hostile input: dates past year 9999 or before year 1, dates decades ahead,
 * enormous names, control characters. Whatever arrives by whichever path, nothing stored may break a
 * response afterwards, and a value the client stated explicitly is refused rather than mangled.
 */

const paragraphs = (topic: string) =>
  [
    `The harbour authority of ${topic} announced on Monday that the old pier will close for repairs, after divers found cracks in three of its supporting columns during a routine inspection.`,
    `Engineers for ${topic} said the work would take about six months and cost less than first feared, because most of the deck can be kept and only the columns need replacing.`,
    `Fishing crews who use the ${topic} pier every morning will moor at the eastern quay while the repairs go on, and the authority promised to keep the fish market open throughout.`,
  ].join('\n\n');

/** A C0 control character other than tab, newline, return; or DEL. */
const hasControl = (text: string) =>
  [...text].some((character) => {
    const code = character.charCodeAt(0);
    return (code < 32 && !'\t\n\r'.includes(character)) || code === 127;
  });

const huge = 'Overlong '.repeat(2000);
const controls = 'Ti\u0000de\u0007s\u001b[31m\u007f\ud800';
/** Plain text with a NUL is refused as binary, so text lines carry the other controls. */
const textControls = '\u0007\u001b[31m\u007f';

function htmlPage(options: { head: string; topic: string; figure?: string }) {
  return `<!doctype html><html lang="zz-NOT-A-LANGUAGE"><head><title>Pier closes for repairs in ${options.topic}\u0001</title>
${options.head}</head><body><article><h1>Pier closes for repairs in ${options.topic}\u0001</h1>
${options.figure ?? ''}
${paragraphs(options.topic)
  .split('\n\n')
  .map((text) => `<p>${text}</p>`)
  .join('\n')}
</article></body></html>`;
}

const hostilePages = [
  {
    name: 'meta tags',
    page: htmlPage({
      topic: 'Northport',
      head: `<meta property="article:published_time" content="9999-12-31T23:59:59-01:00">
<meta name="author" content="${huge}">
<meta property="article:tag" content="${huge}">
<meta property="article:tag" content="${controls}">`,
    }),
  },
  {
    name: 'JSON-LD',
    page: htmlPage({
      topic: 'Southwick',
      head: `<script type="application/ld+json">${JSON.stringify({
        '@type': 'NewsArticle',
        headline: `Pier closes for repairs in Southwick${controls}`,
        datePublished: '0000-01-01T00:00:00Z',
        author: [
          { '@type': 'Person', name: huge },
          { '@type': 'Person', name: `Ann${controls} Lee` },
        ],
        keywords: [huge, controls, 'Harbours'],
      })}</script>`,
      figure: `<figure><img src="x.jpg"><figcaption>${huge}<small>${huge}</small></figcaption></figure>`,
    }),
  },
  {
    name: 'a time element far in the future',
    page: htmlPage({
      topic: 'Eastbay',
      head: '',
      figure: '<time datetime="+275760-09-13T00:00:00Z"></time>',
    }),
  },
];

const hostileTexts = [
  {
    name: 'a date line decades ahead',
    text: `Pier closes for repairs in Westmere\n\nBy Bo${textControls} Tran\n\nDecember 31, 2199 at 11:59 pm EST\n\n${paragraphs('Westmere')}\n\nTags: Ti${textControls}des, Harbours`,
  },
  {
    name: 'a caption dated ahead',
    text: `Pier closes for repairs in Lowfield\n\n99-12-31 Divers inspect the columns under the pier\n\n${paragraphs('Lowfield')}`,
  },
];

t.test('hostile metadata never reaches a response', async (t) => {
  const app = await buildTestApp(t);
  const post = (payload: string, contentType: string, url = '/v1/ingest') =>
    app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': contentType }, payload });
  const stored: number[] = [];

  for (const { name, page } of hostilePages) {
    const response = await post(page, 'text/html');
    t.equal(response.statusCode, 201, `${name}: stored`);
    const { article, ingest } = response.json();
    stored.push(article.id);
    t.ok(Article.safeParse(article).success, `${name}: the article passes the response schema`);
    t.ok(article.title.length <= 500 && !hasControl(article.title), `${name}: title clean`);
    for (const person of article.authors) t.ok(person.name.length <= 200, `${name}: author name bounded`);
    for (const tag of article.tags) t.ok(tag.name.length <= 100, `${name}: tag name bounded`);
    if (name !== 'meta tags') continue;
    t.equal(article.published_at, null, 'a year-10000 date is dropped');
    t.match(ingest.warnings.join('\n'), /publication date .* is outside the years 0001–9999; dropped/);
  }
  for (const { name, text } of hostileTexts) {
    const response = await post(text, 'text/plain');
    t.equal(response.statusCode, 201, `${name}: stored`);
    const { article, ingest } = response.json();
    stored.push(article.id);
    t.ok(Article.safeParse(article).success, `${name}: the article passes the response schema`);
    if (name === 'a date line decades ahead') {
      t.equal(article.published_at, null, 'a date decades ahead is dropped');
      t.match(ingest.warnings.join('\n'), /more than a day in the future; dropped/);
      t.notOk(
        hasControl([article.title, ...article.authors.map((a: { name: string }) => a.name)].join('')),
        'no control characters stored',
      );
      t.notOk(JSON.stringify(article).includes('\u007f'), 'no DEL stored');
    } else {
      t.same(
        article.images.map((image: { date: string | null }) => image.date),
        [null],
        'a caption date ahead is dropped',
      );
    }
  }

  t.test('stated fields that cannot be stored are refused with 422, and nothing is stored', async (t) => {
    for (const published_at of [
      '9999-12-31T23:59:59-01:00',
      '0000-06-01T00:00:00Z',
      '2199-01-01T00:00:00Z',
    ]) {
      const response = await post(
        JSON.stringify({ raw: `Pier closes in ${published_at}\n\n${paragraphs('Highcliff')}`, published_at }),
        'application/json',
      );
      t.equal(response.statusCode, 422, published_at);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.same(response.json().errors, [
        { path: 'body.published_at', message: response.json().errors[0].message },
      ]);
    }
    const batch = await post(
      `${JSON.stringify({ raw: `Pier closes again\n\n${paragraphs('Highcliff')}`, published_at: '9999-12-31T23:59:59-01:00' })}\n`,
      'application/x-ndjson',
      '/v1/ingest/batch',
    );
    t.equal(batch.statusCode, 200);
    t.match(JSON.parse(batch.body), { status: 'rejected', problem: { status: 422 } });
    const list = await app.inject({ url: '/v1/articles?q=Highcliff' });
    t.same(list.json().data, [], 'none of them was stored');
  });

  t.test('JSON fields with control characters are cleaned', async (t) => {
    const response = await post(
      JSON.stringify({
        raw: `Pier closes in Fairhaven\n\n${paragraphs('Fairhaven')}`,
        published_at: '2020-02-29T23:59:59+14:00',
        tags: [`Ports${controls}`],
        authors: [{ name: `Cy${controls} Moss`, bio: `Writes${controls} about harbours.` }],
      }),
      'application/json',
    );
    t.equal(response.statusCode, 201);
    const { article } = response.json();
    stored.push(article.id);
    t.equal(article.published_at, '2020-02-29T09:59:59.000Z');
    t.same(
      article.tags
        .filter((tag: { derived: boolean }) => !tag.derived)
        .map((tag: { name: string }) => tag.name),
      ['PortsTides[31m'],
    );
    t.same(
      article.authors.map((author: { name: string }) => author.name),
      ['CyTides[31m Moss'],
    );
  });

  t.test('every endpoint still answers', async (t) => {
    const urls = [
      '/v1/articles',
      '/v1/articles?limit=100&fields=id,title,published_at,body_text,body_html,images',
      '/v1/articles?sort=published_at',
      '/v1/articles?q=pier&facets=tag,author,month&include_total=true',
      '/v1/articles?q=pier&sort=-published_at',
      '/v1/articles?published_after=0001-01-01&published_before=9999-12-31',
      '/v1/feeds/articles.atom',
      '/v1/feeds/articles.rss',
      '/v1/feeds/articles.json',
      '/v1/authors?limit=100',
      '/v1/tags?limit=100&sort=-article_count',
      ...stored.flatMap((id) => [`/v1/articles/${id}`, `/v1/articles/${id}/related`]),
    ];
    const authors = (await app.inject({ url: '/v1/authors?limit=100' })).json().data;
    const tags = (await app.inject({ url: '/v1/tags?limit=100' })).json().data;
    urls.push(...authors.map((author: { slug: string }) => `/v1/authors/${author.slug}`));
    urls.push(...tags.map((tag: { slug: string }) => `/v1/tags/${tag.slug}`));
    t.ok(authors.length > 0 && tags.length > 0);
    for (const url of urls) {
      const response = await app.inject({ url });
      t.ok(response.statusCode < 400, `${url}: ${response.statusCode}`);
    }
    const atom = await app.inject({ url: '/v1/feeds/articles.atom' });
    const years = [...atom.body.matchAll(/<(?:published|updated)>([^<]*)</g)].map((match) => match[1]!);
    t.ok(years.length > stored.length, 'the feed carries dates');
    for (const value of years) t.match(value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'an RFC 3339 date');
    for (const ingestId of [1, 2, 3]) {
      const response = await app.inject({ url: `/v1/ingests/${ingestId}`, headers: auth });
      t.equal(response.statusCode, 200);
    }
  });
});
