import { z } from 'zod';
import { problemContentType } from './problems.js';
import { Problem } from './schemas.js';

export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(20)
  .meta({ description: 'Items per page, 1–100.', examples: [20] });

/** `example`: a cursor this list issues over the seed articles, so the documented example works. */
export function cursorParam(example: string) {
  return (
    z
      .string()
      .min(1)
      // A relevance cursor carries the ids still to come (at most 200 of them).
      .max(4096)
      .optional()
      .meta({ description: 'The `page.next_cursor` of the previous page.', examples: [example] })
  );
}

/**
 * A `true`/`false` query parameter, documented as a boolean so generated clients take one (they all
 * write it as `true` or `false` in the query string).
 */
export function booleanParam(description: string) {
  const strictly = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);
  return z
    .preprocess(strictly, z.boolean().meta({ examples: [true] }))
    .default(false)
    .meta({ description: `${description} Default \`false\`.` });
}

export const includeTotalParam = booleanParam(
  'Add `page.total`, the number of matching items (costs one count query).',
);

/** A parameter that may be repeated (`tag=a&tag=b`) or comma-separated (`tag=a,b`); any-of. */
export function repeatableParam(description: string, example: string) {
  return (
    z
      // Bounded like every input: 50 repeats, 1000 characters each (a comma-separated list counts once).
      .union([z.string().max(1000), z.array(z.string().max(1000)).max(50)])
      .meta({ examples: [example] })
      .transform((value) =>
        [value]
          .flat()
          .flatMap((item) => item.split(','))
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .optional()
      .meta({ description, examples: [example] })
  );
}

/** `example`: a slug from the seed articles, so the documented example works. */
export function idOrSlugParams(example: string) {
  return z.strictObject({
    idOrSlug: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'The numeric id or the slug.', examples: [example] }),
  });
}

/** A response entry with its own description and one JSON media type. */
export function jsonResponse(description: string, schema: z.ZodType, mediaType = 'application/json') {
  return { description, content: { [mediaType]: { schema } } };
}

const problemDescriptions: Record<number, string> = {
  400: 'Invalid parameters; `errors` names each one.',
  401: 'Missing, unknown or revoked API key.',
  403: 'The API key lacks the needed scope.',
  404: 'No such resource.',
  409: 'Conflicts with the current state.',
  410: 'The resource was deleted.',
  412: '`If-Match` names another version than the current one; `etag` is the current one.',
  413: 'The body is larger than the configured limit.',
  414: 'The path is longer than any id or slug.',
  415: 'The media type is not accepted here.',
  422: 'The content could not be understood as an article.',
  429: 'Too many requests; wait for `Retry-After` seconds.',
  500: 'Something failed on the server; the request id is in its logs.',
  503: 'Busy: a search past its deadline, too many waiting, or the write lock held too long; retry later.',
  507: 'The database has no room to store the change (a full disk); nothing was changed.',
};

/** Response entries for errors, each an application/problem+json Problem. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      jsonResponse(problemDescriptions[status] ?? 'Error', Problem, problemContentType),
    ]),
  );
}
