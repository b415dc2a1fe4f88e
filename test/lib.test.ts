import t from 'tap';
import { inGroups } from '../src/lib/groups.js';

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
