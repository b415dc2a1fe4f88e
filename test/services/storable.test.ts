import fc from 'fast-check';
import t from 'tap';
import type { ArticleDraft } from '../../src/domain/article.js';
import { storableDraft } from '../../src/domain/storable.js';
import { Article } from '../../src/http/schemas.js';

const now = Date.parse('2026-03-14T12:00:00Z');

/** Dates as scrapers produce them: any instant JavaScript can hold, written in several ways. */
const anyDate = fc.oneof(
  fc
    .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '9999-12-31T23:59:59-01:00',
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-03-15T11:59:59Z',
    '2026-03-15T12:00:01Z',
    'not a date',
    '',
  ),
  fc.string(),
);
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 3000 }),
);

const draft = fc.record({
  title: fc.oneof(fc.constant('A title'), anyText),
  subtitle: fc.option(anyText),
  excerpt: anyText,
  publishedAt: fc.option(anyDate),
  language: fc.option(fc.oneof(fc.constantFrom('en', 'de', 'EN', 'en-GB', 'xx-NOT', ''), fc.string())),
  sourceUrl: fc.option(
    fc.oneof(fc.webUrl(), fc.string(), fc.constant(`https://x.example/${'a'.repeat(3000)}`)),
  ),
  images: fc.array(
    fc.record({
      caption: anyText,
      credit: fc.option(anyText),
      date: fc.option(
        fc.oneof(
          anyDate.map((value) => value.slice(0, 10)),
          fc.constant('2026-02-30'),
        ),
      ),
    }),
    { maxLength: 3 },
  ),
  authorNames: fc.array(anyText, { maxLength: 25 }),
  tagNames: fc.array(anyText, { maxLength: 55 }),
});

t.test('whatever the parser finds, the stored draft passes the response schema', async () => {
  fc.assert(
    fc.property(draft, (input) => {
      const base: ArticleDraft = {
        slug: 'a-title',
        title: input.title,
        subtitle: input.subtitle,
        excerpt: input.excerpt,
        bodyText: 'Body',
        bodyHtml: '<p>Body</p>',
        images: input.images,
        language: input.language,
        wordCount: 1,
        readingTimeMinutes: 1,
        publishedAt: input.publishedAt,
        sourceUrl: input.sourceUrl,
        contentHash: 'c'.repeat(64),
        simhash: '0'.repeat(16),
        authors: input.authorNames.map((name) => ({ name, key: name, slug: 'someone', bio: name })),
        tags: input.tagNames.map((name) => ({ name, slug: 'tag', derived: false })),
      };
      let stored: ArticleDraft;
      try {
        stored = storableDraft(base, [], { now }).draft;
      } catch (error) {
        // Only a title with nothing visible left is refused.
        return (error as Error).message.includes('no title');
      }
      const article = {
        id: 1,
        slug: stored.slug,
        title: stored.title,
        subtitle: stored.subtitle,
        excerpt: stored.excerpt,
        images: stored.images,
        authors: stored.authors.map((author, id) => ({ id, slug: author.slug, name: author.name })),
        tags: stored.tags.map((tag, id) => ({ id, ...tag })),
        language: stored.language,
        word_count: stored.wordCount,
        reading_time_minutes: stored.readingTimeMinutes,
        published_at: stored.publishedAt,
        source_url: stored.sourceUrl,
        content_hash: stored.contentHash,
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
        body_text: stored.bodyText,
        body_html: stored.bodyHtml,
      };
      const result = Article.safeParse(article);
      if (!result.success) throw new Error(JSON.stringify(result.error.issues));
      if (stored.publishedAt !== null && Date.parse(stored.publishedAt) > now + 86_400_000) return false;
      if (stored.language !== null && !/^[a-z]{2}$/.test(stored.language)) return false;
      if (stored.title.length > 500 || stored.authors.length > 20 || stored.tags.length > 50) return false;
      return stored.authors.every((author) => author.name.length <= 200 && author.name.trim() !== '');
    }),
    { numRuns: 300 },
  );
});

t.test('dates: kept in UTC when sound, dropped with a warning when not', async (t) => {
  const base = { title: 'T', publishedAt: null } as unknown as ArticleDraft;
  const check = (publishedAt: string) =>
    storableDraft(
      {
        ...base,
        subtitle: null,
        images: [],
        authors: [],
        tags: [],
        language: null,
        sourceUrl: null,
        excerpt: '',
        bodyText: '',
        bodyHtml: '',
        publishedAt,
      },
      [],
      { now },
    );
  t.equal(check('2026-03-14T09:30:00+02:00').draft.publishedAt, '2026-03-14T07:30:00.000Z');
  t.equal(check('2026-03-15T11:00:00Z').draft.publishedAt, '2026-03-15T11:00:00.000Z', 'within a day ahead');
  t.equal(check('2026-03-15T13:00:00Z').draft.publishedAt, null, 'over a day ahead');
  t.match(check('9999-12-31T23:59:59-01:00').warnings, [/outside the years 0001–9999; dropped/]);
  t.equal(check('0001-01-01T00:00:00Z').draft.publishedAt, '0001-01-01T00:00:00.000Z');
  t.throws(
    () =>
      storableDraft({ ...check('2026-01-01T00:00:00Z').draft, publishedAt: '2199-01-01T00:00:00Z' }, [], {
        now,
        statedPublishedAt: true,
      }),
    { name: 'Error', message: /published_at is more than a day in the future/ },
    'a stated date is refused, not dropped',
  );
});
