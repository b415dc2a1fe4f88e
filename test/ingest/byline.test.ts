import t from 'tap';
import { bylineNames, isPersonName, parseBio, parseByline, sameAuthor } from '../../src/ingest/byline.js';

const authors = (text: string) => parseByline(text)?.authors ?? null;

t.test('bylines name one or more people', async (t) => {
  t.same(authors('By Jane Doe'), ['Jane Doe']);
  t.same(authors('By Jane Doe and John Roe'), ['Jane Doe', 'John Roe']);
  t.same(authors('By Jane Doe, John Roe and Max Moe'), ['Jane Doe', 'John Roe', 'Max Moe']);
  t.same(authors('BY JANE DOE'), ['Jane Doe'], 'all-caps bylines are title-cased');
  t.same(authors('By Anne-Marie de la Cruz for the Gazette'), ['Anne-Marie de la Cruz']);
  t.same(authors('By Jane Doe, Staff Writer'), ['Jane Doe'], 'a role after the name is not a person');
  t.same(authors('By Jane Doe, Reuters'), ['Jane Doe']);
});

t.test('bylines with dates', async (t) => {
  const posted = parseByline('Posted on April 21, 2016 by Jane Doe');
  t.same(posted?.authors, ['Jane Doe']);
  t.same(posted?.date, { iso: '2016-04-21T00:00:00.000Z', matched: 'April 21, 2016' });
  t.same(authors('Jane Doe | April 21, 2016'), ['Jane Doe']);
  t.same(authors('Posted by Jane Doe on April 21, 2016'), ['Jane Doe'], 'the date after the name');
  t.same(authors('Par Jeanne Dupont et Paul Martin — 24 novembre 2017 à 18:42'), [
    'Jeanne Dupont',
    'Paul Martin',
  ]);
  t.same(authors('Por Ana García, Luis Pérez y Marta Ruiz'), ['Ana García', 'Luis Pérez', 'Marta Ruiz']);
  t.same(authors('Von Anna Schmidt und Peter Weber'), ['Anna Schmidt', 'Peter Weber']);
  t.equal(parseByline('Von Miller'), null, 'a foreign label needs a full name: this may be a person');
  // Foreign bylines carry their dates, after "le", "op", a dash or a comma.
  for (const [line, names, date] of [
    ['Par Jeanne Dupont le 28 février 2019', ['Jeanne Dupont'], '2019-02-28T00:00:00.000Z'],
    ['Door Jan de Vries op 12 maart 2020', ['Jan de Vries'], '2020-03-12T00:00:00.000Z'],
    ['Von Anna Schmidt, 12. März 2020', ['Anna Schmidt'], '2020-03-12T00:00:00.000Z'],
    ['Por María García | 3 de mayo de 2021', ['María García'], '2021-05-03T00:00:00.000Z'],
  ] as const) {
    const byline = parseByline(line);
    t.same(byline?.authors, names, line);
    t.equal(byline?.date && 'iso' in byline.date ? byline.date.iso : null, date, `${line}: the date`);
  }
  // Foreign date lines, labels and all.
  for (const [line, date] of [
    ['Publié le 28 février 2019 à 18h46', '2019-02-28T18:46:00.000Z'],
    ['Mis à jour le 1er mars 2019 à 09:10', '2019-03-01T09:10:00.000Z'],
    ['Veröffentlicht am 12. März 2020, 14:30 Uhr', '2020-03-12T14:30:00.000Z'],
    ['Publicado el 3 de mayo de 2021', '2021-05-03T00:00:00.000Z'],
    ['Pubblicato il 12 settembre 2018', '2018-09-12T00:00:00.000Z'],
  ] as const) {
    const byline = parseByline(line);
    t.same(byline?.authors, [], line);
    t.equal(byline?.date && 'iso' in byline.date ? byline.date.iso : null, date, `${line}: the date`);
  }
  t.equal(
    parseByline('Le 28 février 2019, la mairie a voté le budget'),
    null,
    'a sentence around a date is not',
  );
  // "Le", "El", "Am" in a name are names, not the "on" of a date line.
  t.same(authors('Thuy Le | 3 March 2021'), ['Thuy Le']);
  t.same(authors('By Karim El Amrani | 12 mai 2020'), ['Karim El Amrani']);
  t.equal(parseByline('Par for the course'), null);
  t.same(authors('By Jane Doe | Apr 21, 2016 10:30 AM EDT'), ['Jane Doe']);
  t.same(parseByline('Published 21 April 2016'), {
    authors: [],
    date: { iso: '2016-04-21T00:00:00.000Z', matched: '21 April 2016' },
  });
  // A dateline that names the weekday is a date line too.
  for (const line of ['Tuesday, 12 March 2024', 'Monday, May 27, 2013', 'Posted on Friday 3 May 2024']) {
    t.same(parseByline(line)?.authors, [], line);
    t.ok(parseByline(line)?.date, `${line}: a date`);
  }
  t.equal(parseByline('Tuesday, 12 March 2024 was a dry day'), null, 'a sentence around a date is not');
  // A weekday before "by" is a label, like "Posted on".
  t.same(authors('Friday 6 March 2020 by Ruth A. Mallory'), ['Ruth A. Mallory']);
  t.ok(parseByline('Friday 6 March 2020 by Ruth A. Mallory')?.date, 'and the date is read');
  t.equal(parseByline('Sat by the harbour wall'), null, 'a short weekday before "by" is no label');
  // Beside the date: a time after a separator, a reading time, an update stamp, an abbreviated weekday.
  const dateLines: [string, string][] = [
    ['April 5, 2018 | 6:00 PM', '2018-04-05T00:00:00.000Z'],
    ['Oct 18, 2019 · 8 min read', '2019-10-18T00:00:00.000Z'],
    ['Dec. 6, 2024, 10:00 PM UTC / Updated Dec. 7, 2024, 12:43 PM UTC', '2024-12-06T22:00:00.000Z'],
    ['April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm', '2019-04-28T06:01:00.000Z'],
    ['Thu 3 Jan 2019 02.00 EST Last modified on Wed 16 Jan 2019 06.16 EST', '2019-01-03T07:00:00.000Z'],
  ];
  for (const [line, published] of dateLines) {
    const parsed = parseByline(line);
    t.same(parsed?.authors, [], line);
    t.equal(
      parsed?.date && 'iso' in parsed.date ? parsed.date.iso : null,
      published,
      `${line}: the first date`,
    );
  }
  t.equal(
    parseByline('Oct 18, 2019 · 8 readers liked it'),
    null,
    'other words beside a date are no date line',
  );
});

t.test("a page's byline element names its writers", async (t) => {
  t.same(
    bylineNames('Written by Jane Doe\n   Edited by John Roe'),
    ['Jane Doe'],
    'a label, and the editor left out',
  );
  t.same(bylineNames('Posted by Jane Doe'), ['Jane Doe']);
  t.same(bylineNames('by Jane Doe14 Mar 2021 37'), ['Jane Doe'], 'a date and a count glued to the name');
  t.same(bylineNames('By Jane Doe 3 hours ago'), ['Jane Doe']);
  t.same(bylineNames('Par Jeanne Dupont (avec Paul Martin)'), ['Jeanne Dupont']);
  t.same(bylineNames('Sunday, 12 April 2020'), [], 'a date line names nobody');
});

t.test('sentences are not bylines', async (t) => {
  t.equal(parseByline('By the way, this is not a byline'), null);
  t.equal(parseByline('The minister said on April 1, 2005 that the plan would go ahead.'), null);
  t.equal(parseByline('Iraq'), null);
  t.equal(parseByline('Stand by Me'), null);
});

t.test('closing bios name the author', async (t) => {
  t.same(
    parseBio(
      'Thea Norrbom is a Senior Fellow at the Baltic Policy Forum and editor of its Sea Lanes journal.',
    )?.names,
    ['Thea Norrbom'],
  );
  t.same(parseBio('Jane Doe and John Roe are reporters at the Daily Planet.')?.names, [
    'Jane Doe',
    'John Roe',
  ]);
  t.same(parseBio('Maria Lopez, a former diplomat, writes about energy policy for the Gazette.')?.names, [
    'Maria Lopez',
  ]);
  t.equal(parseBio('The Council is a body of the state.'), null, 'a sentence starting with The');
  t.equal(parseBio('Mr Brown is a director at the bank.'), null, 'an honorific means a subject, not a bio');
  t.equal(parseBio('Jane Doe is happy.'), null, 'no role at an organisation');
});

t.test('names and matching', async (t) => {
  t.ok(isPersonName('Jane Doe'));
  t.ok(isPersonName("Seán O'Neill"));
  t.notOk(isPersonName('Associated Press'));
  t.notOk(isPersonName('Staff Writer'));
  t.notOk(isPersonName('Room 101'));
  t.ok(sameAuthor('Jane Doe', 'jane doe'));
  t.ok(sameAuthor('J. Doe', 'Jane Doe'));
  t.notOk(sameAuthor('Jane Doe', 'John Roe'));
});

t.test('a story that ends on a person is not a bio', async (t) => {
  t.equal(
    parseBio(
      'Ada Kessler is another player on the sidelines after she limped off against Falbrook on Friday.',
    ),
    null,
  );
  t.equal(parseBio('Ada Kessler and Rui Santos were among the performers on the night.'), null);
  t.equal(
    parseBio('Ada Kessler is out with a knee injury. She will miss the final. The coach said so on Monday.'),
    null,
    'three sentences are a paragraph, not a bio',
  );
  t.same(parseBio('Rui Santos is technology correspondent for The Evening Wire.')?.names, ['Rui Santos']);
});
