import t from 'tap';
import { parseArticle } from '../../src/ingest/parse.js';

// An invented story laid out line by line like the real scraped example: title; a caption with a
// YY-MM-DD prefix and %22 quotes; body paragraphs, one with a "[See …]" reference; the author named
// only in a closing bio; a donation appeal; a Tags line whose names were lost; site topic links.
const lines = {
  title: 'Rebel council says its gunmen ‘withdrew’ from Tarsel, Orvenia',
  caption: '21-03-09 Market street in Tarsel after its %22reopening%22 by the river brigade',
  lead: 'The river brigade released photographs of the market street in Tarsel after what it called its “reopening” to traders.',
  withReference:
    'A statement from the Northern Rebel Council admitted that its gunmen had left their posts around Tarsel, a river town in eastern Orvenia. The council’s fighters withdrew at dawn on Monday under fire from the river brigade and the national army. [See Gazette report, Rebel council loses its last bridge near Tarsel.]',
  quote:
    'The council’s press office called the retreat “a planned regrouping” and said its men had “crossed the river with every vehicle and every rifle” before the army arrived.',
  context:
    'The river brigade, an alliance of local self-defence units, has fought the council for control of the Tarsel bridges since the autumn. It accuses the council of seizing grain barges and selling their cargo across the border.',
  closing:
    'Aid agencies said they hoped to send food convoys into the town within days, but warned that the roads to the south were still mined.',
  bio: 'Dario Fenwick is a Research Fellow at the Centre for Conflict Studies and the editor of its Frontline Review.',
  appeal:
    'Do you read the Frontline Review every week? Has our reporting helped you? Support our independent journalism today by making a one-time or monthly donation. Thank you for reading! Donations are tax-deductible.',
  tags: 'Tags: , , , , ,',
  navigation: ['Orvenia', 'Rebel groups', 'River brigade', 'Ceasefires', 'Refugees'],
};

const raw = [
  lines.title,
  lines.caption,
  lines.lead,
  lines.withReference,
  lines.quote,
  lines.context,
  lines.closing,
  lines.bio,
  lines.appeal,
  lines.tags,
  ...lines.navigation,
].join('\n\n');

t.test('every line of an example-shaped article lands in the right place', async (t) => {
  const outcome = parseArticle({
    body: new TextEncoder().encode(raw),
    contentType: 'text/plain; charset=utf-8',
  });
  if (!outcome.ok) throw new Error(outcome.detail);
  const { article, removed, warnings, fields } = outcome;

  t.equal(article.title, lines.title, 'line 1 → title');
  t.equal(fields.title, 'plain:first-block');

  t.same(
    article.images,
    [
      {
        caption: 'Market street in Tarsel after its "reopening" by the river brigade',
        credit: null,
        date: '2021-03-09',
      },
    ],
    'line 2 → image caption, %22 decoded, YY-MM-DD date read',
  );
  t.equal(
    article.publishedAt,
    '2021-03-09T00:00:00.000Z',
    'the caption date is the only date, so it dates the article',
  );
  t.equal(fields.publishedAt, 'caption-prefix');

  t.same(
    article.paragraphs,
    [
      lines.lead,
      lines.withReference.replace(
        ' [See Gazette report, Rebel council loses its last bridge near Tarsel.]',
        '',
      ),
      lines.quote,
      lines.context,
      lines.closing,
    ],
    'body paragraphs in order, reference cut out of its paragraph',
  );
  t.same(
    article.references,
    ['See Gazette report, Rebel council loses its last bridge near Tarsel.'],
    '[See …] → references',
  );

  t.same(article.authors, [{ name: 'Dario Fenwick', bio: lines.bio }], 'closing bio → author name and bio');
  t.equal(fields.authors, 'plain:closing-bio');

  t.same(
    removed.map((block) => [block.kind, block.text]),
    [
      ['appeal', lines.appeal],
      ['tags-residue', lines.tags],
      ...lines.navigation.map((line) => ['navigation', line]),
    ],
    'appeal, empty Tags line and topic links are dropped and reported',
  );
  t.notOk(
    article.tags.some((tag) => !tag.derived),
    'no explicit tags: the Tags line was empty and the topic links are navigation, not tags',
  );
  t.ok(
    article.tags.every((tag) => tag.name !== '' && tag.derived),
    'derived tags only, none empty',
  );
  t.same(warnings, [], 'nothing to warn about');
  t.notMatch(article.bodyHtml, /Fenwick|donation|Tags:|Refugees/, 'bodyHtml has none of the removed lines');
  t.match(article.bodyHtml, /<figure><figcaption>Market street in Tarsel after its "reopening"/);
});
