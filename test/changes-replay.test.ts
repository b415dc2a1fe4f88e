import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { auth, checkedAgainstDocument, testApiKey, testParser } from './support/app.js';

/**
 * Random sequences of writes, then the change feed replayed into a mirror: the mirror must hold
 * exactly what the API serves. A follower that catches up after every write must end the same.
 */

interface Event {
  id: number;
  type: string;
  resource_id: number;
  data: Record<string, unknown> & { id: number };
}
type Named = { id: number; slug: string; name: string; bio?: string | null };
type ArticleData = Record<string, unknown> & {
  id: number;
  authors: { id: number }[];
  tags: { id: number }[];
};

/** Events replayed from the start, by type, over every run: which kinds the sequences reached. */
const replayedTypes = new Map<string, number>();

/** What a consumer builds from the feed. */
class Mirror {
  readonly articles = new Map<number, ArticleData>();
  readonly deletedArticles = new Set<number>();
  readonly authors = new Map<number, Named>();
  readonly tags = new Map<number, Named>();
  cursor: string | undefined;
  lastId = 0;

  /** `tally` counts the events applied, by type. */
  constructor(private readonly tally?: Map<string, number>) {}

  apply(event: Event) {
    if (event.id <= this.lastId) throw new Error(`event ${event.id} after ${this.lastId}: not increasing`);
    this.lastId = event.id;
    this.tally?.set(event.type, (this.tally.get(event.type) ?? 0) + 1);
    const [kind, change] = event.type.split('.') as [string, string];
    const store = { article: this.articles, author: this.authors, tag: this.tags }[kind] as Map<
      number,
      unknown
    >;
    if (change === 'deleted') {
      store.delete(event.resource_id);
      if (kind === 'article') this.deletedArticles.add(event.resource_id);
    } else {
      store.set(event.resource_id, event.data);
    }
  }

  /** Reads the feed from its cursor to the end, `limit` events a page. */
  async catchUp(app: FastifyInstance, limit: number) {
    for (;;) {
      const query = new URLSearchParams({
        limit: String(limit),
        ...(this.cursor ? { cursor: this.cursor } : {}),
      });
      const response = await app.inject(`/v1/changes?${query}`);
      if (response.statusCode !== 200) throw new Error(`/v1/changes answered ${response.statusCode}`);
      const page = response.json() as { data: Event[]; page: { next_cursor: string } };
      for (const event of page.data) this.apply(event);
      this.cursor = page.page.next_cursor;
      if (page.data.length < limit) return;
    }
  }

  /** An author or tag as the API lists it: with its article count, counted here from the articles. */
  counted(named: Named, link: 'authors' | 'tags') {
    const count = [...this.articles.values()].filter((article) =>
      article[link].some((linked) => linked.id === named.id),
    ).length;
    return { ...named, article_count: count };
  }
}

/** The state the writes leave, as the test knows it: live article ids and what was sent. */
interface World {
  app: FastifyInstance;
  live: number[];
  sent: Record<string, unknown>[];
  counter: number;
}

const authorPool = ['Mira Olsen', 'Jonas Reyes', 'Ada Brenner', 'Pavel Dane'];
const bioPool = [null, 'Covers transport and the harbour.', 'Reports on the city council.'];
const tagPool = ['Harbour', 'Trams', 'Weather', 'Budget', 'Schools'];

function articleText(n: number) {
  return [
    `Council debates plan number ${n} for the riverside district`,
    '',
    `The council met on Tuesday to debate plan number ${n}, which would rebuild the riverside walk and add a cycle lane along the water.`,
    '',
    `Residents of the district said plan ${n} should keep the old trees, and the council agreed to publish a survey of every tree before any work.`,
    '',
    `A final vote on plan ${n} is expected next month, after a public consultation that opens on Monday.`,
  ].join('\n');
}

async function send(world: World, object: Record<string, unknown>) {
  const response = await world.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: JSON.stringify(object),
  });
  if (response.statusCode !== 201 && response.statusCode !== 200)
    throw new Error(`ingest answered ${response.statusCode}: ${response.body}`);
  world.sent.push(object);
  const { article, ingest } = response.json() as { article: { id: number }; ingest: { status: string } };
  if (ingest.status === 'created') world.live.push(article.id);
}

const newArticle = fc.record({
  authors: fc.subarray(authorPool, { maxLength: 2 }),
  bio: fc.constantFrom(...bioPool),
  tags: fc.subarray(tagPool, { maxLength: 3 }),
  withUrl: fc.boolean(),
});
type NewArticle = typeof newArticle extends fc.Arbitrary<infer T> ? T : never;

/**
 * The writes a sequence is made of. Each kind has its parameters' arbitrary and runs itself against
 * the world; a new kind of write (an edit, a merge) is one more entry.
 */
export const commandKinds = {
  ingest: {
    arbitrary: newArticle,
    async run(world: World, p: NewArticle) {
      const n = ++world.counter;
      await send(world, {
        raw: articleText(n),
        content_type: 'text/plain',
        ...(p.withUrl ? { source_url: `https://news.example.com/plans/${n}` } : {}),
        authors: p.authors.map((name) => ({ name, bio: p.bio })),
        tags: p.tags,
      });
    },
  },
  /** The same payload again: a duplicate, or a new article when the first was deleted meanwhile. */
  ingestAgain: {
    arbitrary: fc.nat(),
    async run(world: World, pick: number) {
      if (world.sent.length > 0) await send(world, world.sent[pick % world.sent.length]!);
    },
  },
  /** New text under a source URL already sent: a duplicate by URL while that article lives. */
  ingestSameSourceUrl: {
    arbitrary: fc.nat(),
    async run(world: World, pick: number) {
      const withUrl = world.sent.filter((object) => object.source_url);
      if (withUrl.length === 0) return;
      const n = ++world.counter;
      await send(world, { raw: articleText(n), source_url: withUrl[pick % withUrl.length]!.source_url });
    },
  },
  reparse: {
    arbitrary: fc.constant(null),
    async run(world: World) {
      const summary = await world.app.services.ingest.reparseAll();
      if (summary.failed.length) throw new Error(`re-parse failed: ${JSON.stringify(summary.failed)}`);
    },
  },
  delete: {
    arbitrary: fc.nat(),
    async run(world: World, pick: number) {
      if (world.live.length === 0) return;
      const [id] = world.live.splice(pick % world.live.length, 1);
      const response = await world.app.inject({ method: 'DELETE', url: `/v1/articles/${id}`, headers: auth });
      if (response.statusCode !== 204) throw new Error(`DELETE answered ${response.statusCode}`);
    },
  },
} satisfies Record<
  string,
  { arbitrary: fc.Arbitrary<unknown>; run(world: World, params: never): Promise<void> }
>;

type Kind = keyof typeof commandKinds;
type Command = { kind: Kind; params: unknown };

// New articles weigh more, so the other writes have something to work on.
const command: fc.Arbitrary<Command> = fc.oneof(
  ...(Object.keys(commandKinds) as Kind[]).map((kind) => ({
    weight: kind === 'ingest' ? 4 : 1,
    arbitrary: (commandKinds[kind].arbitrary as fc.Arbitrary<unknown>).map(
      (params): Command => ({ kind, params }),
    ),
  })),
);

/** One sequence always run first, so every kind of write and event is covered whatever the seed. */
const everyKind: [Command[], number] = [
  [
    { kind: 'ingest', params: { authors: ['Mira Olsen'], bio: null, tags: ['Harbour'], withUrl: true } },
    {
      kind: 'ingest',
      params: {
        authors: ['Mira Olsen', 'Jonas Reyes'],
        bio: bioPool[1],
        tags: ['Trams', 'Harbour'],
        withUrl: false,
      },
    },
    { kind: 'ingestAgain', params: 0 },
    { kind: 'ingestSameSourceUrl', params: 0 },
    { kind: 'reparse', params: null },
    { kind: 'delete', params: 0 },
    { kind: 'ingestAgain', params: 0 },
    {
      kind: 'ingest',
      params: { authors: ['Ada Brenner'], bio: bioPool[2], tags: ['Budget'], withUrl: true },
    },
    { kind: 'delete', params: 1 },
  ],
  2,
];

async function pages<T>(app: FastifyInstance, url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const response = await app.inject(`${url}${cursor ? `&cursor=${cursor}` : ''}`);
    const page = response.json() as { data: T[]; page: { next_cursor: string | null } };
    items.push(...page.data);
    cursor = page.page.next_cursor;
  } while (cursor);
  return items;
}

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
const articleFields =
  'id,slug,title,subtitle,excerpt,images,authors,tags,language,word_count,reading_time_minutes,' +
  'published_at,source_url,content_hash,created_at,updated_at,body_text,body_html';

/** Every way the mirror departs from what the API serves. */
async function differences(app: FastifyInstance, mirror: Mirror): Promise<string[]> {
  const found: string[] = [];
  const same = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      found.push(`${what}: API ${JSON.stringify(actual)} ≠ mirror ${JSON.stringify(expected)}`);
  };
  const listed = await pages<{ id: number }>(app, '/v1/articles?limit=100&fields=id');
  same(
    'article ids',
    listed.map(({ id }) => id).sort((a, b) => a - b),
    [...mirror.articles.keys()].sort((a, b) => a - b),
  );
  for (const [id, article] of mirror.articles) {
    same(`article ${id}`, (await app.inject(`/v1/articles/${id}?fields=${articleFields}`)).json(), article);
  }
  for (const id of mirror.deletedArticles) {
    same(`deleted article ${id}`, (await app.inject(`/v1/articles/${id}`)).statusCode, 410);
  }
  const authors = await pages<Named>(app, '/v1/authors?limit=100');
  same(
    'authors',
    authors.sort(byId),
    [...mirror.authors.values()].map((a) => mirror.counted(a, 'authors')).sort(byId),
  );
  const tags = await pages<Named>(app, '/v1/tags?limit=100');
  same(
    'tags',
    tags.sort(byId),
    [...mirror.tags.values()].map((tag) => mirror.counted(tag, 'tags')).sort(byId),
  );
  return found;
}

t.test('replaying the change feed rebuilds exactly what the API serves', async (t) => {
  let runs = 0;
  let writes = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(command, { minLength: 3, maxLength: 12 }),
      fc.integer({ min: 1, max: 7 }),
      async (commands, limit) => {
        const app = checkedAgainstDocument(
          await buildApp(loadConfig({ DATABASE_URL: 'file::memory:', API_KEYS: testApiKey }), {
            logger: false,
            parser: testParser(),
          }),
        );
        try {
          const world: World = { app, live: [], sent: [], counter: 0 };
          const follower = new Mirror();
          for (const { kind, params } of commands) {
            await (commandKinds[kind].run as (world: World, params: unknown) => Promise<void>)(world, params);
            await follower.catchUp(app, limit);
          }
          const replayed = new Mirror(replayedTypes);
          await replayed.catchUp(app, limit);
          const problems = [
            ...(await differences(app, replayed)).map((line) => `replayed: ${line}`),
            ...(await differences(app, follower)).map((line) => `follower: ${line}`),
          ];
          runs++;
          writes += commands.length;
          if (problems.length) throw new Error(problems.join('\n'));
        } finally {
          await app.close();
        }
      },
    ),
    { numRuns: 25, examples: [everyKind] },
  );
  t.pass(
    `${runs} runs, ${writes} writes; events replayed: ${JSON.stringify(Object.fromEntries(replayedTypes))}`,
  );
  for (const type of [
    'article.created',
    'article.updated',
    'article.deleted',
    'author.created',
    'author.updated',
    'tag.created',
  ])
    t.ok(replayedTypes.get(type), `the sequences produced ${type} events`);
});
