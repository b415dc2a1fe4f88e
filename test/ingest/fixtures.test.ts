import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { z } from 'zod';
import { parseArticle } from '../../src/ingest/parse.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ingest');

const author = z.strictObject({ name: z.string(), bio: z.string().nullable() });
const image = z.strictObject({
  caption: z.string(),
  credit: z.string().nullable(),
  date: z.string().nullable(),
});
const fieldNames = [
  'decode',
  'title',
  'subtitle',
  'authors',
  'authorBio',
  'publishedAt',
  'images',
  'references',
  'tags',
  'body',
  'derivedTags',
  'language',
] as const;

/** A fixture's expectations; a key the test does not know (a misspelling) fails instead of asserting nothing. */
const Expected = z.strictObject({
  input: z.strictObject({ contentType: z.string().optional(), sourceUrl: z.string().optional() }).optional(),
  ok: z.boolean(),
  reason: z.enum(['empty', 'binary', 'not-an-article']).optional(),
  title: z.string().optional(),
  subtitle: z.string().nullable().optional(),
  authors: z.array(author).optional(),
  publishedAt: z.string().nullable().optional(),
  images: z.array(image).optional(),
  explicitTags: z.array(z.string()).optional(),
  references: z.array(z.string()).optional(),
  paragraphStarts: z.array(z.string()).optional(),
  paragraphCount: z.number().int().optional(),
  bodyMustContain: z.array(z.string()).optional(),
  bodyMustNotContain: z.array(z.string()).optional(),
  bodyHtmlMustContain: z.array(z.string()).optional(),
  removedKinds: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
  fields: z.partialRecord(z.enum(fieldNames), z.string()).optional(),
  language: z.string().optional(),
});

t.test('a misspelt expectation key fails instead of asserting nothing', async (t) => {
  t.throws(() => Expected.parse({ ok: true, tittle: 'Cranes due in spring' }));
  t.throws(() => Expected.parse({ ok: true, fields: { tittle: 'html:h1' } }));
  t.throws(() => Expected.parse({ ok: true, input: { sourceURL: 'https://example.com/' } }));
  t.same(Expected.parse({ ok: true, title: 'Cranes due in spring' }), {
    ok: true,
    title: 'Cranes due in spring',
  });
});

function defaultContentType(file: string): string {
  if (file.endsWith('.html')) return 'text/html';
  if (file.endsWith('.bin')) return 'application/octet-stream';
  return 'text/plain';
}

const rawFiles = readdirSync(FIXTURES)
  .filter((file) => !file.endsWith('.expected.json'))
  .sort();

t.ok(rawFiles.length >= 20, `at least 20 fixtures (found ${rawFiles.length})`);

for (const file of rawFiles) {
  const expected = Expected.parse(
    JSON.parse(readFileSync(path.join(FIXTURES, file.replace(/\.[a-z]+$/, '.expected.json')), 'utf8')),
  );
  t.test(file, async (t) => {
    const outcome = parseArticle({
      body: new Uint8Array(readFileSync(path.join(FIXTURES, file))),
      contentType: expected.input?.contentType ?? defaultContentType(file),
      sourceUrl: expected.input?.sourceUrl ?? null,
    });
    t.equal(outcome.ok, expected.ok, 'accepted or refused as expected');
    if (!outcome.ok) {
      t.equal(outcome.reason, expected.reason, 'refusal reason');
      t.match(outcome.detail, /^[A-Z].*\.$/, 'detail is a sentence');
      return;
    }
    const { article, warnings, fields, removed } = outcome;
    if (expected.title !== undefined) t.equal(article.title, expected.title, 'title');
    if (expected.subtitle !== undefined) t.equal(article.subtitle, expected.subtitle, 'subtitle');
    if (expected.authors) t.same(article.authors, expected.authors, 'authors with bios');
    if (expected.publishedAt !== undefined) t.equal(article.publishedAt, expected.publishedAt, 'publishedAt');
    if (expected.images) t.same(article.images, expected.images, 'image captions');
    if (expected.explicitTags) {
      t.same(
        article.tags.filter((tag) => !tag.derived).map((tag) => tag.name),
        expected.explicitTags,
        'explicit tags, in order',
      );
    }
    t.ok(
      article.tags.every((tag) => tag.name.trim() !== ''),
      'no empty tag names',
    );
    if (expected.references) t.same(article.references, expected.references, 'references');
    expected.paragraphStarts?.forEach((start, index) => {
      t.ok(article.paragraphs[index]?.startsWith(start), `paragraph ${index} starts "${start}"`);
    });
    if (expected.paragraphCount !== undefined) {
      t.equal(article.paragraphs.length, expected.paragraphCount, 'paragraph count');
    }
    for (const text of expected.bodyMustContain ?? [])
      t.ok(article.bodyText.includes(text), `body has "${text}"`);
    for (const text of expected.bodyMustNotContain ?? []) {
      t.notOk(article.bodyText.toLowerCase().includes(text.toLowerCase()), `body lacks "${text}"`);
    }
    for (const html of expected.bodyHtmlMustContain ?? [])
      t.ok(article.bodyHtml.includes(html), `html has ${html}`);
    const kinds = new Set(removed.map((block) => block.kind));
    for (const kind of expected.removedKinds ?? []) t.ok(kinds.has(kind as never), `removed a ${kind} block`);
    if (expected.warnings) {
      const messages = warnings.map((warning) => warning.message);
      t.same(messages.sort(), [...expected.warnings].sort(), 'warnings');
    }
    for (const field of fieldNames) {
      const rule = expected.fields?.[field];
      if (rule !== undefined) t.equal(fields[field], rule, `fields.${field}`);
    }
    if (expected.language) t.equal(article.language, expected.language, 'language');
    t.equal(article.bodyText, article.paragraphs.join('\n\n'), 'bodyText is the paragraphs');
    t.match(article.simhash, /^[0-9a-f]{16}$/, 'simhash is 16 hex digits');
    t.match(article.contentHash, /^[0-9a-f]{64}$/, 'contentHash is sha256 hex');
    t.equal(article.readingTimeMinutes, Math.max(1, Math.ceil(article.wordCount / 230)), 'reading time');
  });
}
