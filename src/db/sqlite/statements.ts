import type Database from 'better-sqlite3';

/**
 * Prepares each distinct SQL text once per connection. List queries are assembled from the filters a
 * request uses; the number of shapes is small and bounded, so caching them costs little and saves
 * re-parsing SQL on every request.
 */
export function statementCache(sqlite: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  /**
   * `key` names the statement's shape; `build` writes its SQL, only the first time it is needed.
   * `Row` is what one of its rows holds (see rows.ts); each key belongs to one call site, which
   * gives the same `Row` every time, so the statement cached under it returns those rows.
   */
  return <Row>(key: string, build: () => string = () => key): Database.Statement<unknown[], Row> => {
    let statement = cache.get(key);
    if (!statement) {
      statement = sqlite.prepare(build());
      cache.set(key, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  };
}

export type PrepareCached = ReturnType<typeof statementCache>;

/** `base`, or `base-2`, `base-3`… : the first that `taken` says is free. */
export function uniqueSlug(base: string, taken: (slug: string) => unknown): string {
  let slug = base;
  for (let n = 2; taken(slug); n++) slug = `${base}-${n}`;
  return slug;
}
