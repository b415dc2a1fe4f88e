/** `publishedAt` → `published_at`; already snake_case keys are unchanged. */
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The same map with snake_case keys, as every API response spells field names. */
export function withSnakeCaseKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [snakeCase(key), value]));
}

/** `publishedAt` → `published_at`, as a type. */
type SnakeCase<Key extends string> = Key extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : Key;

/** An object's type with snake_case keys. */
export type SnakeCased<T> = { [Key in keyof T as SnakeCase<Key & string>]: T[Key] };

/** The same object with snake_case keys, typed as such: one mapping instead of fields copied by hand. */
export function snakeCased<T extends object>(object: T): SnakeCased<T> {
  return withSnakeCaseKeys(object as Record<string, unknown>) as SnakeCased<T>;
}
