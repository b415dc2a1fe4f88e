import t from 'tap';
import { boundNesting } from '../../src/ingest/nesting.js';
import { parseArticle } from '../../src/ingest/parse.js';

t.test('a page nested no deeper than the bound is returned as it was', async (t) => {
  const page =
    '<html><body><div><article><p>One<p>Two<ul><li>a<li>b</ul><br><img src=x></article></div></body></html>';
  t.same(boundNesting(page, 8), { html: page, dropped: 0 });
});

t.test('opening tags past the bound are dropped and their text stays in place', async (t) => {
  const page = `${'<div>'.repeat(5)}deep${'<b>x'.repeat(3)}`;
  const bounded = boundNesting(page, 4);
  t.equal(bounded.dropped, 4);
  t.equal(bounded.html, '<div><div><div><div>deepxxx');
});

t.test('closing tags free their depth, and stray ones change nothing', async (t) => {
  const page = `${'<span>a</span>'.repeat(100)}</em></div>${'<i>b</i>'.repeat(100)}`;
  t.same(boundNesting(page, 2), { html: page, dropped: 0 });
});

t.test('tags inside scripts, styles and titles are not counted', async (t) => {
  const page = `<title>${'<b>'.repeat(50)}</title><script>${'<div>'.repeat(50)}</script><style>${'<i>'.repeat(50)}</STYLE><p>text`;
  t.same(boundNesting(page, 3), { html: page, dropped: 0 });
});

t.test('a page of 40,000 unclosed tags parses, keeps its text and says it was flattened', async (t) => {
  const words = '<b>It was a calm day by the sea. '.repeat(40_000);
  const outcome = parseArticle({ body: `<h1>Deep page</h1><p>${words}</p>`, contentType: 'text/html' });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.equal(outcome.article.wordCount, 8 * 40_000);
  t.ok(outcome.warnings.some((warning) => warning.code === 'deep-nesting'));
});
