/** A lone surrogate: half of a pair with no other half. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A JSON value jsonb can hold: it refuses NUL and lone surrogates, which a client may send in the
 * overrides SQLite keeps as text; each becomes U+FFFD, as any other undecodable character.
 */
export function jsonbSafe<T>(value: T): T {
  if (typeof value === 'string')
    return value.replaceAll('\u0000', '\ufffd').replace(loneSurrogate, '\ufffd') as T;
  if (Array.isArray(value)) return value.map(jsonbSafe) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [jsonbSafe(key), jsonbSafe(item)]),
    ) as T;
  return value;
}
