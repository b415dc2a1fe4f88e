import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';

const prose = [
  'The harbour board met on Thursday to decide how the new ferry berth would be paid for, and the members argued for most of the evening.',
  'Several of them said that the old berth had been patched so often that another winter of repairs would cost more than building again.',
  'The chair of the board told reporters that a decision would come before the end of the month, once the engineers had sent their figures.',
];

function page(middle: string): string {
  return `<html><head><title>Harbour board weighs a new ferry berth</title></head><body><article>
    <h1>Harbour board weighs a new ferry berth</h1>
    ${prose.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}
    <p>${middle}</p>
  </article></body></html>`;
}

t.test(
  'a page whose text is mostly escaped characters is read without Readability, and keeps its prose',
  async (t) => {
    // Readability rebuilds the page from its HTML between attempts; each `<` would be a text node.
    const outcome = parseArticle({ body: page(`Rates: ${'<'.repeat(30_000)}`), contentType: 'text/html' });
    t.ok(outcome.ok);
    if (!outcome.ok) return;
    t.not(outcome.fields.body, 'html:readability');
    for (const paragraph of prose) t.ok(outcome.article.bodyText.includes(paragraph), paragraph.slice(0, 30));
  },
);

t.test(
  'an ordinary page with some thousands of ampersands and no-break spaces is still read by Readability',
  async (t) => {
    const middle = 'Salt &amp; pepper&nbsp;and oil &amp; vinegar were on every table. '.repeat(1_000);
    const outcome = parseArticle({ body: page(middle), contentType: 'text/html' });
    t.ok(outcome.ok);
    if (!outcome.ok) return;
    t.equal(outcome.fields.body, 'html:readability');
  },
);
