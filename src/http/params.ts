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

export const cursorParam = z
  .string()
  .min(1)
  // A relevance cursor carries the ids still to come (at most 200 of them).
  .max(4096)
  .optional()
  .meta({
    description: 'The `page.next_cursor` of the previous page.',
    examples: ['WyIyMDI2LTAzLTE0VDA5OjMwOjAwLjAwMFoiLDEyXQ'],
  });

export const includeTotalParam = z
  .enum(['true', 'false'])
  .meta({ examples: ['true'] })
  .default('false')
  .transform((value) => value === 'true')
  .meta({
    description: 'Add `page.total`, the number of matching items (costs one count query).',
    examples: ['true'],
  });

/** A parameter that may be repeated (`tag=a&tag=b`) or comma-separated (`tag=a,b`); any-of. */
export function repeatableParam(description: string, example: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .meta({ examples: [example] })
    .transform((value) =>
      [value]
        .flat()
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .optional()
    .meta({ description, examples: [example] });
}

export const idOrSlugParams = z.strictObject({
  idOrSlug: z
    .string()
    .min(1)
    .max(200)
    .meta({
      description: 'The numeric id or the slug.',
      examples: ['harbour-city-votes-to-electrify-its-ferry-fleet'],
    }),
});

/** Response entries for errors, each an application/problem+json Problem. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'Invalid parameters; `errors` names each one.',
    401: 'Missing, unknown or revoked API key.',
    403: 'The API key lacks the needed scope.',
    404: 'No such resource.',
    409: 'Conflicts with the current state.',
    413: 'The body is larger than the configured limit.',
    415: 'The media type is not accepted here.',
    422: 'The content could not be understood as an article.',
    503: 'The query did not finish within the search deadline, or too many are waiting; retry later.',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Error',
        content: { [problemContentType]: { schema: Problem } },
      },
    ]),
  );
}
