import { parseFeed } from '@rowanmanning/feed-parser';
import t from 'tap';
import { escapeXml } from '../../src/http/feeds/xml.js';
import { buildTestApp, plainArticle } from '../support/app.js';

/** Requests name a host without a port, as browsers and feed readers do, so URLs compare as written. */
const origin = 'http://gazette.test';
const href = (path: string) => `${origin}${path}`;

const trickyTitle = 'Fish <&> chips: "salt" & \'vinegar\' at <b>sea</b>';

t.test('GET /v1/feeds/articles.{atom,rss,json}', async (t) => {
  const app = await buildTestApp(t, { PUBLIC_URL: origin });
  const add = (title: string, overrides: Record<string, unknown>) =>
    app.services.ingest.ingestArticle({ raw: plainArticle({ title }), contentType: 'text/plain', overrides });
  const tricky = (
    await add(trickyTitle, {
      tags: ['Food', 'Harbour & Sea'],
      authors: ['Ann Lee', 'Bo Tran'],
      published_at: '2026-03-02T08:00:00.000Z',
      source_url: 'https://news.example.com/fish?a=1&b=2',
    })
  ).article;
  const older = (
    await add('Harbour crane replaced after storm', {
      tags: ['Harbour & Sea'],
      authors: ['Bo Tran'],
      published_at: '2026-01-15T12:30:00.000Z',
    })
  ).article;
  const undated = (
    await add('An undated column on tides', { tags: ['Tides'], authors: [], published_at: null })
  ).article;
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ url, headers: { host: 'gazette.test', ...headers } });
  const newestUpdate = [tricky, older, undated]
    .map((article) => article.updated_at)
    .sort()
    .at(-1)!;

  t.test(
    'Atom 1.0: content type, feed id/title/updated/self link, entries with required elements',
    async (t) => {
      const response = await get('/v1/feeds/articles.atom');
      t.equal(response.statusCode, 200);
      t.equal(response.headers['content-type'], 'application/atom+xml; charset=utf-8');
      t.match(
        response.body,
        /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/,
      );
      const feed = parseFeed(response.body);
      t.equal(feed.meta.type, 'atom');
      t.equal(feed.title, 'Gazette: latest articles');
      t.equal(feed.self, href('/v1/feeds/articles.atom'));
      t.equal(feed.url, href('/v1/articles'));
      t.equal(feed.updated?.toISOString(), newestUpdate, 'feed updated = newest article updated_at');
      t.match(response.body, `<id>${origin}/v1/feeds/articles.atom</id>`);
      t.same(
        feed.items.map((item) => item.title),
        [trickyTitle, 'Harbour crane replaced after storm', 'An undated column on tides'],
        'newest first, undated last; <&> in titles survive the round trip',
      );
      const [first, second, third] = feed.items;
      t.equal(first!.id, `http://gazette.test/v1/articles/${tricky.slug}`);
      t.equal(first!.url, href(`/v1/articles/${tricky.slug}`));
      t.equal(first!.updated?.toISOString(), tricky.updated_at);
      t.equal(first!.published?.toISOString(), '2026-03-02T08:00:00.000Z');
      t.same(
        first!.authors.map((author) => author.name),
        ['Ann Lee', 'Bo Tran'],
      );
      t.same(
        first!.categories.map((category) => [category.term, category.label]),
        [
          ['food', 'Food'],
          ['harbour-sea', 'Harbour & Sea'],
        ],
      );
      t.equal(first!.description, tricky.excerpt);
      t.equal(first!.content, tricky.body_html, 'content type="html" carries body_html exactly');
      t.equal(second!.published?.toISOString(), '2026-01-15T12:30:00.000Z');
      t.equal(third!.published, null, 'no <published> when the date is unknown');
      t.match(response.body, /<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z<\/updated>/, 'RFC 3339 dates');
      t.match(
        response.body,
        '<link rel="related" type="text/html" href="https://news.example.com/fish?a=1&amp;b=2"/>',
      );
      t.match(
        response.body,
        /<author>\n<name>Gazette<\/name>\n<\/author>/,
        'the feed is signed: one entry has no author',
      );
    },
  );

  t.test('RSS 2.0: channel title/link/description, items with guid and RFC 822 pubDate', async (t) => {
    const response = await get('/v1/feeds/articles.rss');
    t.equal(response.statusCode, 200);
    t.equal(response.headers['content-type'], 'application/rss+xml; charset=utf-8');
    const feed = parseFeed(response.body);
    t.equal(feed.meta.type, 'rss');
    t.equal(feed.meta.version, '2.0');
    t.equal(feed.title, 'Gazette: latest articles');
    t.equal(feed.url, href('/v1/articles'));
    t.equal(feed.description, 'The newest articles in Gazette.');
    t.equal(feed.items.length, 3);
    const [first, , third] = feed.items;
    t.equal(first!.title, trickyTitle);
    t.equal(first!.id, `http://gazette.test/v1/articles/${tricky.slug}`, 'guid');
    t.equal(first!.url, href(`/v1/articles/${tricky.slug}`));
    t.equal(first!.published?.toISOString(), '2026-03-02T08:00:00.000Z');
    t.match(response.body, '<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>');
    t.equal(
      third!.published?.getTime(),
      Math.floor(Date.parse(undated.updated_at) / 1000) * 1000,
      'an undated article is dated by its last update (RFC 822 has whole seconds)',
    );
    t.same(
      first!.authors.map((author) => author.name),
      ['Ann Lee', 'Bo Tran'],
    );
    t.same(
      first!.categories.map((category) => category.label ?? category.term),
      ['Food', 'Harbour & Sea'],
    );
    t.equal(first!.content, tricky.body_html);
    t.match(response.body, /<guid isPermaLink="true">/);
    t.match(response.body, /<lastBuildDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT<\/lastBuildDate>/);
  });

  t.test('JSON Feed 1.1: version, title, items with id and content_html', async (t) => {
    const response = await get('/v1/feeds/articles.json');
    t.equal(response.statusCode, 200);
    t.equal(response.headers['content-type'], 'application/feed+json; charset=utf-8');
    const feed = response.json();
    t.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    t.equal(feed.title, 'Gazette: latest articles');
    t.equal(feed.feed_url, 'http://gazette.test/v1/feeds/articles.json');
    t.equal(feed.home_page_url, 'http://gazette.test/v1/articles');
    t.equal(feed.items.length, 3);
    t.match(feed.items[0], {
      id: `http://gazette.test/v1/articles/${tricky.slug}`,
      url: `http://gazette.test/v1/articles/${tricky.slug}`,
      external_url: 'https://news.example.com/fish?a=1&b=2',
      title: trickyTitle,
      summary: tricky.excerpt,
      content_html: tricky.body_html,
      content_text: tricky.body_text,
      date_published: '2026-03-02T08:00:00.000Z',
      date_modified: tricky.updated_at,
      authors: [{ name: 'Ann Lee', url: 'http://gazette.test/v1/authors/ann-lee' }, { name: 'Bo Tran' }],
      tags: ['Food', 'Harbour & Sea'],
    });
    t.notOk('date_published' in feed.items[2], 'left out, not null, when the date is unknown');
    t.notOk('external_url' in feed.items[2]);
  });

  t.test('filters by tag and author, repeated or comma-separated, like /v1/articles', async (t) => {
    const titles = async (query: string) =>
      parseFeed((await get(`/v1/feeds/articles.atom?${query}`)).body).items.map((item) => item.title);
    t.same(await titles('tag=food'), [trickyTitle]);
    t.same(await titles('tag=tides,food'), [trickyTitle, 'An undated column on tides']);
    t.same(await titles('tag=tides&tag=food'), await titles('tag=tides,food'));
    t.same(await titles('author=bo-tran'), [trickyTitle, 'Harbour crane replaced after storm']);
    t.same(await titles('author=ann-lee&tag=harbour-sea'), [trickyTitle]);
    t.same(await titles('tag=no-such-tag'), []);
    const json = (await get('/v1/feeds/articles.json?author=ann-lee')).json();
    t.equal(json.items.length, 1);
    t.equal(json.feed_url, 'http://gazette.test/v1/feeds/articles.json?author=ann-lee');
    const rss = parseFeed((await get('/v1/feeds/articles.rss?tag=tides')).body);
    t.same(
      rss.items.map((item) => item.title),
      ['An undated column on tides'],
    );
    t.equal(rss.title, 'Gazette: latest articles tagged tides');
  });

  t.test('a filtered feed names its filters in a canonical self URL', async (t) => {
    const feed = parseFeed((await get('/v1/feeds/articles.atom?tag=food&tag=tides&author=bo-tran')).body);
    t.equal(feed.self, href('/v1/feeds/articles.atom?tag=food,tides&author=bo-tran'));
    t.equal(feed.title, 'Gazette: latest articles tagged food or tides, by bo-tran');
  });

  t.test('an empty feed is still valid, with a stable updated', async (t) => {
    const atom = parseFeed((await get('/v1/feeds/articles.atom?tag=nothing')).body);
    t.equal(atom.items.length, 0);
    t.equal(atom.updated?.toISOString(), '1970-01-01T00:00:00.000Z');
    const json = (await get('/v1/feeds/articles.json?tag=nothing')).json();
    t.same(json.items, []);
  });

  t.test('URLs come from PUBLIC_URL, never from the Host header', async (t) => {
    const response = await app.inject({
      url: '/v1/feeds/articles.json?tag=food',
      headers: { host: 'gazette.example.org' },
    });
    t.equal(response.json().items[0].id, `${origin}/v1/articles/${tricky.slug}`);
  });

  t.test('unknown or invalid parameters → 400 problem naming them', async (t) => {
    for (const format of ['atom', 'rss', 'json']) {
      const response = await get(`/v1/feeds/articles.${format}?limit=5`);
      t.equal(response.statusCode, 400, format);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.match(response.json(), { errors: [{ path: 'query.limit', message: 'unknown parameter' }] });
    }
  });

  t.test('feeds are cacheable lists with ETags and 304s', async (t) => {
    const first = await get('/v1/feeds/articles.rss');
    t.equal(first.headers['cache-control'], 'public, max-age=60');
    const again = await get('/v1/feeds/articles.rss', { 'if-none-match': first.headers.etag as string });
    t.equal(again.statusCode, 304);
  });
});

t.test('escapeXml escapes markup and drops characters XML cannot carry', async (t) => {
  t.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  t.equal(escapeXml('bell\u0007 tab\t nul\u0000 ok'), 'bell tab\t nul ok');
  t.equal(escapeXml('lone \uD800 surrogate, pair 😀'), 'lone  surrogate, pair 😀');
  t.equal(escapeXml('\uFFFE\uFFFF'), '');
});
