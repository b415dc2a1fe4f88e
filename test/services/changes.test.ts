import t from 'tap';
import type { ChangeEvent } from '../../src/domain/changes.js';
import type { Repositories } from '../../src/domain/ports.js';
import { createChangesService } from '../../src/services/changes.js';

/** Storage whose newest event id the test sets, and an ingest store that only counts its calls. */
function fakeRepositories() {
  const state = { latest: 0, latestReads: 0, stored: 0 };
  const repositories = {
    changes: {
      async listChanges(after: number): Promise<ChangeEvent[]> {
        return state.latest > after
          ? [
              {
                id: state.latest,
                type: 'tag.created',
                resource_id: 1,
                occurred_at: '2026-01-01T00:00:00.000Z',
                data: { id: 1, slug: 'a', name: 'A', description: null },
              },
            ]
          : [];
      },
      async latestChangeId() {
        state.latestReads++;
        return state.latest;
      },
    },
    articles: {
      async deleteArticle() {
        return true;
      },
    },
    ingest: {
      async storeArticles() {
        state.stored++;
        state.latest++;
        return [];
      },
    },
    edits: {},
  } as unknown as Repositories;
  return { state, repositories };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

t.test(
  'a write in this process wakes a waiting read right after it commits, without waiting for the poll',
  async (t) => {
    const { state, repositories } = fakeRepositories();
    const changes = createChangesService(repositories, { maxWaiting: 1000 });
    const signalled = changes.signalWrites(repositories);
    let answered: Awaited<ReturnType<typeof changes.listChanges>> | undefined;
    void changes.listChanges({ limit: 20, waitSeconds: 30 }).then((page) => {
      answered = page;
    });
    await turns(3);
    t.equal(answered, undefined, 'held while there is nothing');
    await signalled.ingest.storeArticles([]);
    await turns(3);
    t.equal(state.stored, 1);
    t.match(answered, { data: [{ id: 1 }], page: { limit: 20 } }, 'answered a few turns after the write');
    changes.close();
  },
);

t.test('without a signal, the poll finds an event another process wrote', async (t) => {
  const { state, repositories } = fakeRepositories();
  const changes = createChangesService(repositories, { maxWaiting: 1000 });
  const started = Date.now();
  const held = changes.listChanges({ limit: 20, waitSeconds: 30 });
  await turns(3);
  const reads = state.latestReads;
  state.latest = 5;
  const page = await held;
  t.equal(page.data[0]?.id, 5);
  t.ok(state.latestReads > reads, 'found by polling');
  t.ok(Date.now() - started < 2000, 'within the poll interval, not the 30 s deadline');
  changes.close();
});

t.test(
  'an abort or a close ends the wait with an empty page; the poll stops with the last waiter',
  async (t) => {
    const { state, repositories } = fakeRepositories();
    const changes = createChangesService(repositories, { maxWaiting: 1000 });
    const gone = new AbortController();
    const aborted = changes.listChanges({ limit: 20, waitSeconds: 30, signal: gone.signal });
    gone.abort();
    t.same((await aborted).data, []);
    const closed = changes.listChanges({ limit: 20, waitSeconds: 30 });
    changes.close();
    t.same((await closed).data, []);
    const reads = state.latestReads;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    t.equal(state.latestReads, reads, 'no polling with nobody waiting');
    t.same(
      (await changes.listChanges({ limit: 20, waitSeconds: 30 })).data,
      [],
      'after close, no wait at all',
    );
  },
);

t.test(
  'past the cap of held requests, a wait is refused with 503 at once; a freed place takes the next',
  async (t) => {
    const { state, repositories } = fakeRepositories();
    const changes = createChangesService(repositories, { maxWaiting: 2 });
    const first = new AbortController();
    const held = [
      changes.listChanges({ limit: 20, waitSeconds: 30, signal: first.signal }),
      changes.listChanges({ limit: 20, waitSeconds: 30 }),
    ];
    await turns(3);
    await t.rejects(changes.listChanges({ limit: 20, waitSeconds: 30 }), {
      status: 503,
      message: /as many requests waiting for changes as it allows \(2\)/,
    });
    t.same(
      (await changes.listChanges({ limit: 20, waitSeconds: 0 })).data,
      [],
      'a read without wait still answers',
    );
    first.abort();
    t.same((await held[0]!).data, []);
    const third = changes.listChanges({ limit: 20, waitSeconds: 30 });
    await turns(3);
    state.latest = 1;
    changes.close();
    t.same((await third).data, [], 'the freed place held the next wait until the close');
    await held[1];
  },
);
