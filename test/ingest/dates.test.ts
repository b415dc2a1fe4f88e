import t from 'tap';
import { dateFromCaptionPrefix, dateFromUrl, findDate, normalizeIsoDate } from '../../src/ingest/dates.js';

const iso = (text: string) => {
  const found = findDate(text);
  return found && 'iso' in found ? found.iso : found;
};

t.test('the formats bylines and date lines use', async (t) => {
  t.equal(iso('April 21, 2016'), '2016-04-21T00:00:00.000Z');
  t.equal(iso('21 April 2016'), '2016-04-21T00:00:00.000Z');
  t.equal(iso('2016-04-21'), '2016-04-21T00:00:00.000Z');
  t.equal(iso('21/04/2016'), '2016-04-21T00:00:00.000Z', 'day-first when the day is over 12');
  t.equal(iso('04/21/2016'), '2016-04-21T00:00:00.000Z', 'month-first when the day is over 12');
  t.equal(iso('Thursday, April 21st, 2016'), '2016-04-21T00:00:00.000Z');
  t.equal(iso('2 Sept. 2019'), '2019-09-02T00:00:00.000Z');
  t.equal(iso('the 3rd of March 2021'), '2021-03-03T00:00:00.000Z');
});

t.test('day-first dates in French, Spanish, Portuguese, Italian, German and Dutch', async (t) => {
  for (const [text, expected] of [
    ['28 février 2019 à 18:46', '2019-02-28T18:46:00.000Z'],
    ['1er mars 2019 à 09h10', '2019-03-01T09:10:00.000Z'],
    ['3 de mayo de 2021', '2021-05-03T00:00:00.000Z'],
    ['5 de março de 2020 às 09:15', '2020-03-05T09:15:00.000Z'],
    ['12 settembre 2018 alle 14:05', '2018-09-12T14:05:00.000Z'],
    ['12. März 2020, 14:30 Uhr', '2020-03-12T14:30:00.000Z'],
    ['7 Jänner 2020', '2020-01-07T00:00:00.000Z'],
    ['12 maart 2020 om 08:00', '2020-03-12T08:00:00.000Z'],
    ['2 déc. 2022', '2022-12-02T00:00:00.000Z'],
  ] as const)
    t.equal(iso(text), expected, text);
  t.equal(
    findDate('Le 28 Février 2019, selon')?.matched,
    'Le 28 Février 2019',
    'capitals; the "on" before it',
  );
  // Not dates: no day, a day the month lacks, a word that only starts like a month.
  for (const text of ['Mars 2019 mission', '30 février 2019', '12 mais 2020', '4 maires 2019', '10 maio2020'])
    t.equal(findDate(text), null, text);
});

t.test('times and zones are converted to UTC', async (t) => {
  t.equal(iso('Apr 21, 2016 10:30 AM EDT'), '2016-04-21T14:30:00.000Z');
  t.equal(iso('May 5, 2020, 9:00 p.m. BST'), '2020-05-05T20:00:00.000Z');
  t.equal(iso('3 March 2021 10:30 GMT'), '2021-03-03T10:30:00.000Z');
  t.equal(iso('2016-04-21T10:30:00+02:00'), '2016-04-21T08:30:00.000Z');
  t.equal(iso('April 21, 2016 12:15 AM'), '2016-04-21T00:15:00.000Z');
  t.equal(iso('11/18/2011 2:27 PM EST'), '2011-11-18T19:27:00.000Z', 'a numeric date takes its time too');
  t.equal(iso('18.11.2011 14:27'), '2011-11-18T14:27:00.000Z');
  t.equal(
    findDate('April 28, 2019 at 6:01 am Updated April 29')?.matched,
    'April 28, 2019 at 6:01 am',
    'a word after the time is no zone: "Upda" is not cut from "Updated"',
  );
});

t.test('a labelled numeric date with a time is a date line, even when ambiguous', async (t) => {
  const { parseArticle } = await import('../../src/ingest/parse.js');
  const prose =
    'The harbour authority said on Tuesday that the new cranes would arrive in the spring and be working by the summer.';
  const parse = (dateLine: string) => {
    const outcome = parseArticle({
      body: `Cranes due in spring\n\n${dateLine}\n\n${prose}\n\n${prose}`,
      contentType: 'text/plain',
    });
    if (!outcome.ok) throw new Error(outcome.detail);
    return outcome;
  };
  const clear = parse('Published: 11/18/2011 2:27 AM');
  t.equal(clear.article.publishedAt, '2011-11-18T02:27:00.000Z');
  t.same(clear.article.paragraphs, [prose, prose]);
  const ambiguous = parse('Published: 2/12/2024 6:05 AM');
  t.equal(ambiguous.article.publishedAt, null, 'never guessed');
  t.same(ambiguous.article.paragraphs, [prose, prose], 'the line is still no paragraph');
  t.ok(ambiguous.warnings.some((warning) => warning.code === 'ambiguous-date'));
});

t.test('an article in French pasted as text is dated by its byline line', async (t) => {
  const { parseArticle } = await import('../../src/ingest/parse.js');
  const prose =
    'Le conseil municipal a voté mardi soir le budget du nouveau port de plaisance, après trois heures de débat animé entre les élus.';
  const outcome = parseArticle({
    body: `Le port de plaisance aura ses pontons au printemps

Par Jeanne Dupont — publié le 28 février 2019 à 18h46

${prose}

${prose}`,
    contentType: 'text/plain',
  });
  if (!outcome.ok) throw new Error(outcome.detail);
  t.equal(outcome.article.title, 'Le port de plaisance aura ses pontons au printemps');
  t.equal(outcome.article.publishedAt, '2019-02-28T18:46:00.000Z');
  t.same(
    outcome.article.authors.map((author) => author.name),
    ['Jeanne Dupont'],
  );
  t.same(outcome.article.paragraphs, [prose, prose], 'the byline line is no paragraph');
});

t.test('an ambiguous numeric date is reported, never guessed', async (t) => {
  t.same(findDate('03/04/2016'), {
    ambiguous: '03/04/2016 could be 3 April or 4 March',
    matched: '03/04/2016',
  });
  t.same(
    findDate('04/04/2016'),
    { iso: '2016-04-04T00:00:00.000Z', matched: '04/04/2016' },
    'same both ways',
  );
});

t.test('impossible dates are not dates', async (t) => {
  t.equal(findDate('February 30, 2016'), null);
  t.equal(findDate('31/31/2016'), null);
  t.equal(findDate('no date here'), null);
});

t.test('a /YYYY/MM/DD/ source URL states the day', async (t) => {
  t.equal(dateFromUrl('https://news.example.com/2016/04/21/derna-retreat'), '2016-04-21T00:00:00.000Z');
  t.equal(dateFromUrl('https://news.example.com/2016-04-21-derna'), '2016-04-21T00:00:00.000Z');
  t.equal(dateFromUrl('https://news.example.com/world/derna'), null);
  t.equal(dateFromUrl(null), null);
});

t.test('caption prefixes are YY-MM-DD; another order is ambiguous', async (t) => {
  t.same(dateFromCaptionPrefix('16-04-22'), { iso: '2016-04-22', matched: '16-04-22' });
  t.same(dateFromCaptionPrefix('2016-04-22'), { iso: '2016-04-22', matched: '2016-04-22' });
  t.same(dateFromCaptionPrefix('04-22-16'), {
    ambiguous: 'caption prefix 04-22-16 is not YY-MM-DD; it could be MM-DD-YY',
    matched: '04-22-16',
  });
  t.equal(dateFromCaptionPrefix('99-99-99'), null);
});

t.test('metadata timestamps are normalised to UTC', async (t) => {
  t.equal(normalizeIsoDate('2022-09-14T08:15:00+01:00'), '2022-09-14T07:15:00.000Z');
  t.equal(normalizeIsoDate('2024-02-09'), '2024-02-09T00:00:00.000Z');
  t.equal(normalizeIsoDate('not a date'), null);
});
