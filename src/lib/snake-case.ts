/** `publishedAt` → `published_at`; already snake_case keys are unchanged. */
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The same map with snake_case keys, as every API response spells field names. */
export function withSnakeCaseKeys<T>(map: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [snakeCase(key), value]));
}
