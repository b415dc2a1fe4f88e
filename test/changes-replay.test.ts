import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { auth, checkedAgainstDocument, testApiKey, testEngine, testParser } from './support/app.js';
import { freshDatabase } from './support/database.js';

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
  slug: string;
  id: number;
  authors: { id: number }[];
  tags: { id: number }[];
};

/** Events replayed from the start, by type, over every run: which kinds the sequences reached. */
const replayedTypes = new Map<string, number>();
/** Edit answers by operation and status, and old or deleted slugs checked, over every run. */
const editAnswers = new Map<string, number>();
let slugsChecked = 0;
const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

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
    if (this.tally) tally(this.tally, event.type);
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
  /** Slugs articles left by a title edit, with the article that left each last: where it should lead. */
  oldSlugs: Map<string, number>;
  /** Every slug a deleted article had, current or old, when it was deleted. */
  deletedSlugs: Set<string>;
}

const authorPool = ['Mira Olsen', 'Jonas Reyes', 'Ada Brenner', 'Pavel Dane'];
const bioPool = [null, 'Covers transport and the harbour.', 'Reports on the city council.'];
const tagPool = ['Harbour', 'Trams', 'Weather', 'Budget', 'Schools'];
const titlePool = ['Harbour plan approved', 'Trams return to the high street', 'Budget vote delayed'];
// Some names are already taken by another author or tag: a refused rename must leave no event.
const editNamePool = ['Mira Olsen-Reyes', 'M. Olsen', 'Jonas Reyes', 'Ferries', 'Harbour News', 'Trams'];

function editedText(k: number) {
  return [
    `The harbour board published revision ${k} of its plan on Thursday, after months of talks with the ferry operators.`,
    '',
    `Revision ${k} moves the new quay further from the old town and adds a second slipway for the lifeboat.`,
  ].join('\n');
}

/** Answers other than these fail the run; an allowed refusal (a 409, a 412) must leave no event. */
async function write(
  world: World,
  method: 'PATCH' | 'POST' | 'DELETE',
  url: string,
  body: unknown,
  allowed: number[] = [200],
  ifMatch?: string,
) {
  const response = await world.app.inject({
    method,
    url,
    headers: {
      ...auth,
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
      'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
    },
    payload: JSON.stringify(body),
  });
  tally(
    editAnswers,
    `${method} ${url.split('/')[2]}${url.endsWith('/merge') ? ' merge' : ''} ${response.statusCode}`,
  );
  if (!allowed.includes(response.statusCode))
    throw new Error(
      `${method} ${url} ${JSON.stringify(body)} answered ${response.statusCode}: ${response.body}`,
    );
  return response;
}

/** The ids of every author or tag the API lists. */
async function namedIds(world: World, collection: 'authors' | 'tags') {
  return (await pages<{ id: number }>(world.app, `/v1/${collection}?limit=100`)).map(({ id }) => id);
}

const currentSlug = async (world: World, id: number) =>
  ((await world.app.inject(`/v1/articles/${id}?fields=slug`)).json() as { slug: string }).slug;

/** Any subset of `members` (at least one), each with a value from its arbitrary. */
const somePatch = <T extends Record<string, fc.Arbitrary<unknown>>>(members: T) =>
  fc.record(members, { requiredKeys: [] }).filter((patch) => Object.keys(patch).length > 0);

const articlePatch = somePatch({
  title: fc.constantFrom(...titlePool),
  body_text: fc.nat(3).map(editedText),
  tags: fc.subarray([...tagPool, 'harbour', 'Ferries']),
  authors: fc.subarray([...authorPool, 'mira-olsen', 'Lena Marsh'], { maxLength: 3 }),
  published_at: fc.constantFrom(null, '2026-03-14T10:00:00Z', '2025-12-01T08:30:00+02:00'),
  excerpt: fc.constantFrom(null, 'The plan, in short: a new quay and a second slipway.'),
});

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
  editArticle: {
    arbitrary: fc.record({
      pick: fc.nat(),
      patch: articlePatch,
      precondition: fc.constantFrom('none', 'current', 'stale'),
    }),
    async run(
      world: World,
      { pick, patch, precondition }: { pick: number; patch: Record<string, unknown>; precondition: string },
    ) {
      if (world.live.length === 0) return;
      const id = world.live[pick % world.live.length]!;
      const before = await currentSlug(world, id);
      const etag = (await world.app.inject(`/v1/articles/${id}`)).headers.etag as string;
      const ifMatch = { none: undefined, current: etag, stale: `"${etag.slice(1, -1)}x"` }[precondition];
      // A 409: the edit would copy another article's title and body; a 412: the stale If-Match.
      const allowed = precondition === 'stale' ? [412] : [200, 409];
      const response = await write(world, 'PATCH', `/v1/articles/${id}`, patch, allowed, ifMatch);
      const after = (response.json() as { slug: string }).slug;
      if (response.statusCode === 200 && after !== before) {
        world.oldSlugs.set(before, id);
        world.oldSlugs.delete(after);
      }
    },
  },
  editAuthor: {
    arbitrary: fc.record({
      pick: fc.nat(),
      patch: somePatch({ name: fc.constantFrom(...editNamePool), bio: fc.constantFrom(...bioPool) }),
    }),
    async run(world: World, { pick, patch }: { pick: number; patch: Record<string, unknown> }) {
      const ids = await namedIds(world, 'authors');
      // A 409: another author already has the name.
      if (ids.length > 0)
        await write(world, 'PATCH', `/v1/authors/${ids[pick % ids.length]}`, patch, [200, 409]);
    },
  },
  editTag: {
    arbitrary: fc.record({
      pick: fc.nat(),
      patch: somePatch({
        name: fc.constantFrom(...editNamePool),
        description: fc.constantFrom(null, 'Everything about the harbour.'),
      }),
    }),
    async run(world: World, { pick, patch }: { pick: number; patch: Record<string, unknown> }) {
      const ids = await namedIds(world, 'tags');
      if (ids.length > 0)
        await write(world, 'PATCH', `/v1/tags/${ids[pick % ids.length]}`, patch, [200, 409]);
    },
  },
  mergeTag: {
    arbitrary: fc.record({ from: fc.nat(), into: fc.nat() }),
    async run(world: World, { from, into }: { from: number; into: number }) {
      const ids = await namedIds(world, 'tags');
      if (ids.length < 2) return;
      const source = ids[from % ids.length]!;
      const others = ids.filter((id) => id !== source);
      await write(world, 'POST', `/v1/tags/${source}/merge`, { into: String(others[into % others.length]) });
    },
  },
  delete: {
    arbitrary: fc.nat(),
    async run(world: World, pick: number) {
      if (world.live.length === 0) return;
      const [id] = world.live.splice(pick % world.live.length, 1) as [number];
      world.deletedSlugs.add(await currentSlug(world, id));
      for (const [slug, owner] of world.oldSlugs) if (owner === id) world.deletedSlugs.add(slug);
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

// New articles weigh more, so the other writes have something to work on; article edits and merges
// too, as they touch the most at once.
const weights: Partial<Record<Kind, number>> = { ingest: 4, editArticle: 3, mergeTag: 2 };
const command: fc.Arbitrary<Command> = fc.oneof(
  ...(Object.keys(commandKinds) as Kind[]).map((kind) => ({
    weight: weights[kind] ?? 1,
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
    {
      kind: 'editArticle',
      params: {
        pick: 0,
        patch: { title: titlePool[0], tags: ['Ferries', 'harbour'], authors: ['Lena Marsh'] },
      },
    },
    { kind: 'editAuthor', params: { pick: 0, patch: { name: 'M. Olsen', bio: bioPool[1] } } },
    { kind: 'editTag', params: { pick: 0, patch: { name: 'Harbour News', description: null } } },
    { kind: 'mergeTag', params: { from: 0, into: 0 } },
    { kind: 'editArticle', params: { pick: 0, patch: { title: titlePool[2] }, precondition: 'stale' } },
    {
      kind: 'editArticle',
      params: { pick: 0, patch: { title: titlePool[1], published_at: null }, precondition: 'none' },
    },
    { kind: 'delete', params: 1 },
    { kind: 'delete', params: 0 },
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

const articleBy = (idOrSlug: string | number) => `/v1/articles/${idOrSlug}?fields=${articleFields}`;

/**
 * What a slug serves: the article that has it now, else the one that left it last by a title edit
 * while that one lives, else 410 when a deleted article had it.
 */
function slugLeadsTo(world: World, mirror: Mirror, slug: string): ArticleData | number {
  const current = [...mirror.articles.values()].find((article) => article.slug === slug);
  const leftBy = mirror.articles.get(world.oldSlugs.get(slug) ?? -1);
  return current ?? leftBy ?? (world.deletedSlugs.has(slug) ? 410 : 404);
}

/** Every way the mirror departs from what the API serves. */
async function differences(world: World, mirror: Mirror): Promise<string[]> {
  const { app } = world;
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
    same(`article ${id}`, (await app.inject(articleBy(id))).json(), article);
  }
  for (const id of mirror.deletedArticles) {
    same(`deleted article ${id}`, (await app.inject(`/v1/articles/${id}`)).statusCode, 410);
  }
  for (const article of mirror.articles.values()) {
    same(`article by slug ${article.slug}`, (await app.inject(articleBy(article.slug))).json(), article);
  }
  for (const slug of new Set([...world.oldSlugs.keys(), ...world.deletedSlugs])) {
    const response = await app.inject(articleBy(slug));
    slugsChecked++;
    const expected = slugLeadsTo(world, mirror, slug);
    if (typeof expected === 'number') same(`old or deleted slug ${slug}`, response.statusCode, expected);
    else same(`old slug ${slug}`, response.json(), expected);
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
  const postgres = testEngine() === 'postgres';
  let runs = 0;
  let writes = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(command, { minLength: 3, maxLength: 12 }),
      fc.integer({ min: 1, max: 7 }),
      async (commands, limit) => {
        const database = postgres
          ? await freshDatabase('postgres')
          : { url: 'file::memory:', remove: async () => {} };
        const app = checkedAgainstDocument(
          await buildApp(loadConfig({ DATABASE_URL: database.url, API_KEYS: testApiKey }), {
            logger: false,
            parser: testParser(),
          }),
        );
        try {
          const world: World = {
            app,
            live: [],
            sent: [],
            counter: 0,
            oldSlugs: new Map(),
            deletedSlugs: new Set(),
          };
          const follower = new Mirror();
          for (const { kind, params } of commands) {
            await (commandKinds[kind].run as (world: World, params: unknown) => Promise<void>)(world, params);
            await follower.catchUp(app, limit);
          }
          const replayed = new Mirror(replayedTypes);
          await replayed.catchUp(app, limit);
          const problems = [
            ...(await differences(world, replayed)).map((line) => `replayed: ${line}`),
            ...(await differences(world, follower)).map((line) => `follower: ${line}`),
          ];
          runs++;
          writes += commands.length;
          if (problems.length) throw new Error(problems.join('\n'));
        } finally {
          await app.close();
          await database.remove();
        }
      },
    ),
    // Each run on PostgreSQL creates a database: fewer runs keep the file's time near SQLite's.
    { numRuns: postgres ? 8 : 20, examples: [everyKind] },
  );
  t.pass(
    `${runs} runs, ${writes} writes; events replayed: ${JSON.stringify(Object.fromEntries(replayedTypes))}; ` +
      `edits: ${JSON.stringify(Object.fromEntries(editAnswers))}; ${slugsChecked} old or deleted slugs checked`,
  );
  t.ok(slugsChecked > 0, 'title edits and deletions left old slugs to check');
  for (const type of [
    'article.created',
    'article.updated',
    'article.deleted',
    'author.created',
    'author.updated',
    'tag.created',
    'tag.updated',
    'tag.deleted',
  ])
    t.ok(replayedTypes.get(type), `the sequences produced ${type} events`);
});
