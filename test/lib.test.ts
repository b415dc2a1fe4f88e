import fc from 'fast-check';
import t from 'tap';
import { utf8Bytes } from '../src/lib/bytes.js';
import { escapeHtml } from '../src/lib/escape-html.js';
import { inGroups } from '../src/lib/groups.js';
import { sha256 } from '../src/lib/hash.js';

async function collect<T>(source: AsyncIterable<T[]>): Promise<T[][]> {
  const groups: T[][] = [];
  for await (const group of source) groups.push(group);
  return groups;
}

t.test('inGroups', async (t) => {
  async function* fast() {
    for (let index = 1; index <= 7; index++) yield index;
  }
  t.same(await collect(inGroups(fast(), 3, 50)), [[1, 2, 3], [4, 5, 6], [7]], 'a fast source fills groups');

  async function* slow() {
    yield 1;
    yield 2;
    await new Promise((resolve) => setTimeout(resolve, 60));
    yield 3;
  }
  t.same(await collect(inGroups(slow(), 10, 20)), [[1, 2], [3]], 'a pause lets the group go');

  async function* empty() {}
  t.same(await collect(inGroups(empty(), 3, 10)), []);
});

t.test('sha256: the same digest for text and its UTF-8 bytes, hex unless asked for base64url', async (t) => {
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  t.equal(sha256('abc'), abc);
  t.equal(sha256(new TextEncoder().encode('abc')), abc);
  t.equal(sha256('abc', 'base64url'), Buffer.from(abc, 'hex').toString('base64url'));
});

t.test('escapeHtml: the five special characters, apostrophe as &#39;, everything else as is', async (t) => {
  t.equal(
    escapeHtml(`<a href="x">Tom & Jerry's</a> é`),
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; é',
  );
});

t.test('utf8Bytes: the same bytes as Buffer.from, in a Buffer of their own, at any length', async (t) => {
  const texts = [
    '',
    'plain ASCII',
    'Café, naïve… “quoted” — 東京 🚢 '.repeat(100),
    'lone surrogates \ud800 and \udc00 become U+FFFD '.repeat(100),
    'é'.repeat(200_000),
    '🚢'.repeat(180_000),
    'x'.repeat(400_000),
  ];
  for (const minLength of [0, 2048]) {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength, maxLength: minLength + 3000 }), (text) => {
        t.same(utf8Bytes(text), Buffer.from(text, 'utf8'));
      }),
    );
  }
  const first = utf8Bytes(texts[2]!);
  const copy = Buffer.from(first);
  for (const text of texts) t.ok(utf8Bytes(text).equals(Buffer.from(text, 'utf8')), `${text.length} units`);
  t.ok(first.equals(copy), 'bytes already returned are not overwritten by later calls');
});
