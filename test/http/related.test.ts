import t from 'tap';
import { buildTestApp, plainArticle } from '../support/app.js';

interface Related {
  slug: string;
  body_text?: string;
  related: { score: number; shared_tags: string[]; shared_authors: string[] };
}

t.test('GET /v1/articles/{idOrSlug}/related', async (t) => {
  const app = await buildTestApp(t);
  const add = async (
    title: string,
    overrides: { tags?: string[]; authors?: string[]; published_at?: string | null },
  ) =>
    (
      await app.services.ingest.ingestArticle({
        raw: plainArticle({ title }),
        contentType: 'text/plain',
        overrides: { tags: [], authors: [], published_at: null, ...overrides },
      })
    ).article;

  const subject = await add('Harbour ferries switch to batteries', {
    tags: ['Energy', 'Ferries', 'Harbour'],
    authors: ['Amara Okafor', 'Lena Berg'],
    published_at: '2026-03-01T00:00:00.000Z',
  });
  // Scores: explicit tag in common 2 each, author in common 3 each.
  await add('Same author, one tag', {
    tags: ['Energy'],
    authors: ['Amara Okafor'],
    published_at: '2026-02-01T00:00:00.000Z',
  }); // 2 + 3 = 5
  await add('Two tags, older', {
    tags: ['Energy', 'Harbour'],
    published_at: '2026-01-01T00:00:00.000Z',
  }); // 4
  await add('Two tags, newer', {
    tags: ['Ferries', 'Harbour', 'Weather'],
    published_at: '2026-02-15T00:00:00.000Z',
  }); // 4, newer than the one above
  await add('Both authors', { authors: ['Lena Berg', 'Amara Okafor'] }); // 6
  await add('Nothing in common', { tags: ['Sport'], authors: ['Someone Else'] });

  const get = (url: string) => app.inject(url);

  t.test('ranks by score, then newest; never lists the article itself; says why', async (t) => {
    const response = await get(`/v1/articles/${subject.slug}/related`);
    t.equal(response.statusCode, 200);
    const data: Related[] = response.json().data;
    t.same(
      data.map((item) => [item.slug, item.related.score]),
      [
        ['both-authors', 6],
        ['same-author-one-tag', 5],
        ['two-tags-newer', 4],
        ['two-tags-older', 4],
      ],
    );
    t.same(data[0]!.related, { score: 6, shared_tags: [], shared_authors: ['lena-berg', 'amara-okafor'] });
    t.same(data[1]!.related, { score: 5, shared_tags: ['energy'], shared_authors: ['amara-okafor'] });
    t.same(data[2]!.related.shared_tags, ['ferries', 'harbour'], 'in the related article’s tag order');
    t.notOk(data.some((item) => item.slug === subject.slug));
    t.notOk('body_text' in data[0]!, 'summaries, without bodies');
    t.match(data[1], { authors: [{ slug: 'amara-okafor' }], tags: [{ slug: 'energy', derived: false }] });
  });

  t.test('by id too, and limit caps the list', async (t) => {
    const data: Related[] = (await get(`/v1/articles/${subject.id}/related?limit=2`)).json().data;
    t.same(
      data.map((item) => item.slug),
      ['both-authors', 'same-author-one-tag'],
    );
  });

  t.test('an article with nothing in common gets an empty list', async (t) => {
    t.same((await get('/v1/articles/nothing-in-common/related')).json(), { data: [] });
  });

  t.test(
    'every score is 3 per shared author + 2 per tag both name explicitly + 1 per other shared tag',
    async (t) => {
      const full = (await get(`/v1/articles/${subject.slug}`)).json();
      const subjectTags = new Map<string, boolean>(
        full.tags.map((tag: { slug: string; derived: boolean }) => [tag.slug, tag.derived]),
      );
      const data = (await get(`/v1/articles/${subject.slug}/related?limit=50`)).json().data as (Related & {
        tags: { slug: string; derived: boolean }[];
      })[];
      for (const item of data) {
        const tagScore = item.tags
          .filter((tag) => subjectTags.has(tag.slug))
          .reduce((sum, tag) => sum + (tag.derived || subjectTags.get(tag.slug) ? 1 : 2), 0);
        t.equal(item.related.score, tagScore + 3 * item.related.shared_authors.length, item.slug);
      }
    },
  );

  t.test('unknown article → 404 problem; bad limit or unknown parameter → 400 problem', async (t) => {
    const missing = await get('/v1/articles/no-such-article/related');
    t.equal(missing.statusCode, 404);
    t.match(missing.headers['content-type'], /^application\/problem\+json/);
    for (const url of ['related?limit=0', 'related?limit=51', 'related?limit=x', 'related?sort=score']) {
      const response = await get(`/v1/articles/${subject.slug}/${url}`);
      t.equal(response.statusCode, 400, url);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
    }
  });

  t.test('is a cacheable list', async (t) => {
    const response = await get(`/v1/articles/${subject.slug}/related`);
    t.equal(response.headers['cache-control'], 'public, max-age=60');
    t.match(response.headers.etag, /^"/);
  });
});
