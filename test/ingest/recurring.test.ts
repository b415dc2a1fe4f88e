import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';
import { findRecurringLines, normalizeLine } from '../../src/ingest/recurring.js';

const slogan = 'The Valley Courier — news from the upper valley since 1921';
const story = (topic: string) =>
  `${topic} reopens after repairs\n\n${slogan}\n\nThe ${topic.toLowerCase()} in Glenhollow reopened on Monday after three months of repairs paid for by the parish council and local donors.\n\nVolunteers repainted the walls and replaced the windows, and the council said the building would be open every weekday.`;

t.test('lines shared by most of a source’s articles are found', async (t) => {
  const texts = ['Village hall', 'Chapel', 'Library', 'Museum'].map(story);
  const lines = findRecurringLines(texts);
  t.ok(lines.includes(slogan), 'the slogan recurs');
  t.notOk(
    lines.some((line) => line.startsWith('Village hall')),
    'a title does not',
  );
  t.same(findRecurringLines(texts.slice(0, 2)), [], 'two articles are too few to tell');
});

t.test('a recurring line passed back in is dropped from the body and reported', async (t) => {
  const outcome = parseArticle({
    body: story('Chapel'),
    contentType: 'text/plain',
    recurringLines: [slogan.toUpperCase()],
  });
  if (!outcome.ok) throw new Error(outcome.detail);
  t.same(outcome.removed, [{ kind: 'recurring', text: slogan }]);
  t.notOk(outcome.article.bodyText.includes('Valley Courier'));
  t.equal(normalizeLine('  The Valley — Courier!  '), 'the valley courier');
});
