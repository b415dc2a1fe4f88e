import Database from 'better-sqlite3';
import t from 'tap';
import { offloadExpensiveReads, type ReadPool } from '../../src/db/sqlite/read-pool.js';
import type { ArticleListQuery } from '../../src/domain/article.js';
import type { Repositories } from '../../src/domain/ports.js';

/**
 * The repositories with expensive reads sent to a stand-in pool that counts its calls and answers
 * each with a fresh object; `fail` makes the next call reject, `hold` keeps calls pending until
 * `release`.
 */
function offloaded(t: { teardown: (fn: () => void) => void }) {
  const sqlite = new Database(':memory:');
  sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
  t.teardown(() => sqlite.close());
  const state = { runs: 0, mainThreadPages: 0, fail: false, held: [] as (() => void)[], holding: false };
  const pool = {
    run: (method: string, ...args: unknown[]) => {
      state.runs++;
      if (state.fail) {
        state.fail = false;
        return Promise.reject(new Error('past the deadline'));
      }
      const answer = { method, args, run: state.runs };
      if (!state.holding) return Promise.resolve(answer);
      return new Promise((resolve) => state.held.push(() => resolve(answer)));
    },
  } as unknown as ReadPool;
  const repositories = {
    articles: {
      listArticles: async () => {
        state.mainThreadPages++;
        return { data: [] };
      },
    },
    related: { listRelatedArticles: async () => [] },
  } as unknown as Repositories;
  const { articles, related } = offloadExpensiveReads(repositories, pool, sqlite);
  const search = (q: string) =>
    articles.listArticles({ match: q, limit: 20 } as unknown as ArticleListQuery) as Promise<unknown>;
  const release = () => {
    state.holding = false;
    for (const resolve of state.held.splice(0)) resolve();
  };
  return { sqlite, state, articles, related, search, release };
}

t.test('searches and related lists are answered from memory, at most 64 of them', async (t) => {
  const { state, search } = offloaded(t);
  const first = await search('ferry');
  t.equal(await search('ferry'), first, 'asked again: the same answer, no second run');
  t.equal(state.runs, 1);

  for (let index = 1; index <= 63; index++) await search(`word${index}`);
  t.equal(state.runs, 64, '64 different searches, 64 runs');
  await search('ferry');
  t.equal(state.runs, 64, 'the first is still kept: 64 fit');

  await search('word64');
  t.equal(state.runs, 65);
  await search('ferry');
  t.equal(state.runs, 65, 'asked since, the first outlived the 65th');
  await search('word1');
  t.equal(state.runs, 66, 'the least recently asked went first');
});

t.test('identical requests share one run; failures and commits are not remembered', async (t) => {
  const { sqlite, state, search, related, articles, release } = offloaded(t);
  state.holding = true;
  const together = Promise.all([search('harbour'), search('harbour'), search('harbour')]);
  release();
  const answers = await together;
  t.equal(state.runs, 1, 'three at once, one run');
  t.equal(new Set(answers).size, 1);

  state.fail = true;
  await t.rejects(search('tide'), /deadline/);
  await search('tide');
  t.equal(state.runs, 3, 'a failed run is asked again');

  await search('harbour');
  t.equal(state.runs, 3);
  sqlite.prepare('INSERT INTO notes DEFAULT VALUES').run();
  await search('harbour');
  t.equal(state.runs, 4, 'after a commit the answer is read afresh');

  await related.listRelatedArticles(7, 5);
  await related.listRelatedArticles(7, 5);
  t.equal(state.runs, 5, 'related lists are kept too');

  await articles.listArticles({ limit: 20 } as unknown as ArticleListQuery);
  t.equal(state.mainThreadPages, 1, 'a plain page stays on the main thread');
  t.equal(state.runs, 5);
});
