import fc from 'fast-check';
import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';

const word = fc.stringMatching(/^[a-z]{2,10}$/);
// Prose carries function words: a paragraph of invented words alone has none, and the classifier
// that finds a copied page's story rightly reads it as chrome (a draw that the language detector
// took for Albanian kept one paragraph of three). Every other word here is a common English one.
const functionWord = fc.constantFrom('the', 'of', 'and', 'to', 'in', 'is', 'was', 'that', 'for', 'with');
// Four pairs at least: two paragraphs of two sentences are then 32 words, over the 25 an article
// needs.
const sentence = fc.array(fc.tuple(functionWord, word), { minLength: 4, maxLength: 7 }).map((pairs) => {
  const text = pairs.flat().join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
});
const paragraph = fc.array(sentence, { minLength: 2, maxLength: 4 }).map((sentences) => sentences.join(' '));
const title = fc
  .array(word, { minLength: 3, maxLength: 10 })
  .map((words) => words.join(' '))
  .map((text) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`);

t.test('parseArticle never throws on arbitrary strings', async (t) => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 2000 }),
      fc.constantFrom('text/plain', 'text/html'),
      (body, contentType) => {
        const outcome = parseArticle({ body, contentType });
        return typeof outcome.ok === 'boolean';
      },
    ),
    { numRuns: 300 },
  );
  t.pass('no exception');
});

t.test('parseArticle never throws on arbitrary bytes', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.constantFrom(
        'text/plain',
        'text/html',
        'text/html; charset=iso-8859-1',
        'text/plain; charset=bogus',
      ),
      (body, contentType) => typeof parseArticle({ body, contentType }).ok === 'boolean',
    ),
    { numRuns: 300 },
  );
  t.pass('no exception');
});

t.test('parseArticle never throws on article-like text with noise mixed in', async (t) => {
  const noise = fc.constantFrom(
    '%22',
    '%E2%80',
    '&amp;',
    '[See',
    ']',
    'By ',
    'Tags: ,',
    '|',
    '16-04-22 ',
    '\r\n',
    '\u0000',
    '<p>',
    '50%',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(paragraph, noise, title), { maxLength: 12 }), (parts) => {
      const outcome = parseArticle({ body: parts.join('\n\n'), contentType: 'text/plain' });
      return typeof outcome.ok === 'boolean';
    }),
    { numRuns: 200 },
  );
  t.pass('no exception');
});

t.test('a title plus two or more real paragraphs is an article with a body', async (t) => {
  fc.assert(
    fc.property(title, fc.array(paragraph, { minLength: 2, maxLength: 6 }), (heading, paragraphs) => {
      const outcome = parseArticle({
        body: `${heading}\n\n${paragraphs.join('\n\n')}\n`,
        contentType: 'text/plain',
      });
      if (!outcome.ok) return false;
      const { article } = outcome;
      return (
        article.title === heading &&
        article.paragraphs.length === paragraphs.length &&
        article.bodyText.length > 0 &&
        article.wordCount > 0
      );
    }),
    { numRuns: 200 },
  );
  t.pass('always ok with a non-empty body');
});

t.test('an HTML page built from a title and real paragraphs keeps every paragraph', async (t) => {
  fc.assert(
    fc.property(title, fc.array(paragraph, { minLength: 2, maxLength: 6 }), (heading, paragraphs) => {
      const html = `<html><head><title>${heading}</title></head><body><nav><a href="/">Home</a></nav><article><h1>${heading}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join('')}</article></body></html>`;
      const outcome = parseArticle({ body: html, contentType: 'text/html' });
      return (
        outcome.ok &&
        outcome.article.title === heading &&
        outcome.article.paragraphs.join('\n\n') === paragraphs.join('\n\n')
      );
    }),
    { numRuns: 100 },
  );
  t.pass('always ok, body intact');
});
