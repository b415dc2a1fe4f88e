import { z } from 'zod';

/** Where a page of a collection ends; `next_cursor` continues it. */
export const PageInfo = z.object({
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  limit: z.number().int(),
  total: z.number().int().optional().describe('Present when `include_total=true`.'),
  estimated: z
    .boolean()
    .optional()
    .describe(
      'True when a search matched more than 2,000 articles: `total` is then extrapolated from the ' +
        'newest 2,000 matches, and `facets` count those 2,000.',
    ),
});
export type PageInfo = z.infer<typeof PageInfo>;

export interface Page<T> {
  data: T[];
  page: Omit<PageInfo, 'estimated'>;
}
