import t from 'tap';
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
