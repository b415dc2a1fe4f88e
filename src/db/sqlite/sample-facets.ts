import type Database from 'better-sqlite3';
import type { ArticlePage, FacetCount, FacetName } from '../../domain/article.js';
import { maxFacetValues } from './article-facets.js';

type Facets = NonNullable<ArticlePage['facets']>;
type Named = { slug: string; name: string };
type NamedFacet = Exclude<FacetName, 'month'>;

/**
 * A search's facets, counted in memory over its sample. Each article's tags, authors and month are
 * read once and kept by this connection: counted from the indexes, three facets over a sample of
 * 2,000 at 100,000 articles took 6–12 ms, most of a search's time.
 *
 * What is kept follows the change feed, which every process writes in the transaction that makes
 * the change: an article's entry is dropped when the feed has an event for it since, and all of them
 * (with the names) when an author or tag was edited or deleted, since a rename changes names and a
 * merge or deletion moves links under many articles at once. A new author or tag changes neither:
 * the articles that name it have events of their own, and ids are never reused (AUTOINCREMENT).
 * Ingest creates them often (new bylines, new derived tags), and each emptied every search thread's
 * store. `blockSlots` sizes the store's blocks (tests make them small).
 */
export function createSampleFacets(sqlite: Database.Database, blockSlots = defaultBlockSlots) {
  const latestEvent = sqlite.prepare<[], number>('SELECT coalesce(max(id), 0) FROM events').pluck();
  const eventsBetween = sqlite.prepare<[number, number], { type: string; resource_id: number }>(
    'SELECT type, resource_id FROM events WHERE id > ? AND id <= ?',
  );
  // The dates come from the covering index: read from the table, each lies past both bodies.
  const linksOf = sqlite.prepare<
    [string],
    { id: number; month: string | null; tags: string | null; authors: string | null }
  >(
    `SELECT a.id, substr(a.published_at, 1, 7) AS month,
       (SELECT group_concat(tag_id) FROM article_tags WHERE article_id = a.id) AS tags,
       (SELECT group_concat(author_id) FROM article_authors WHERE article_id = a.id) AS authors
     FROM json_each(?) s JOIN articles a INDEXED BY articles_id_published_at ON a.id = s.value`,
  );

  let seenEvent = latestEvent.get() ?? 0;
  const links = createLinkStore(blockSlots);
  const names = createFacetNames(sqlite);
  const months = createMonthCodes();
  const tallies: Record<FacetName, Tally> = {
    tag: createTally(),
    author: createTally(),
    month: createTally(),
  };

  function forgetAll(): void {
    links.clear();
    names.forget();
  }

  /** Drops what the change feed says has changed since the last count. */
  function catchUp(): void {
    const latest = latestEvent.get() ?? 0;
    if (latest === seenEvent) return;
    for (const event of eventsBetween.iterate(seenEvent, latest)) {
      if (event.type.startsWith('article.')) links.forget(event.resource_id);
      else if (!event.type.endsWith('.created')) {
        forgetAll();
        break;
      }
    }
    seenEvent = latest;
  }

  function load(ids: number[]): void {
    for (const row of linksOf.iterate(JSON.stringify(ids))) {
      links.hold(row.id, months.codeOf(row.month), row.tags, row.authors);
    }
  }

  const listed: Record<FacetName, (counts: [number, number][]) => FacetCount[]> = {
    tag: (counts) => names.listed('tag', counts),
    author: (counts) => names.listed('author', counts),
    month: (counts) =>
      counts
        .map(([code, count]) => ({ value: months.monthOf(code), name: months.monthOf(code), count }))
        .sort((a, b) => (a.value < b.value ? 1 : -1)),
  };

  return {
    /** Each facet's counts over the articles `ids`, as article-facets.ts counts a plain list. */
    count(ids: number[], facets: FacetName[]): Facets {
      catchUp();
      const missing = ids.filter((id) => !links.holds(id));
      if (missing.length > 0) load(missing);
      return Object.fromEntries(
        facets.map((facet) => {
          const tally = tallies[facet];
          for (const id of ids) links.addTo(tally, id, facet);
          return [facet, listed[facet](tally.take())];
        }),
      );
    },
  };
}

/** Tag and author slugs and names by id, read as facets first list them and kept until forgotten. */
function createFacetNames(sqlite: Database.Database) {
  const namesOf: Record<NamedFacet, Database.Statement<[string], Named & { id: number }>> = {
    tag: sqlite.prepare('SELECT t.id, t.slug, t.name FROM json_each(?) s JOIN tags t ON t.id = s.value'),
    author: sqlite.prepare(
      'SELECT au.id, au.slug, au.name FROM json_each(?) s JOIN authors au ON au.id = s.value',
    ),
  };
  const names: Record<NamedFacet, Map<number, Named>> = { tag: new Map(), author: new Map() };

  return {
    forget(): void {
      names.tag.clear();
      names.author.clear();
    },

    /** The most counted tags or authors, most first and then by slug, as SQL's BINARY order has it. */
    listed(facet: NamedFacet, counts: [number, number][]): FacetCount[] {
      const least = leastCountShown(counts);
      const shown = counts.filter(([, count]) => count >= least);
      const known = names[facet];
      const unknown = shown.map(([id]) => id).filter((id) => !known.has(id));
      if (unknown.length > 0) {
        for (const row of namesOf[facet].iterate(JSON.stringify(unknown)))
          known.set(row.id, { slug: row.slug, name: row.name });
      }
      const counted: FacetCount[] = [];
      for (const [id, count] of shown) {
        const found = known.get(id);
        if (found) counted.push({ value: found.slug, name: found.name, count });
      }
      counted.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      return counted.slice(0, maxFacetValues);
    },
  };
}

/** Months (YYYY-MM) as small integers, so a tally can count them; -1 for no date. */
function createMonthCodes() {
  const months: string[] = [];
  const codes = new Map<string, number>();
  return {
    codeOf(month: string | null): number {
      if (month === null) return -1;
      let code = codes.get(month);
      if (code === undefined) {
        code = months.push(month) - 1;
        codes.set(month, code);
      }
      return code;
    },
    monthOf: (code: number): string => months[code]!,
  };
}

/**
 * The smallest count among the `maxFacetValues` largest: only values counted at least that often
 * can be listed, so only those need a name and a place in the sort.
 */
function leastCountShown(counts: [number, number][]): number {
  if (counts.length <= maxFacetValues) return 0;
  const largest = counts.reduce((most, [, count]) => Math.max(most, count), 0);
  const valuesWithCount = new Int32Array(largest + 1);
  for (const [, count] of counts) valuesWithCount[count]!++;
  // Every value is counted at least once, so by a count of 1 all of them, more than the limit, are reached.
  let reached = 0;
  for (let count = largest; ; count--) {
    reached += valuesWithCount[count]!;
    if (reached >= maxFacetValues) return count;
  }
}

type Tally = ReturnType<typeof createTally>;

/** Counts by small integer key, in an array rather than a map: a sample holds thousands of links. */
function createTally() {
  let counts = new Int32Array(1024);
  const keys: number[] = [];
  return {
    add(key: number): void {
      if (key >= counts.length) counts = grown(counts, key + 1);
      if (counts[key]!++ === 0) keys.push(key);
    },
    /** Each key counted with its count; the tally starts again from nothing. */
    take(): [number, number][] {
      const taken = keys.map((key): [number, number] => [key, counts[key]!]);
      for (const key of keys) counts[key] = 0;
      keys.length = 0;
      return taken;
    },
  };
}

/** How many ids a comma-joined list holds. */
function countOf(list: string | null): number {
  if (list === null) return 0;
  let count = 1;
  for (let index = 0; index < list.length; index++) if (list.charCodeAt(index) === 44) count++;
  return count;
}

/** Writes the ids of a comma-joined list into `pool` from `at`, without an array per list. */
function writeIds(pool: Int32Array, at: number, list: string | null): void {
  if (list === null) return;
  let value = 0;
  for (let index = 0; index < list.length; index++) {
    const code = list.charCodeAt(index);
    if (code === 44) {
      pool[at++] = value;
      value = 0;
    } else value = value * 10 + code - 48;
  }
  pool[at] = value;
}

/** `array`, or a copy twice as large when it cannot hold `needed`. */
function grown(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const larger = new Int32Array(Math.max(needed, array.length * 2));
  larger.set(array);
  return larger;
}

/** Slots of one block of the link store: 256 KB. */
const defaultBlockSlots = 1 << 16;

/**
 * Each held article's month code and link ids, in blocks of Int32Array found by article id: a few
 * megabytes at 100,000 articles, where an object per article would take tens. Blocks are added as
 * needed and never copied, so no outgrown copy waits for the collector. Dropped entries, and the
 * ends of blocks too short for the next entry, leave their slots behind until they outnumber the
 * live ones; then all are dropped, to be read again as searches need them.
 */
function createLinkStore(blockSlots: number) {
  // By article id: 1 + the slot its entry starts at, counted across the blocks; 0 when not held.
  let starts = new Int32Array(1024);
  // An entry: month code (-1 for none), tag count, author count, the tag ids, the author ids. It
  // lies within one block; one larger than a block gets a block of its own size.
  const blocks: Int32Array[] = [];
  // The slot the next entry goes to: every slot before it is live, dropped or skipped.
  let next = 0;
  let liveSlots = 0;

  /** Where a new entry of `size` slots starts, its block made if it is the first there. */
  function place(size: number): number {
    const offset = next % blockSlots;
    if (offset > 0 && offset + size > blockSlots) next += blockSlots - offset;
    const start = next;
    blocks[Math.floor(start / blockSlots)] ??= new Int32Array(Math.max(blockSlots, size));
    // Past an entry larger than a block, the next one starts in a block of its own, part-way in.
    next += size;
    return start;
  }

  /** The block an entry starting at `start` lies in, and where in it the entry starts. */
  const located = (start: number): [Int32Array, number] => [
    blocks[Math.floor(start / blockSlots)]!,
    start % blockSlots,
  ];

  const store = {
    holds: (id: number) => id < starts.length && starts[id]! > 0,

    /** Keeps an article's entry; `tags` and `authors` are ids joined by commas, as group_concat writes them. */
    hold(id: number, month: number, tags: string | null, authors: string | null): void {
      store.forget(id);
      const tagCount = countOf(tags);
      const authorCount = countOf(authors);
      const size = 3 + tagCount + authorCount;
      const start = place(size);
      const [block, at] = located(start);
      block[at] = month;
      block[at + 1] = tagCount;
      block[at + 2] = authorCount;
      writeIds(block, at + 3, tags);
      writeIds(block, at + 3 + tagCount, authors);
      starts = grown(starts, id + 1);
      starts[id] = start + 1;
      liveSlots += size;
    },

    forget(id: number): void {
      if (!store.holds(id)) return;
      const [block, at] = located(starts[id]! - 1);
      liveSlots -= 3 + block[at + 1]! + block[at + 2]!;
      starts[id] = 0;
      if (next - liveSlots > liveSlots) store.clear();
    },

    clear(): void {
      starts.fill(0);
      blocks.length = 0;
      next = 0;
      liveSlots = 0;
    },

    /** Adds the article's month, or each of its tags or authors, to `tally`. */
    addTo(tally: Tally, id: number, facet: FacetName): void {
      if (!store.holds(id)) return;
      const [block, at] = located(starts[id]! - 1);
      if (facet === 'month') {
        if (block[at]! >= 0) tally.add(block[at]!);
        return;
      }
      const tagCount = block[at + 1]!;
      const from = facet === 'tag' ? at + 3 : at + 3 + tagCount;
      const to = from + (facet === 'tag' ? tagCount : block[at + 2]!);
      for (let index = from; index < to; index++) tally.add(block[index]!);
    },
  };
  return store;
}
