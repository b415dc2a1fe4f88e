import t from 'tap';
import { fnv1a64, hammingDistance, simhash } from '../../src/ingest/simhash.js';
import { slugify } from '../../src/ingest/slug.js';

const hex = (halves: Uint32Array) => [...halves].map((half) => half.toString(16).padStart(8, '0')).join('');

t.test('FNV-1a 64 matches the reference values', async (t) => {
  t.equal(hex(fnv1a64('')), 'cbf29ce484222325');
  t.equal(hex(fnv1a64('a')), 'af63dc4c8601ec8c');
  t.equal(hex(fnv1a64('foobar')), '85944171f73967e8');
});

const story =
  'The harbour authority approved plans for twelve electric cranes on Tuesday after a long public consultation, ' +
  'saying the change would halve the fuel bill and cut the fumes that drift across the old quay every summer. ' +
  'Dockers said they welcomed the investment but wanted guarantees that no driving jobs would be lost.';

t.test('simhash: 16 hex digits, near-duplicates close, different texts far', async (t) => {
  const a = simhash(story);
  t.match(a, /^[0-9a-f]{16}$/);
  t.equal(simhash(story), a, 'deterministic');
  const edited = simhash(story.replace('Tuesday', 'Wednesday'));
  const other = simhash(
    'Night buses will run again between the valley villages from next weekend, two years after the service ended ' +
      'because the operator could not hire enough drivers to cover the late shifts on Fridays and Saturdays.',
  );
  t.ok(hammingDistance(a, edited) <= 10, `one-word edit is close (${hammingDistance(a, edited)} bits)`);
  t.ok(hammingDistance(a, other) >= 16, `a different story is far (${hammingDistance(a, other)} bits)`);
  t.equal(simhash(''), simhash(''), 'empty text still hashes');
});

t.test('hammingDistance counts differing bits', async (t) => {
  t.equal(hammingDistance('0000000000000000', '0000000000000000'), 0);
  t.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64);
  t.equal(hammingDistance('000000000000000f', '0000000000000001'), 3);
  t.throws(() => hammingDistance('00', '000'));
  // Against a bit-by-bit count, on random hashes and on the high bit of each 32-bit half.
  const bitByBit = (a: string, b: string) =>
    [...(BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2)].filter((bit) => bit === '1').length;
  const random = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const pairs = Array.from({ length: 500 }, () => [random(), random()] as const);
  pairs.push(['8000000080000000', '0000000000000000'], ['ffffffff00000000', '7fffffff00000001']);
  for (const [a, b] of pairs) {
    if (hammingDistance(a, b) !== bitByBit(a, b)) t.fail(`${a} vs ${b}: ${hammingDistance(a, b)}`);
  }
  t.pass(`${pairs.length} pairs agree with a bit-by-bit count`);
});

t.test('slugify', async (t) => {
  t.equal(
    slugify('Islamic State concedes its fighters ‘retreated’ from Derna, Libya'),
    'islamic-state-concedes-its-fighters-retreated-from-derna-libya',
  );
  t.equal(slugify('Café crème à Zürich'), 'cafe-creme-a-zurich');
  t.equal(slugify('Straße, Smørrebrød & Łódź'), 'strasse-smorrebrod-lodz');
  t.equal(slugify("Baghdadi's men"), 'baghdadis-men');
  t.equal(slugify('2016'), 'article-2016', 'never all digits');
  t.equal(slugify('2016', 'tag'), 'tag-2016');
  t.equal(slugify('   '), 'article', 'never empty');
  t.equal(slugify('★★★'), 'article');
  const long = slugify('word '.repeat(40));
  t.ok(long.length <= 80, 'at most 80 characters');
  t.notOk(long.endsWith('-'), 'cut on a word boundary');
  t.match(long, /^(word-)*word$/);
});
